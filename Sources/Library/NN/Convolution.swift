import Engine

/// A 2-D convolution over channels-last images, dense, grouped or depthwise (PyTorch: `nn.Conv2d`).
///
/// Concretely: input `[N, H, W, inputChannels]` → output `[N, H', W', outputChannels]`, with the filter kept in
/// PyTorch's layout `[outputChannels, inputChannels / groups, kernel, kernel]` so checkpoints load unchanged.
/// Depthwise convolution is `groups == inputChannels == outputChannels`.
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int
    public let padding: Padding
    public let groups: Int

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .valid, groups: Int = 1, useBias: Bool = true, seed: UInt64 = 0) {
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0,
                     "channels \(inputChannels)→\(outputChannels) are not divisible by \(groups) groups")
        // PyTorch's default: U(-1/√fanIn, 1/√fanIn) for weights and bias alike.
        let fanIn = inputChannels / groups * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        var generator = SeededGenerator(seed: seed)
        weight = Parameter(Tensor.random(uniform: [outputChannels, inputChannels / groups, kernelSize, kernelSize],
                                         in: -bound...bound, using: &generator))
        bias = useBias ? Parameter(Tensor.random(uniform: [outputChannels], in: -bound...bound, using: &generator))
                       : nil
        self.stride = stride
        self.padding = padding
        self.groups = groups
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hooked(conv2d(input, filter: weight.value, bias: bias?.value, stride: stride, padding: padding,
                      groups: groups))
    }
}

/// A fully connected layer: y = x·Wᵀ + b (PyTorch: `nn.Linear`; the weight is `[outputSize, inputSize]`).
///
/// Concretely: `[N, inputSize]` → `[N, outputSize]`.
public final class Dense: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(inputSize: Int, outputSize: Int, useBias: Bool = true, seed: UInt64 = 0) {
        let bound = 1 / Float(inputSize).squareRoot()
        var generator = SeededGenerator(seed: seed)
        weight = Parameter(Tensor.random(uniform: [outputSize, inputSize], in: -bound...bound, using: &generator))
        bias = useBias ? Parameter(Tensor.random(uniform: [outputSize], in: -bound...bound, using: &generator)) : nil
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let product = matmul(input, weight.value, transposeB: true)
        return hooked(bias.map { product + $0.value } ?? product)
    }
}
