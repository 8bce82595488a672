// MobileNetV2 exactly as torchvision builds it (models/mobilenetv2.py): ReLU6, BatchNorm with PyTorch's defaults,
// symmetric padding. Layer names are torchvision's state_dict keys ("features.0.0.weight",
// "features.1.conv.0.0.weight", "classifier.1.weight"), so a torchvision checkpoint loads by name.

import Engine
import NN

/// MobileNetV2's inverted residual: 1×1 expand → 3×3 depthwise → linear 1×1 project, plus the input when shapes
/// allow (torchvision: `InvertedResidual`, one child `conv`, a `Sequential`).
public final class InvertedResidual: Layer {
    /// [expand (ConvBNReLU6), ] depthwise (ConvBNReLU6), project Conv2d, BatchNorm.
    let conv: Sequential
    /// True when the block adds its input to its output (stride 1, same channel count).
    public let hasResidual: Bool

    init(inputChannels: Int, outputChannels: Int, stride: Int, expansion: Int, seeds: inout SeedSequence) {
        let hidden = inputChannels * expansion
        var layers: [any Layer] = []
        if expansion != 1 {
            layers.append(convNormActivation(inputChannels, hidden, kernelSize: 1, activation: relu6,
                                             seed: seeds.next()))
        }
        layers.append(convNormActivation(hidden, hidden, stride: stride, groups: hidden, activation: relu6,
                                         seed: seeds.next()))
        layers.append(Conv2D(inputChannels: hidden, outputChannels: outputChannels, kernelSize: 1, useBias: false,
                             seed: seeds.next()))
        layers.append(BatchNorm(featureCount: outputChannels))
        conv = Sequential(layers)
        hasResidual = stride == 1 && inputChannels == outputChannels
    }

    public var sublayers: [(name: String, layer: any Layer)] { [("conv", conv)] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hasResidual ? input + conv(input) : conv(input)
    }
}

/// MobileNetV2 for ImageNet: 3,504,872 parameters (torchvision: `mobilenet_v2()`, width multiplier 1).
///
/// The model takes pixels in [0, 1] and normalizes them itself. Concretely: `[N, 224, 224, 3]` pixels →
/// `[N, classCount]` logits.
public final class MobileNetV2: TorchvisionClassifier {
    /// Expansion t, output channels c, repeats n, first stride s (torchvision's `inverted_residual_setting`).
    static let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                           (6, 160, 3, 2), (6, 320, 1, 1)]

    public let name = "mobilenet-v2"
    public var labels: [String]
    /// Stem, 17 inverted residuals and the 1×1 head to 1280 channels (state_dict prefix "features", 0…18).
    public let convolutions: Sequential
    /// Dropout(0.2) and Linear 1280→classes (state_dict prefix "classifier").
    public var classifier: Sequential

    /// A MobileNetV2 with torchvision's initialization scales, reproducible from `seed`.
    public init(classCount: Int = 1000, labels: [String]? = nil, seed: UInt64 = 0) {
        var seeds = SeedSequence(seed)
        var layers: [any Layer] = [convNormActivation(3, 32, stride: 2, activation: relu6, seed: seeds.next())]
        var channels = 32
        for (expansion, outputChannels, repeats, stride) in Self.settings {
            for index in 0..<repeats {
                layers.append(InvertedResidual(inputChannels: channels, outputChannels: outputChannels,
                                               stride: index == 0 ? stride : 1, expansion: expansion, seeds: &seeds))
                channels = outputChannels
            }
        }
        layers.append(convNormActivation(channels, 1280, kernelSize: 1, activation: relu6, seed: seeds.next()))
        convolutions = Sequential(layers)
        classifier = Sequential(Dropout(rate: 0.2, seed: seeds.next()),
                                Dense(inputSize: 1280, outputSize: classCount, seed: seeds.next()))
        self.labels = labels ?? defaultLabels(classCount: classCount)
        initializeLikeTorchvision(linear: .normal(standardDeviation: 0.01), seed: seeds.next())
    }

    /// 1280 pooled features.
    public var featureCount: Int { 1280 }

    /// The embedding is the pooled base; the head is Dropout and the linear layer ("classifier.1").
    public var embeddingLayerCount: Int { 0 }

}
