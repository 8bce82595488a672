// Seeded randomness for the whole project: every random number in TransferLab (initialisation, shuffling,
// augmentation, dropout) comes from a `SeededGenerator`, so runs are reproducible.

import Foundation

@_exported import Randomness

extension Tensor {
    /// A tensor of samples from N(mean, standardDeviation²) (PyTorch: `torch.randn(shape) * std + mean`).
    public static func random(normal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              using generator: inout some RandomNumberGenerator) -> Tensor {
        var normal = SeededGenerator(seed: generator.next())
        let count = shape.reduce(1, *)
        let values = (0..<count).map { _ in normal.nextNormal(mean: mean, standardDeviation: standardDeviation) }
        return Tensor(shape: shape, scalars: values)
    }

    /// A tensor of samples from N(mean, standardDeviation²), reproducible from `seed`.
    public static func random(normal shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return random(normal: shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
    }

    /// A tensor of samples drawn uniformly from `range` (PyTorch: `torch.empty(shape).uniform_(a, b)`).
    public static func random(uniform shape: [Int], in range: ClosedRange<Float> = 0...1,
                              using generator: inout some RandomNumberGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { _ in Float.random(in: range, using: &generator) }
        return Tensor(shape: shape, scalars: values)
    }

    /// A tensor of samples drawn uniformly from `range`, reproducible from `seed`.
    public static func random(uniform shape: [Int], in range: ClosedRange<Float> = 0...1, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return random(uniform: shape, in: range, using: &generator)
    }
}
