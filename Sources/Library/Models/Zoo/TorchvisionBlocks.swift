// The small pieces torchvision's classifiers share (torchvision/ops/misc.py, models/_utils.py), built from the
// engine's differentiable ops. Each keeps torchvision's sub-module names, so a state_dict key such as
// "features.3.block.2.fc1.weight" is found by walking the layer tree.

import Engine
import NN

/// `channels` rounded to the nearest multiple of `divisor`, never below `minValue` nor more than 10 % below
/// `channels` (torchvision: `_make_divisible`, taken from TensorFlow's MobileNet code).
///
/// Concretely: `makeDivisible(72 / 4, divisor: 8)` is 24, `makeDivisible(16 / 4, divisor: 8)` is 8.
public func makeDivisible(_ channels: Double, divisor: Int = 8, minValue: Int? = nil) -> Int {
    let rounded = Swift.max(minValue ?? divisor, Int(channels + Double(divisor) / 2) / divisor * divisor)
    // Rounding down must not remove more than 10 % of the channels.
    return Double(rounded) < 0.9 * channels ? rounded + divisor : rounded
}

/// Convolution without bias, batch normalization, then an optional activation, as one `Sequential` whose
/// children are named "0", "1" (and "2") (torchvision: `Conv2dNormActivation`, formerly `ConvBNActivation`).
///
/// Padding is PyTorch's symmetric `(kernelSize − 1) / 2`, so a stride-2 layer halves an even input.
func convNormActivation(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int = 3, stride: Int = 1,
                        groups: Int = 1, epsilon: Float = 1e-5, momentum: Float = 0.1,
                        activation: ((Tensor) -> Tensor)?, seed: UInt64) -> Sequential {
    let conv = Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                      stride: stride, padding: .symmetric((kernelSize - 1) / 2), groups: groups, useBias: false,
                      seed: seed)
    let norm = BatchNorm(featureCount: outputChannels, epsilon: epsilon, momentum: momentum)
    return activation.map { Sequential(conv, norm, Activation($0)) } ?? Sequential(conv, norm)
}

/// Squeeze-and-excitation: each channel is rescaled by a gate computed from the globally pooled input
/// (torchvision: `ops.SqueezeExcitation`, children `fc1` and `fc2`, 1×1 convolutions with bias).
///
/// Concretely: `[N, H, W, C]` → `[N, H, W, C]`, multiplied by a `[N, 1, 1, C]` gate in (0, 1).
public final class SqueezeExcitation: Layer {
    public let squeeze: Conv2D, excite: Conv2D
    let activation: (Tensor) -> Tensor, gate: (Tensor) -> Tensor

    /// - Parameters:
    ///   - activation: after `fc1` (ReLU in MobileNetV3, SiLU in EfficientNet).
    ///   - gate: after `fc2` (hard sigmoid in MobileNetV3, sigmoid in EfficientNet).
    public init(channels: Int, squeezeChannels: Int, activation: @escaping (Tensor) -> Tensor = relu,
                gate: @escaping (Tensor) -> Tensor = sigmoid, seed: UInt64 = 0) {
        squeeze = Conv2D(inputChannels: channels, outputChannels: squeezeChannels, kernelSize: 1, seed: seed)
        excite = Conv2D(inputChannels: squeezeChannels, outputChannels: channels, kernelSize: 1, seed: seed &+ 1)
        self.activation = activation
        self.gate = gate
    }

    public var sublayers: [(name: String, layer: any Layer)] { [("fc1", squeeze), ("fc2", excite)] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input * gate(excite(activation(squeeze(input.mean(alongAxes: [1, 2])))))
    }
}

/// Drops a residual branch for whole samples while training, scaling the survivors by 1/(1 − rate); the
/// identity in inference (torchvision: `ops.StochasticDepth(p, mode="row")`).
public final class StochasticDepth: Layer {
    public let rate: Float
    private var generator: SeededGenerator

    public init(rate: Float, seed: UInt64 = 0) {
        precondition((0..<1).contains(rate), "stochastic depth rate must be in [0, 1), got \(rate)")
        self.rate = rate
        generator = SeededGenerator(seed: seed)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard LearningPhase.current == .training, rate > 0 else { return input }
        let survival = 1 - rate
        let mask = (0..<input.shape[0]).map { _ in
            Float.random(in: 0..<1, using: &generator) < survival ? 1 / survival : 0
        }
        return input * Tensor(shape: [input.shape[0]] + [Int](repeating: 1, count: input.rank - 1), scalars: mask)
    }
}

/// A chain of seeds for the layers of one model, so equal model seeds give equal weights.
struct SeedSequence {
    private var generator: SeededGenerator
    init(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
}
