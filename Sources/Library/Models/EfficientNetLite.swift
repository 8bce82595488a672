// EfficientNet-Lite0, -Lite1 and -Lite2, exactly as the reference PyTorch implementation runs them
// (`efficientnet_lite_pytorch`; see Tests/Reference/README.md):
// ReLU6 everywhere, no squeeze-and-excitation, BatchNorm with ε = 1e-3 after every bias-free convolution, and
// TensorFlow "SAME" padding (asymmetric for stride 2: a symmetric pad-1 stride-2 conv would not match).
// Layer names are the checkpoint's state_dict keys, so the real weights load by name.

import Engine
import NN

/// One stage of blocks in the EfficientNet-Lite table.
struct MBConvStage {
    let repeats: Int, expansion: Int, kernelSize: Int, stride: Int, outputChannels: Int
}

/// The members of the EfficientNet-Lite family with real ImageNet weights offline. A larger member scales Lite0's
/// table: channels by `widthMultiplier` (rounded to multiples of 8), repeats by `depthMultiplier` (rounded up),
/// except the first and last stage; the stem (32) and head (1280) stay fixed, as in TensorFlow's Lite builder.
public enum EfficientNetLiteVariant: String, CaseIterable, Sendable {
    case lite0 = "efficientnet-lite0"
    case lite1 = "efficientnet-lite1"
    case lite2 = "efficientnet-lite2"

    /// Width, depth multipliers and the input side (reference: `efficientnet_lite_params`).
    var coefficients: (width: Double, depth: Double, inputSize: Int) {
        switch self {
        case .lite0: return (1.0, 1.0, 224)
        case .lite1: return (1.0, 1.1, 240)
        case .lite2: return (1.1, 1.2, 260)
        }
    }

    /// The side of the square input the network was trained at: 224, 240 or 260.
    public var inputSize: Int { coefficients.inputSize }

    /// Lite0's stages scaled by this variant's multipliers.
    var stages: [MBConvStage] {
        let base = EfficientNetLite0.lite0Stages
        return base.enumerated().map { index, stage in
            let fixed = index == 0 || index == base.count - 1
            let repeats = fixed ? stage.repeats : Int((Double(stage.repeats) * coefficients.depth).rounded(.up))
            return MBConvStage(repeats: repeats, expansion: stage.expansion, kernelSize: stage.kernelSize,
                               stride: stage.stride, outputChannels: roundedChannels(stage.outputChannels))
        }
    }

    /// TensorFlow's `round_filters`: the scaled count to the nearest multiple of 8, never 10% below the scaled one.
    func roundedChannels(_ channels: Int) -> Int {
        let scaled = Double(channels) * coefficients.width
        var rounded = max(8, Int(scaled + 4) / 8 * 8)
        if Double(rounded) < 0.9 * scaled { rounded += 8 }
        return rounded
    }
}

/// The inverted-residual block of MobileNetV2/EfficientNet without squeeze-and-excitation
/// (reference: `MBConvBlock`): 1×1 expand → k×k depthwise → 1×1 project, plus the input when shapes allow.
public final class MBConvBlock: Layer {
    let expandConv: Conv2D?, expandNorm: BatchNorm?
    let depthwiseConv: Conv2D, depthwiseNorm: BatchNorm
    let projectConv: Conv2D, projectNorm: BatchNorm
    /// True when the block adds its input to its output (stride 1, same channel count).
    public let hasResidual: Bool
    /// The probability of dropping the residual branch per sample while training (drop-connect).
    public let dropConnectRate: Float
    private var generator: SeededGenerator

