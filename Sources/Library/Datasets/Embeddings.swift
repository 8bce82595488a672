// What one does with embeddings once a frozen base has computed them: compare them (cosine similarity: the angle
// between two feature vectors, blind to their length) and look at them (PCA: the two directions along which the
// embeddings vary most, found by power iteration on the centered data).

import Engine
import Foundation

/// Similarity and projection of `[N, D]` embeddings, one row per example.
public enum Embeddings {
    /// cos(aᵢ, aⱼ) = aᵢ·aⱼ / (‖aᵢ‖‖aⱼ‖) for every pair of rows (scikit-learn: `cosine_similarity`).
    /// Concretely: `[N, D]` → N×N, with ones on the diagonal.
    public static func cosineSimilarities(_ embeddings: Tensor) -> [[Float]] {
        precondition(embeddings.rank == 2, "embeddings must be [N, D], got \(embeddings.shape)")
        let norms = withoutGradients { sqrt(embeddings.squared().sum(alongAxes: [1])) + 1e-12 }
        let unit = withoutGradients { embeddings / norms }
        let gram = withoutGradients { matmul(unit, unit, transposeB: true) }
        let n = embeddings.shape[0]
        return (0..<n).map { Array(gram.scalars[($0 * n)..<(($0 + 1) * n)]) }
    }

    /// The `count` principal components of the rows and each row's coordinates along them
    /// (scikit-learn: `PCA(n_components=count).fit_transform`, up to the sign of each component).
    ///
    /// - Returns: `coordinates[i][k]` for row i and component k, and the fraction of the total variance each
    ///   component explains.
    public static func principalComponents(_ embeddings: Tensor, count: Int = 2, iterations: Int = 200,
                                           seed: UInt64 = 0) -> (coordinates: [[Float]], explainedVariance: [Float]) {
        precondition(embeddings.rank == 2 && embeddings.shape[0] > 1, "PCA needs [N, D] with N > 1")
        let (n, d) = (embeddings.shape[0], embeddings.shape[1])
        precondition(count >= 1 && count <= min(n, d), "cannot take \(count) components of \(embeddings.shape)")
        return withoutGradients {
            let centered = embeddings - embeddings.mean(alongAxes: [0])
            let totalVariance = Double(centered.squared().sum().scalar) / Double(n - 1)
            var components: [Tensor] = []
            var variances: [Float] = []
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<count {
                // Power iteration on the covariance Xᵀ X / (n − 1), kept orthogonal to the components found.
                var v = Tensor.random(normal: [d, 1], using: &generator)
                for _ in 0..<iterations {
                    var w = matmul(centered, matmul(centered, v), transposeA: true)
                    for component in components {
                        w = w - component * matmul(component, w, transposeA: true)
                    }
                    v = w / (sqrt(w.squared().sum()).scalar + 1e-20)
                }
                let projected = matmul(centered, v)
                variances.append(Float(Double(projected.squared().sum().scalar) / Double(n - 1) / totalVariance))
                components.append(v)
            }
            let coordinates = matmul(centered, concatenate(components, alongAxis: 1))
            return ((0..<n).map { Array(coordinates.scalars[($0 * count)..<(($0 + 1) * count)]) }, variances)
        }
    }

    /// For each row, the other rows ordered from most to least similar (by cosine similarity).
    public static func neighbors(in similarities: [[Float]]) -> [[Int]] {
        similarities.indices.map { i in
            similarities.indices.filter { $0 != i }.sorted { similarities[i][$0] > similarities[i][$1] }
        }
    }

    /// The `count` channels of a `[1, H, W, C]` activation with the largest mean, strongest first, each as its
    /// H·W values in row order (what `FeatureMapGrid` draws).
    public static func strongestChannels(of activations: Tensor, count: Int) -> (maps: [[Float]], channels: [Int]) {
        precondition(activations.rank == 4 && activations.shape[0] == 1,
                     "expected [1, H, W, C], got \(activations.shape)")
        let (h, w, c) = (activations.shape[1], activations.shape[2], activations.shape[3])
        let means = activations.mean(squeezingAxes: [0, 1, 2]).scalars
        let channels = Array(means.indices.sorted { means[$0] > means[$1] }.prefix(count))
        let scalars = activations.scalars
        return (channels.map { channel in (0..<(h * w)).map { scalars[$0 * c + channel] } }, channels)
    }
}
