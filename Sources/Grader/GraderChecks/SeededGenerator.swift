import ExerciseSupport
@_exported import Randomness

/// The grader's conveniences on the project's SplitMix64 generator: every check sees the same "random"
/// inputs on every machine and every run (Swift's default generator is reseeded per process).
extension SeededGenerator {

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
