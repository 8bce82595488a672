// The frozen part of a network is a fixed function of its weights, so its output is computed once per dataset
// and read back on every later run. The cache key names the dataset, the examples, the input size, the cut and a
// fingerprint of the frozen weights themselves, so a randomly initialized network, or one whose early blocks were
// trained, never reads the pretrained network's activations.

import Models
import Engine
import NN

extension EfficientNetLite0 {
    /// The activations entering block `block` (0…16) of `examples` framed to `inputSize`, with their labels: read
    /// from `cache` when an earlier run stored them, otherwise computed in inference mode (`progress` is called
    /// with the number of examples done) and stored. Block 16 gives the input of the head convolution.
    /// Concretely: 1400 Fashion-MNIST pictures at 64 px, block 13 → `[1400, 2, 2, 192]`.
    ///
    /// - Throws: what decoding a picture throws, or `CheckpointError` when the cache cannot be written.
    public func cachedActivations(of examples: DatasetSubset<PixelDataset>, before block: Int, inputSize: Int,
                                  cache: FeatureCache = .standard,
                                  progress: ((Int) -> Void)? = nil) throws -> (dataset: TensorDataset, wasCached: Bool) {
        let key = FeatureCache.Key(dataset: examples.base.name, model: name, inputSize: inputSize,
                                   indices: examples.indices,
                                   variant: "before-block\(block)-weights-\(prefixFingerprint(before: block))")
        let (tensor, cached) = try cache.tensor(for: key) {
            try extractActivations(of: examples, before: block, inputSize: inputSize, progress: progress)
        }
        return (TensorDataset(inputs: tensor, labels: examples.labels), cached)
    }

    /// A 64-bit FNV-1a hash of the weights and statistics of the stem and blocks `0..<block`, in hexadecimal.
    func prefixFingerprint(before block: Int) -> String {
        let prefix: [any Layer] = [stem, stemNorm] + blocks.prefix(block).map { $0 as any Layer }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for layer in prefix {
            for (_, parameter) in layer.namedParameters {
                parameter.value.scalars.withUnsafeBufferPointer { values in
                    for value in values { hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3 }
                }
            }
        }
        return String(hash, radix: 16)
    }
}

extension EfficientNetTail {
    /// The pooled 1280-d features of activations entering `firstBlock`, in inference mode without gradients, with
    /// the same labels: what a new head trains on. Concretely: `[N, h, w, c]` → `[N, 1280]`.
    public func features(of activations: TensorDataset) -> TensorDataset {
        withLearningPhase(.inference) {
            withoutGradients { TensorDataset(inputs: features(activations.inputs), labels: activations.labels) }
        }
    }
}
