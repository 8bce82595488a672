import ExerciseSupport

/// Lesson 02 · Nearest neighbors
///
/// "Which photos look most like this one?": rank a gallery of embeddings by their cosine similarity
/// to a query and return the positions of the `count` most similar, most similar first. Equal
/// similarities keep gallery order (smaller index first). You may call your `cosineSimilarity(_:_:)`.
///
/// Example: query [1, 0], gallery [[0, 1], [1, 0.1], [-1, 0]], count 2 → [1, 0].
///
/// - Parameters:
///   - query: an embedding.
///   - gallery: embeddings of the same length as `query`.
///   - count: how many neighbors to return; more than the gallery holds means all of them.
/// - Returns: `min(count, gallery.count)` indices into `gallery`.
public func nearestNeighbors(of query: [Float], in gallery: [[Float]], count: Int) -> [Int] {
    // TODO: score every gallery entry, sort the indices by score (ties by index), keep count.
    todo("nearestNeighbors(of:in:count:)")
}
