// MobileNetV3 Large and Small exactly as torchvision builds them (models/mobilenetv3.py): hard-swish or ReLU per
// block, squeeze-and-excitation with a hard-sigmoid gate, BatchNorm with ε = 0.001 and momentum 0.01. Layer names
// are torchvision's state_dict keys ("features.1.block.0.0.weight", "features.4.block.2.fc1.weight",
// "classifier.0.weight"), so a torchvision checkpoint loads by name.

import Engine
import NN

/// One row of the MobileNetV3 tables (torchvision: `InvertedResidualConfig`, width multiplier 1).
struct MobileNetV3BlockSetting {
    let inputChannels: Int, kernelSize: Int, expandedChannels: Int, outputChannels: Int
    let usesSqueezeExcitation: Bool, usesHardSwish: Bool, stride: Int

    init(_ inputChannels: Int, _ kernelSize: Int, _ expandedChannels: Int, _ outputChannels: Int,
         _ usesSqueezeExcitation: Bool, _ activation: String, _ stride: Int) {
        (self.inputChannels, self.kernelSize, self.expandedChannels) = (inputChannels, kernelSize, expandedChannels)
        (self.outputChannels, self.usesSqueezeExcitation) = (outputChannels, usesSqueezeExcitation)
        (usesHardSwish, self.stride) = (activation == "HS", stride)
    }
}

/// MobileNetV3's block: [1×1 expand] → k×k depthwise → [squeeze-and-excitation] → linear 1×1 project, plus the
/// input when shapes allow (torchvision: `mobilenetv3.InvertedResidual`, one child `block`, a `Sequential`).
public final class MobileNetV3Block: Layer {
    let block: Sequential
    /// True when the block adds its input to its output (stride 1, same channel count).
    public let hasResidual: Bool

    init(_ setting: MobileNetV3BlockSetting, seeds: inout SeedSequence) {
        let activation: (Tensor) -> Tensor = setting.usesHardSwish ? hardSwish : relu
        let expanded = setting.expandedChannels
        let norm = (epsilon: Float(0.001), momentum: Float(0.01))
        var layers: [any Layer] = []
        if expanded != setting.inputChannels {
            layers.append(convNormActivation(setting.inputChannels, expanded, kernelSize: 1, epsilon: norm.epsilon,
                                             momentum: norm.momentum, activation: activation, seed: seeds.next()))
        }
        layers.append(convNormActivation(expanded, expanded, kernelSize: setting.kernelSize, stride: setting.stride,
                                         groups: expanded, epsilon: norm.epsilon, momentum: norm.momentum,
                                         activation: activation, seed: seeds.next()))
        if setting.usesSqueezeExcitation {
            layers.append(SqueezeExcitation(channels: expanded, squeezeChannels: makeDivisible(Double(expanded / 4)),
                                            activation: relu, gate: hardSigmoid, seed: seeds.next()))
        }
        layers.append(convNormActivation(expanded, setting.outputChannels, kernelSize: 1, epsilon: norm.epsilon,
                                         momentum: norm.momentum, activation: nil, seed: seeds.next()))
        block = Sequential(layers)
        hasResidual = setting.stride == 1 && setting.inputChannels == setting.outputChannels
    }

    public var sublayers: [(name: String, layer: any Layer)] { [("block", block)] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        hasResidual ? block(input) + input : block(input)
    }
}

/// MobileNetV3 for ImageNet (torchvision: `mobilenet_v3_large()`, 5,483,032 parameters;
/// `mobilenet_v3_small()`, 2,542,856).
///
/// The model takes pixels in [0, 1] and normalizes them itself. Concretely: `[N, 224, 224, 3]` pixels →
/// `[N, classCount]` logits.
public final class MobileNetV3: TorchvisionClassifier {
    /// The two sizes of the paper.
    public enum Size: Sendable {
        case large, small

