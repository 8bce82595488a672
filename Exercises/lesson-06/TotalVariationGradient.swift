import ExerciseSupport

/// Lesson 06 · The gradient of total variation
///
/// d TV / d p[x, y, c] for the `totalVariation(_:)` of this lesson. Each neighbor pair (a, b) with
/// b the neighbor below or to the right of a contributes |b - a| / N (N = width * height * channels),
/// whose derivative is sign(b - a) / N with respect to b and -sign(b - a) / N with respect to a.
/// Add up the contributions of every pair a value belongs to (up to four). Use sign(0) = 0, which is
/// what PyTorch's `abs` backward does: a perfectly flat picture has a zero gradient.
///
/// Example: a 2x1 gray picture [0.2, 0.5] has gradient [-0.5, 0.5].
///
/// - Parameter picture: any picture with at least one value.
/// - Returns: a picture of the same shape holding the gradient.
public func totalVariationGradient(_ picture: Picture) -> Picture {
    // TODO: for every neighbor pair, add sign(b - a) / N to b and subtract it from a.
    todo("totalVariationGradient(_:)")
}
