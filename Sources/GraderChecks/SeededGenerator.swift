import ExerciseSupport

/// SplitMix64: a tiny, fast generator whose sequence depends only on its seed, so every check sees
/// the same "random" inputs on every machine and every run (Swift's default generator is reseeded
/// per process).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A Float uniform in `range`.
    public mutating func float(in range: ClosedRange<Float>) -> Float {
        Float.random(in: range, using: &self)
    }

    /// `count` Floats uniform in `range`.
    public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    /// An Int uniform in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// A picture of the given shape with values uniform in [0, 1].
    public mutating func picture(width: Int, height: Int, channels: Int) -> Picture {
        Picture(width: width, height: height, channels: channels, values: floats(width * height * channels, in: 0...1))
    }
}
