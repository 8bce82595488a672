// A frozen base computes the same embedding for the same picture every time, so transfer learning on frozen
// features pays for the expensive network once: features are extracted, written as safetensors under a key that
// names everything they depend on (dataset, examples, model, input size), and read back on every later run.

import Models
import Checkpoint
import Engine
import Foundation
import NN

/// Embeddings computed once and reused, stored as safetensors files in a folder (default `Output/cache`).
public struct FeatureCache: Sendable {
    /// Everything a cached tensor depends on; two equal keys name the same file.
    public struct Key: Sendable, Equatable {
        /// The dataset's name, e.g. "fashion-mnist-train".
        public var dataset: String
        /// The model's name, e.g. "efficientnet-lite0".
        public var model: String
        /// The side of the square input the pictures were resized to.
        public var inputSize: Int
        /// Which examples, in which order.
        public var indices: [Int]
        /// Anything else that changes the result, e.g. "block13" for activations instead of pooled features.
        public var variant: String

        /// A key for `indices` of `dataset` run through `model` at `inputSize`.
        public init(dataset: String, model: String, inputSize: Int, indices: [Int], variant: String = "pooled") {
            self.dataset = dataset
            self.model = model
            self.inputSize = inputSize
            self.indices = indices
            self.variant = variant
        }

        /// A file name that spells out the key, with a 64-bit FNV-1a hash of the indices.
        public var fileName: String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for index in indices {
                for byte in withUnsafeBytes(of: UInt64(index).littleEndian, Array.init) {
                    hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                }
            }
            let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }) }
            return "\(safe(dataset))-\(safe(model))-\(inputSize)px-\(safe(variant))-\(indices.count)-"
                + String(hash, radix: 16) + ".safetensors"
        }

        var metadata: [String: String] {
            ["dataset": dataset, "model": model, "input_size": String(inputSize), "variant": variant,
             "count": String(indices.count)]
        }
    }

    /// The folder holding the cached files.
    public let directory: URL

    /// A cache in `directory` (created on the first write).
    public init(directory: URL) { self.directory = directory }

    /// `Output/cache` under the working directory.
    public static var standard: FeatureCache {
        FeatureCache(directory: URL(fileURLWithPath: "Output/cache", isDirectory: true))
    }

    /// The cached tensor for `key`, or — when there is none, or it cannot be read or does not match — the
    /// result of `compute`, which is then written for next time.
    ///
    /// - Returns: the tensor and whether it came from the cache.
    /// - Throws: what `compute` throws, or `CheckpointError` when the cache cannot be written.
    public func tensor(for key: Key, compute: () throws -> Tensor) throws -> (tensor: Tensor, wasCached: Bool) {
        let url = directory.appendingPathComponent(key.fileName)
        // The file name already spells out the key; the stored indices guard against a hash collision.
        if let cached = try? CheckpointFile.load(from: url.path),
           let stored = cached["features"], stored.shape.first == key.indices.count,
           cached["indices"]?.scalars == key.indices.map(Float.init) {
            return (Tensor(shape: stored.shape, scalars: stored.scalars), true)
        }
        let tensor = try compute()
        precondition(tensor.shape.first == key.indices.count,
                     "computed \(tensor.shape) for \(key.indices.count) examples")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let named = [NamedTensor(name: "features", shape: tensor.shape, dtype: .float32, scalars: tensor.scalars),
                     NamedTensor(name: "indices", shape: [key.indices.count], dtype: .float32,
                                 scalars: key.indices.map(Float.init))]
        try CheckpointFile.writeSafetensors(named, to: url.path, metadata: key.metadata)
        return (tensor, false)
    }

    /// Removes every cached file.
    public func clear() throws {
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
            where name.hasSuffix(".safetensors") {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

extension EfficientNetLite0 {
    /// The pooled 1280-d features of `examples`, framed to `inputSize` and run in batches in inference mode
    /// without gradients; `progress` is called with the number of examples done after each batch.
    /// Concretely: N examples → `[N, 1280]`.
    public func extractFeatures(of examples: some ImageDataset, at indices: [Int]? = nil, inputSize: Int,
                                batchSize: Int = 16, progress: ((Int) -> Void)? = nil) throws -> Tensor {
        try extract(examples, at: indices, inputSize: inputSize, batchSize: batchSize, progress: progress) {
            features($0)
        }
    }

    /// The activations entering block `block` (see `activations(of:before:)`) of `examples`, in batches.
    /// Concretely: N examples at 112 px, block 13 → `[N, 4, 4, 192]`.
    public func extractActivations(of examples: some ImageDataset, at indices: [Int]? = nil, before block: Int,
                                   inputSize: Int, batchSize: Int = 16,
                                   progress: ((Int) -> Void)? = nil) throws -> Tensor {
        try extract(examples, at: indices, inputSize: inputSize, batchSize: batchSize, progress: progress) {
            activations(of: $0, before: block)
        }
    }

    private func extract(_ examples: some ImageDataset, at indices: [Int]?, inputSize: Int, batchSize: Int,
                         progress: ((Int) -> Void)?, _ run: (Tensor) -> Tensor) throws -> Tensor {
        let chosen = indices ?? Array(0..<examples.count)
        precondition(!chosen.isEmpty, "no examples to extract features from")
        var parts: [Tensor] = []
        for start in stride(from: 0, to: chosen.count, by: batchSize) {
            let batch = Array(chosen[start..<min(start + batchSize, chosen.count)])
            let pixels = try examples.tensors(at: batch, size: inputSize).inputs
            parts.append(withLearningPhase(.inference) { withoutGradients { run(pixels) } })
            progress?(start + batch.count)
        }
        return parts.count == 1 ? parts[0] : concatenate(parts, alongAxis: 0)
    }
}