    init(inputChannels: Int, outputChannels: Int, expansion: Int, kernelSize: Int, stride: Int,
         dropConnectRate: Float, seed: UInt64) {
        let hidden = inputChannels * expansion
        let norm = { BatchNorm(featureCount: $0, epsilon: 1e-3, momentum: 0.01) }
        if expansion != 1 {
            expandConv = Conv2D(inputChannels: inputChannels, outputChannels: hidden, kernelSize: 1,
                                useBias: false, seed: seed)
            expandNorm = norm(hidden)
        } else {
            expandConv = nil
            expandNorm = nil
        }
        depthwiseConv = Conv2D(inputChannels: hidden, outputChannels: hidden, kernelSize: kernelSize, stride: stride,
                               padding: .same, groups: hidden, useBias: false, seed: seed &+ 1)
        depthwiseNorm = norm(hidden)
        projectConv = Conv2D(inputChannels: hidden, outputChannels: outputChannels, kernelSize: 1, useBias: false,
                             seed: seed &+ 2)
        projectNorm = norm(outputChannels)
        hasResidual = stride == 1 && inputChannels == outputChannels
        self.dropConnectRate = dropConnectRate
        generator = SeededGenerator(seed: seed &+ 3)
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        var layers: [(name: String, layer: any Layer)] = []
        if let expandConv, let expandNorm { layers += [("_expand_conv", expandConv), ("_bn0", expandNorm)] }
        layers += [("_depthwise_conv", depthwiseConv), ("_bn1", depthwiseNorm),
                   ("_project_conv", projectConv), ("_bn2", projectNorm)]
        return layers
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        // BatchNorm and ReLU6 in one pass (`relu6(norm(conv(x)))`), each followed by the next convolution (in
        // training one op that recomputes the normalized activation in the backward pass instead of keeping it).
        if let expandConv, let expandNorm {
            x = expandNorm(expandConv(x), activation: .relu6, then: depthwiseConv)
        } else {
            x = depthwiseConv(x)
        }
        x = projectNorm(depthwiseNorm(x, activation: .relu6, then: projectConv))
        guard hasResidual else { return hooked(x) }
        if LearningPhase.current == .training && dropConnectRate > 0 {
            // Drop-connect: keep each sample's branch with probability 1 − rate, scaled to keep its expectation.
            let keep = 1 - dropConnectRate
            let mask = (0..<input.shape[0]).map { _ in
                Float.random(in: 0..<1, using: &generator) < keep ? 1 / keep : 0
            }
            x = x * Tensor(shape: [input.shape[0], 1, 1, 1], scalars: mask)
        }
        return hooked(x + input)
    }
}

/// Where to read activations inside the network (see `featureMaps(of:at:)`).
public enum NetworkDepth: Hashable, Sendable {
    /// After the stem (32 channels at 112×112).
    case stem
    /// After block `n` of 0…15 (0…20 for Lite1 and Lite2).
    case block(Int)
    /// After the 1×1 head convolution, before pooling (1280 channels at 7×7).
    case head
}

/// The name most of the course uses: Lite0 is `EfficientNetLite()`, the default variant.
public typealias EfficientNetLite0 = EfficientNetLite

/// EfficientNet-Lite for ImageNet (reference: `efficientnet_lite_pytorch.EfficientNet.from_name(variant)`).
/// Lite0: 4,652,008 parameters, 385 M multiply-adds per 224×224 image; Lite1 (240 px) and Lite2 (260 px) are
/// deeper and (Lite2) wider members of the same family with the same key names.
///
/// The model takes pixels in [0, 1] and normalizes them itself, so callers never re-type the preprocessing.
/// Concretely: `[N, S, S, 3]` pixels (S = `variant.inputSize`) → `[N, classCount]` logits.
public final class EfficientNetLite: Layer, ImageClassifier {
    static let lite0Stages = [
        MBConvStage(repeats: 1, expansion: 1, kernelSize: 3, stride: 1, outputChannels: 16),
        MBConvStage(repeats: 2, expansion: 6, kernelSize: 3, stride: 2, outputChannels: 24),
        MBConvStage(repeats: 2, expansion: 6, kernelSize: 5, stride: 2, outputChannels: 40),
        MBConvStage(repeats: 3, expansion: 6, kernelSize: 3, stride: 2, outputChannels: 80),
        MBConvStage(repeats: 3, expansion: 6, kernelSize: 5, stride: 1, outputChannels: 112),
        MBConvStage(repeats: 4, expansion: 6, kernelSize: 5, stride: 2, outputChannels: 192),
        MBConvStage(repeats: 1, expansion: 6, kernelSize: 3, stride: 1, outputChannels: 320),
    ]

    /// Which member of the family this is.
    public let variant: EfficientNetLiteVariant
    /// "efficientnet-lite0", "efficientnet-lite1" or "efficientnet-lite2".
    public var name: String { variant.rawValue }
    /// How inputs are prepared; lesson 1 changes it on purpose to show what goes wrong.
    public var preprocessing: Preprocessing
    /// The class names by index (ImageNet's, or those given to `replaceClassifier`).
    public private(set) var labels: [String]
    public let stem: Conv2D, stemNorm: BatchNorm
    public let blocks: [MBConvBlock]
    let head: Conv2D, headNorm: BatchNorm
    public let dropout: Dropout
    /// The classifier: 1280 pooled features → one logit per class.
    public private(set) var classifier: Dense
    /// The BatchNorm-folded form used when no gradient can be needed (see `folded()`).
    let foldedCache = FoldedCache()

