import ExerciseSupport
import Foundation

/// Lesson 02 · Unit-length embeddings
///
/// Before comparing embeddings we often scale each to length 1, so that a brighter photo (larger
/// activations everywhere) is not "more similar" to everything. Divide every value by the vector's
/// Euclidean length sqrt(sum of squares). A vector of zeros has no direction: return it unchanged.
///
/// Example: l2Normalized([3, 4]) == [0.6, 0.8].
///
/// - Parameter vector: any length, including 0.
/// - Returns: the same direction with length 1 (or all zeros).
public func l2Normalized(_ vector: [Float]) -> [Float] {
    let length = sqrt(vector.reduce(0) { $0 + $1 * $1 })
    if length == 0 { return vector }
    return vector.map { $0 / length }
}
