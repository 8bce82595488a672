import ExerciseSupport

/// Lesson 01 · Top-k classes
///
/// The "top-5" list under each photo: the indices of the `k` largest scores, largest first.
/// When two scores are equal, the smaller index comes first (so the answer never depends on luck).
/// When `k` is larger than the number of scores, return every index.
///
/// Example: topK([0.1, 0.5, 0.2, 0.5], k: 3) == [1, 3, 2].
///
/// - Parameters:
///   - scores: probabilities or logits, one per class.
///   - k: how many classes to keep, at least 0.
/// - Returns: `min(k, scores.count)` class indices.
public func topK(_ scores: [Float], k: Int) -> [Int] {
    let ranked = scores.indices.sorted { first, second in
        scores[first] != scores[second] ? scores[first] > scores[second] : first < second
    }
    return Array(ranked.prefix(k))
}
