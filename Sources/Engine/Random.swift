// Seeded randomness for the whole project: every random number in TransferLab (initialisation, shuffling,
// augmentation, dropout) comes from a `SeededGenerator`, so runs are reproducible.

import Foundation

/// A small, fast, seedable random number generator (SplitMix64; PyTorch: `torch.Generator().manual_seed`).
///
/// Equal seeds give equal sequences on every platform. It is a value type: copying it forks the sequence.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A sample from the normal distribution N(mean, standardDeviation²) (Box–Muller).
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        // u1 in (0, 1] so log(u1) is finite.
        let u1 = 1 - Double(next() >> 11) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        return mean + standardDeviation * Float(z)
    }
}

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
