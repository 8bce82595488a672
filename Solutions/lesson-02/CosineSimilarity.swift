import ExerciseSupport
import Foundation

/// Lesson 02 · Cosine similarity
///
/// How alike two embeddings are, whatever their lengths: the cosine of the angle between them,
/// a·b / (|a| |b|), from -1 (opposite) through 0 (unrelated) to 1 (same direction).
/// When either vector is all zeros the angle is undefined: return 0 ("no evidence either way").
///
/// Example: cosineSimilarity([1, 0], [1, 1]) ≈ 0.7071.
///
/// - Parameters:
///   - a: a vector, for example a 1280-d Lite0 embedding.
///   - b: a vector of the same length.
/// - Returns: a value in [-1, 1].
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, squaredA: Float = 0, squaredB: Float = 0
    for i in a.indices {
        dot += a[i] * b[i]
        squaredA += a[i] * a[i]
        squaredB += b[i] * b[i]
    }
    if squaredA == 0 || squaredB == 0 { return 0 }
    return dot / (sqrt(squaredA) * sqrt(squaredB))
}
