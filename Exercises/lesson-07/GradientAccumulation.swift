import ExerciseSupport

/// Lesson 07 · Gradient accumulation
///
/// Each small batch gives the gradient of its *mean* loss. The gradient of one large batch made of all of them
/// is the mean over every example, so each batch counts in proportion to its size:
///   gradient = Σ size[b] · batchGradients[b] / Σ size[b]
/// With equal sizes this is the plain mean of the batch gradients; a smaller last batch counts less.
///
/// Example: batch gradients [1, 2] (size 3) and [5, 6] (size 1): [(3 + 5) / 4, (6 + 6) / 4] = [2, 3].
///
/// - Parameters:
///   - batchGradients: one gradient per batch (at least one), all the same length.
///   - batchSizes: the number of examples of each batch, positive.
/// - Returns: the gradient of the whole batch's mean loss.
public func accumulatedGradient(_ batchGradients: [[Float]], batchSizes: [Int]) -> [Float] {
    // TODO: weight each batch gradient by its size, sum, divide by the total size.
    todo("accumulatedGradient(_:batchSizes:)")
}
