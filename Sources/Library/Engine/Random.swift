// Seeded randomness for the whole project: every random number in TransferLab (initialization, shuffling,
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
        // A concrete generator forked from the caller's keeps the loop specialized: through a generic
        // generator each sample costs a microsecond, and VGG16 has 138 M of them.
        var source = SeededGenerator(seed: generator.next())
        let (lower, width) = (range.lowerBound, range.upperBound - range.lowerBound)
        let values = makeScalars(count: shape.reduce(1, *)) { buffer in
            for i in buffer.indices {
                // 24 random bits give every representable step of a [0, 1) float.
                buffer[i] = lower + width * Float(source.next() >> 40) * 0x1.0p-24
            }
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// A tensor of samples drawn uniformly from `range`, reproducible from `seed`.
    public static func random(uniform shape: [Int], in range: ClosedRange<Float> = 0...1, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return random(uniform: shape, in: range, using: &generator)
    }
}
