/// The activations of one convolutional layer for one image: `channels` planes of `height` rows of
/// `width` values, stored plane by plane (CHW) — PyTorch's layout without the batch axis.
///
/// Concretely: the value of channel `c` at column `x`, row `y` is `values[(c * height + y) * width + x]`.
public struct FeatureMap: Equatable, Sendable, CustomStringConvertible {
    public var channels: Int
    public var height: Int
    public var width: Int
    /// `channels * height * width` values.
    public var values: [Float]

    public init(channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(channels >= 0 && height >= 0 && width >= 0,
                     "a feature map needs a non-negative shape, got \(channels)x\(height)x\(width)")
        precondition(values.count == channels * height * width,
                     "\(channels)x\(height)x\(width) needs \(channels * height * width) values, got \(values.count)")
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    /// The value of channel `channel` at column `x`, row `y`.
    public subscript(channel channel: Int, x x: Int, y y: Int) -> Float {
        values[(channel * height + y) * width + x]
    }

    /// "FeatureMap 1280x7x7" (channels x height x width): what the grader prints for a shape.
    public var description: String { "FeatureMap \(channels)x\(height)x\(width)" }
}
