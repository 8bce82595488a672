// The one random-number generator of TransferLab. Every random number (initialization, shuffling, augmentation,
// dropout, the grader's random inputs, the gallery's synthetic data) comes from it, so runs are reproducible.
// It lives in its own dependency-free module so the engine, the grader and the gallery share one definition.

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
