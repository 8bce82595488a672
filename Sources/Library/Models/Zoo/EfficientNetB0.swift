// EfficientNet-B0 exactly as torchvision builds it (models/efficientnet.py): SiLU, squeeze-and-excitation on every
// block, stochastic depth on residual branches while training, symmetric PyTorch padding, and BatchNorm with
// PyTorch's defaults (ε = 1e-5, momentum 0.1: torchvision sets ε = 1e-3 only for B5–B7 and V2). Layer names are
// torchvision's state_dict keys ("features.1.0.block.0.0.weight", "features.2.0.block.2.fc1.weight",
// "classifier.1.weight"), so a torchvision checkpoint loads by name.
//
// Not to be confused with EfficientNet-Lite0 (EfficientNetLite.swift): Lite0 drops squeeze-and-excitation, uses
// ReLU6 and TensorFlow's asymmetric padding.

import Engine
import NN

/// EfficientNet's MBConv block: [1×1 expand] → k×k depthwise → squeeze-and-excitation → linear 1×1 project, plus
/// the input (after stochastic depth) when shapes allow (torchvision: `MBConv`, children `block` and
/// `stochastic_depth`).
public final class MBConv: Layer {
    let block: Sequential
    public let stochasticDepth: StochasticDepth
    /// True when the block adds its input to its output (stride 1, same channel count).
    public let hasResidual: Bool

    init(inputChannels: Int, outputChannels: Int, expansion: Int, kernelSize: Int, stride: Int,
         stochasticDepthRate: Float, seeds: inout SeedSequence) {
        let expanded = makeDivisible(Double(inputChannels * expansion))
        var layers: [any Layer] = []
        if expanded != inputChannels {
            layers.append(convNormActivation(inputChannels, expanded, kernelSize: 1, activation: swish,
                                             seed: seeds.next()))
        }
        layers.append(convNormActivation(expanded, expanded, kernelSize: kernelSize, stride: stride,
                                         groups: expanded, activation: swish, seed: seeds.next()))
        // The squeeze width follows the block's input, not its expansion.
        layers.append(SqueezeExcitation(channels: expanded, squeezeChannels: max(1, inputChannels / 4),
                                        activation: swish, gate: sigmoid, seed: seeds.next()))
        layers.append(convNormActivation(expanded, outputChannels, kernelSize: 1, activation: nil,
                                         seed: seeds.next()))
        block = Sequential(layers)
        stochasticDepth = StochasticDepth(rate: stochasticDepthRate, seed: seeds.next())
        hasResidual = stride == 1 && inputChannels == outputChannels
    }

    public var sublayers: [(name: String, layer: any Layer)] { [("block", block)] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hasResidual ? stochasticDepth(block(input)) + input : block(input)
    }
}

/// EfficientNet-B0 for ImageNet: 5,288,548 parameters (torchvision: `efficientnet_b0()`).
///
/// The model takes pixels in [0, 1] and normalizes them itself. Concretely: `[N, 224, 224, 3]` pixels →
/// `[N, classCount]` logits.
public final class EfficientNetB0: TorchvisionClassifier {
    /// Expansion, kernel, first stride, input and output channels, repeats (torchvision's `bneck_conf` rows).
    static let stages = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
                         (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]

    public let name = "efficientnet-b0"
    public var labels: [String]
    /// Stem, seven stages of MBConv blocks and the 1×1 head to 1280 channels (state_dict prefix "features",
    /// 0…8; stage i is "features.i", its blocks "features.i.0", "features.i.1", …).
    public let convolutions: Sequential
    /// Dropout(0.2) and Linear 1280→classes (state_dict prefix "classifier").
    public var classifier: Sequential

    /// An EfficientNet-B0 with torchvision's initialization scales, reproducible from `seed`.
    public init(classCount: Int = 1000, labels: [String]? = nil, seed: UInt64 = 0) {
        var seeds = SeedSequence(seed)
        var layers: [any Layer] = [convNormActivation(3, 32, stride: 2, activation: swish, seed: seeds.next())]
        let blockCount = Self.stages.reduce(0) { $0 + $1.5 }
        var blockIndex = 0
        for (expansion, kernelSize, stride, inputChannels, outputChannels, repeats) in Self.stages {
            var blocks: [any Layer] = []
            for index in 0..<repeats {
                // The drop rate grows linearly with depth, from 0 to 0.2 · 15/16.
                blocks.append(MBConv(inputChannels: index == 0 ? inputChannels : outputChannels,
                                     outputChannels: outputChannels, expansion: expansion, kernelSize: kernelSize,
                                     stride: index == 0 ? stride : 1,
                                     stochasticDepthRate: 0.2 * Float(blockIndex) / Float(blockCount),
                                     seeds: &seeds))
                blockIndex += 1
            }
            layers.append(Sequential(blocks))
        }
        layers.append(convNormActivation(320, 1280, kernelSize: 1, activation: swish, seed: seeds.next()))
        convolutions = Sequential(layers)
        classifier = Sequential(Dropout(rate: 0.2, seed: seeds.next()),
                                Dense(inputSize: 1280, outputSize: classCount, seed: seeds.next()))
        self.labels = labels ?? defaultLabels(classCount: classCount)
        initializeLikeTorchvision(linear: .uniformOverOutputs, seed: seeds.next())
    }

    /// 1280 pooled features.
    public var featureCount: Int { 1280 }

    /// The embedding is the pooled base; the head is Dropout and the linear layer ("classifier.1").
    public var embeddingLayerCount: Int { 0 }

}
