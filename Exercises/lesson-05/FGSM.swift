import ExerciseSupport

/// Lesson 05 · Targeted FGSM
///
/// The fast gradient sign method (Goodfellow et al., 2015), targeted: given the gradient of the
/// loss towards the wanted class ("be a cat") with respect to the pixels, move every pixel by
/// exactly epsilon *against* the sign of its gradient, then clip to the valid range [0, 1]:
///   x'[i] = clip(x[i] - epsilon * sign(g[i]), 0, 1),  with sign(0) = 0 (no information, no change).
/// With epsilon = 2/255 the change is invisible, yet the network may now say "Egyptian cat".
///
/// Example: image [0.5, 0.5, 0.001], gradient [2, -0.1, 3], epsilon 0.01 → [0.49, 0.51, 0].
///
/// - Parameters:
///   - image: pixel values in [0, 1], any layout.
///   - gradient: d loss / d image, same count.
///   - epsilon: the step in pixel units, e.g. 2/255.
/// - Returns: the adversarial image, values in [0, 1].
public func fgsmStep(_ image: [Float], gradient: [Float], epsilon: Float) -> [Float] {
    // TODO: subtract epsilon times the sign of each gradient value, then clip to [0, 1].
    todo("fgsmStep(_:gradient:epsilon:)")
}
