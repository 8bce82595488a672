import Engine

/// Layers applied in order; children are named "0", "1", … as in PyTorch (`nn.Sequential`).
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public var sublayers: [(name: String, layer: any Layer)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hooked(layers.reduce(input) { $1($0) })
    }
}

/// A parameter-free layer wrapping a function, e.g. `Activation(relu6)` or `Activation(globalAveragePool)`.
public final class Activation: Layer {
    public let function: (Tensor) -> Tensor
    public init(_ function: @escaping (Tensor) -> Tensor) { self.function = function }
    public func callAsFunction(_ input: Tensor) -> Tensor { hooked(function(input)) }
}

/// Zeroes each element with probability `rate` while training and scales the rest by 1/(1 − rate)
/// (PyTorch: `nn.Dropout`). The identity in inference.
public final class Dropout: Layer {
    public let rate: Float
    private var generator: SeededGenerator

    public init(rate: Float, seed: UInt64 = 0) {
        precondition((0..<1).contains(rate), "dropout rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = SeededGenerator(seed: seed)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard LearningPhase.current == .training, rate > 0 else { return hooked(input) }
        return hooked(dropout(input, rate: rate, generator: &generator))
    }
}

/// Flattens `[N, …]` to `[N, rest]` (PyTorch: `nn.Flatten`).
public final class Flatten: Layer {
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor {
        hooked(input.reshaped(to: [input.shape[0], input.scalarCount / max(input.shape[0], 1)]))
    }
}

/// A `size`×`size` window moved by `stride` (default `size`), each window reduced to one value per channel: the
/// common part of `MaxPool2D` and `AveragePool2D`.
///
/// Concretely: `[N, H, W, C]` → `[N, H/stride, W/stride, C]` for `.valid` padding and divisible sizes.
public class Pooling2D: Layer {
    public let size: Int
    public let stride: Int
    public let padding: Padding
    /// The engine's pooling op this layer applies.
    let pool: (Tensor, Int, Int, Padding) -> Tensor

    init(size: Int, stride: Int?, padding: Padding, pool: @escaping (Tensor, Int, Int, Padding) -> Tensor) {
        precondition(size > 0 && (stride ?? size) > 0, "pooling needs a positive size and stride")
        self.size = size
        self.stride = stride ?? size
        self.padding = padding
        self.pool = pool
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hooked(pool(input, size, stride, padding))
    }
}

/// The maximum of each window (PyTorch: `nn.MaxPool2d`).
public final class MaxPool2D: Pooling2D {
    public init(size: Int, stride: Int? = nil, padding: Padding = .valid) {
        super.init(size: size, stride: stride, padding: padding) { maxPool2d($0, size: $1, stride: $2, padding: $3) }
    }
}

/// The mean of each window (PyTorch: `nn.AvgPool2d`).
public final class AveragePool2D: Pooling2D {
    public init(size: Int, stride: Int? = nil, padding: Padding = .valid) {
        super.init(size: size, stride: stride, padding: padding) { avgPool2d($0, size: $1, stride: $2, padding: $3) }
    }
}
