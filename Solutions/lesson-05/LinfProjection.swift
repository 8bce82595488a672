import ExerciseSupport

/// Lesson 05 · Stay within epsilon (L-infinity projection)
///
/// A projected attack (PGD) takes many small steps but promises that no pixel ends more than epsilon
/// away from the original photo, and that every value stays a valid pixel. After each step it
/// projects: first clamp every value into [original - epsilon, original + epsilon], then into [0, 1].
///
/// Example: candidate [0.9, 0.2, -0.1], original [0.5, 0.5, 0.02], epsilon 0.1 → [0.6, 0.4, 0].
///
/// - Parameters:
///   - candidate: the image after a step.
///   - original: the unmodified image, same count, values in [0, 1].
///   - epsilon: the largest change allowed per value, at least 0.
/// - Returns: the nearest image (per value) that keeps both promises.
public func projected(_ candidate: [Float], around original: [Float], epsilon: Float) -> [Float] {
    var result = candidate
    for i in candidate.indices {
        let clamped = min(original[i] + epsilon, max(original[i] - epsilon, candidate[i]))
        result[i] = min(1, max(0, clamped))
    }
    return result
}