        /// Table 1 (large) and table 2 (small) of the paper, as torchvision writes them.
        var blocks: [MobileNetV3BlockSetting] {
            typealias B = MobileNetV3BlockSetting
            switch self {
            case .large:
                return [B(16, 3, 16, 16, false, "RE", 1), B(16, 3, 64, 24, false, "RE", 2),
                        B(24, 3, 72, 24, false, "RE", 1), B(24, 5, 72, 40, true, "RE", 2),
                        B(40, 5, 120, 40, true, "RE", 1), B(40, 5, 120, 40, true, "RE", 1),
                        B(40, 3, 240, 80, false, "HS", 2), B(80, 3, 200, 80, false, "HS", 1),
                        B(80, 3, 184, 80, false, "HS", 1), B(80, 3, 184, 80, false, "HS", 1),
                        B(80, 3, 480, 112, true, "HS", 1), B(112, 3, 672, 112, true, "HS", 1),
                        B(112, 5, 672, 160, true, "HS", 2), B(160, 5, 960, 160, true, "HS", 1),
                        B(160, 5, 960, 160, true, "HS", 1)]
            case .small:
                return [B(16, 3, 16, 16, true, "RE", 2), B(16, 3, 72, 24, false, "RE", 2),
                        B(24, 3, 88, 24, false, "RE", 1), B(24, 5, 96, 40, true, "HS", 2),
                        B(40, 5, 240, 40, true, "HS", 1), B(40, 5, 240, 40, true, "HS", 1),
                        B(40, 5, 120, 48, true, "HS", 1), B(48, 5, 144, 48, true, "HS", 1),
                        B(48, 5, 288, 96, true, "HS", 2), B(96, 5, 576, 96, true, "HS", 1),
                        B(96, 5, 576, 96, true, "HS", 1)]
            }
        }

        /// The width of the classifier's hidden layer (torchvision's `last_channel`).
        var lastChannels: Int { self == .large ? 1280 : 1024 }
    }

    public let name: String
    public var labels: [String]
    /// Stem, the blocks and the 1×1 head to 6× the last block's channels (state_dict prefix "features").
    public let convolutions: Sequential
    /// Linear → hard-swish → Dropout(0.2) → Linear (state_dict prefix "classifier", indices 0…3).
    public var classifier: Sequential
    /// The pooled channels the classifier reads: 960 (large) or 576 (small).
    public let pooledCount: Int
    public let featureCount: Int

    /// A MobileNetV3 with torchvision's initialization scales, reproducible from `seed`.
    public init(_ size: Size, classCount: Int = 1000, labels: [String]? = nil, seed: UInt64 = 0) {
        var seeds = SeedSequence(seed)
        let settings = size.blocks
        var layers: [any Layer] = [convNormActivation(3, settings[0].inputChannels, stride: 2, epsilon: 0.001,
                                                      momentum: 0.01, activation: hardSwish, seed: seeds.next())]
        for setting in settings { layers.append(MobileNetV3Block(setting, seeds: &seeds)) }
        pooledCount = 6 * settings.last!.outputChannels
        layers.append(convNormActivation(settings.last!.outputChannels, pooledCount, kernelSize: 1, epsilon: 0.001,
                                         momentum: 0.01, activation: hardSwish, seed: seeds.next()))
        convolutions = Sequential(layers)
        featureCount = size.lastChannels
        classifier = Sequential(
            Dense(inputSize: pooledCount, outputSize: featureCount, seed: seeds.next()), Activation(hardSwish),
            Dropout(rate: 0.2, seed: seeds.next()),
            Dense(inputSize: featureCount, outputSize: classCount, seed: seeds.next()))
        name = size == .large ? "mobilenet-v3-large" : "mobilenet-v3-small"
        self.labels = labels ?? defaultLabels(classCount: classCount)
        initializeLikeTorchvision(linear: .normal(standardDeviation: 0.01), seed: seeds.next())
    }

    /// The embedding runs through "classifier.0" and its hard-swish, before the dropout and "classifier.3".
    public var embeddingLayerCount: Int { 2 }
}
