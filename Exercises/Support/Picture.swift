/// A small picture as plain numbers: `height` rows of `width` pixels, each with `channels` values,
/// stored row by row, pixel by pixel (HWC) — the same layout as `Imaging.Image`.
///
/// Concretely: channel `c` of the pixel in column `x`, row `y` is `values[(y * width + x) * channels + c]`.
/// The exercises use this instead of the engine's `Tensor`, so they stand on their own.
public struct Picture: Equatable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// `height * width * channels` values, usually in [0, 1].
    public var values: [Float]

    public init(width: Int, height: Int, channels: Int, values: [Float]) {
        precondition(width >= 0 && height >= 0 && channels > 0,
                     "a picture needs a size of at least 0 and a channel, got \(width)x\(height)x\(channels)")
        precondition(values.count == width * height * channels,
                     "\(width)x\(height)x\(channels) needs \(width * height * channels) values, got \(values.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// A picture with every value set to `value`.
    public init(width: Int, height: Int, channels: Int, repeating value: Float) {
        self.init(width: width, height: height, channels: channels,
                  values: [Float](repeating: value, count: width * height * channels))
    }

    /// The position in `values` of channel `channel` of the pixel in column `x`, row `y`.
    public func index(x: Int, y: Int, channel: Int) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height && channel >= 0 && channel < channels,
                     "(x: \(x), y: \(y), channel: \(channel)) is outside a \(width)x\(height)x\(channels) picture")
        return (y * width + x) * channels + channel
    }

    /// Channel `channel` of the pixel in column `x`, row `y`.
    public subscript(x x: Int, y y: Int, channel channel: Int) -> Float {
        get { values[index(x: x, y: y, channel: channel)] }
        set { values[index(x: x, y: y, channel: channel)] = newValue }
    }

    /// "Picture 4x3x3" (width x height x channels): what the grader prints for a shape.
    public var description: String { "Picture \(width)x\(height)x\(channels)" }
}