    /// A randomly initialized network (seeded, Lite0 unless `variant` says otherwise); `pretrained()` loads the
    /// real ImageNet weights.
    public init(variant: EfficientNetLiteVariant = .lite0, classCount: Int = 1000, labels: [String]? = nil,
                seed: UInt64 = 0) {
        self.variant = variant
        preprocessing = Preprocessing(inputSize: variant.inputSize, framing: .centerSquareThenResize,
                                      normalization: .centeredOn127)
        let norm = { BatchNorm(featureCount: $0, epsilon: 1e-3, momentum: 0.01) }
        stem = Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, stride: 2, padding: .same,
                      useBias: false, seed: seed)
        stemNorm = norm(32)
        var blocks: [MBConvBlock] = []
        var channels = 32
        let stages = variant.stages
        let blockCount = stages.reduce(0) { $0 + $1.repeats }
        for stage in stages {
            for repeatIndex in 0..<stage.repeats {
                blocks.append(MBConvBlock(
                    inputChannels: channels, outputChannels: stage.outputChannels, expansion: stage.expansion,
                    kernelSize: stage.kernelSize, stride: repeatIndex == 0 ? stage.stride : 1,
                    dropConnectRate: 0.2 * Float(blocks.count) / Float(blockCount),
                    seed: seed &+ UInt64(16 * (blocks.count + 1))))
                channels = stage.outputChannels
            }
        }
        self.blocks = blocks
        head = Conv2D(inputChannels: channels, outputChannels: 1280, kernelSize: 1, useBias: false,
                      seed: seed &+ 1000)
        headNorm = norm(1280)
        dropout = Dropout(rate: 0.2, seed: seed &+ 1001)
        classifier = Dense(inputSize: 1280, outputSize: classCount, seed: seed &+ 1002)
        self.labels = labels ?? defaultLabels(classCount: classCount)
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        [("_conv_stem", stem), ("_bn0", stemNorm)]
            + blocks.enumerated().map { ("_blocks.\($0.offset)", $0.element as any Layer) }
            + [("_conv_head", head), ("_bn1", headNorm), ("_fc", classifier)]
    }

    /// The number of pooled features the classifier reads.
    public var featureCount: Int { 1280 }

    /// Logits for `[N, S, S, 3]` pixels in [0, 1] (S = `variant.inputSize`).
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        hooked(classifier(dropout(features(pixels))))
    }

    /// The 1280-d globally pooled features (the frozen base's embedding) for pixels in [0, 1].
    public func features(_ pixels: Tensor) -> Tensor {
        globalAveragePool(activations(of: pixels, through: .head))
    }

    /// The activations `[N, H, W, C]` at `depth` for pixels in [0, 1].
    public func featureMaps(of pixels: Tensor, at depth: NetworkDepth) -> Tensor {
        activations(of: pixels, through: depth)
    }

    /// The head's activations `[N, H/32, W/32, 1280]` for pixels in [0, 1].
    public func featureMaps(of pixels: Tensor) -> Tensor {
        activations(of: pixels, through: .head)
    }

    /// Replaces the classifier with a fresh one for the classes named `labels`.
    public func replaceClassifier(labels: [String], seed: UInt64 = 0) {
        classifier = Dense(inputSize: 1280, outputSize: labels.count, seed: seed)
        self.labels = labels
    }

    private func activations(of pixels: Tensor, through depth: NetworkDepth) -> Tensor {
        // Nothing to differentiate or train: BatchNorm folded into the convolutions saves a pass per layer.
        if canRunFolded(on: pixels) { return folded().featureMaps(of: pixels, at: depth) }
        return unfoldedActivations(of: pixels, through: depth)
    }

    /// The layer-by-layer pass, each BatchNorm separate (what training and gradients need).
    func unfoldedActivations(of pixels: Tensor, through depth: NetworkDepth) -> Tensor {
        var x = stemNorm(stem(preprocessing.normalized(pixels)), activation: .relu6)
        if depth == .stem { return x }
        for (index, block) in blocks.enumerated() {
            x = block(x)
            if depth == .block(index) { return x }
        }
        return headNorm(head(x), activation: .relu6)
    }
}
