// ResNet-50 exactly as torchvision builds it (models/resnet.py, "ResNet v1.5": the stride sits on the 3×3
// convolution of each bottleneck). Layer names are torchvision's state_dict keys ("conv1.weight",
// "layer1.0.downsample.0.weight", "fc.bias"), so a torchvision checkpoint loads by name.

import Engine
import NN

/// The bottleneck residual block: 1×1 reduce → 3×3 (stride here) → 1×1 expand ×4, plus the input or its
/// 1×1 projection (torchvision: `Bottleneck`, children conv1…3, bn1…3 and `downsample`).
public final class Bottleneck: Layer {
    let conv1: Conv2D, bn1: BatchNorm
    let conv2: Conv2D, bn2: BatchNorm
    let conv3: Conv2D, bn3: BatchNorm
    /// 1×1 convolution and BatchNorm matching the shortcut to the output, when shapes change.
    let downsample: Sequential?

    init(inputChannels: Int, width: Int, stride: Int, seeds: inout SeedSequence) {
        let outputChannels = width * 4
        conv1 = Conv2D(inputChannels: inputChannels, outputChannels: width, kernelSize: 1, useBias: false,
                       seed: seeds.next())
        bn1 = BatchNorm(featureCount: width)
        conv2 = Conv2D(inputChannels: width, outputChannels: width, kernelSize: 3, stride: stride,
                       padding: .symmetric(1), useBias: false, seed: seeds.next())
        bn2 = BatchNorm(featureCount: width)
        conv3 = Conv2D(inputChannels: width, outputChannels: outputChannels, kernelSize: 1, useBias: false,
                       seed: seeds.next())
        bn3 = BatchNorm(featureCount: outputChannels)
        if stride != 1 || inputChannels != outputChannels {
            downsample = Sequential(
                Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1, stride: stride,
                       useBias: false, seed: seeds.next()),
                BatchNorm(featureCount: outputChannels))
        } else {
            downsample = nil
        }
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = relu(bn1(conv1(input)))
        x = relu(bn2(conv2(x)))
        x = bn3(conv3(x))
        return relu(x + (downsample?(input) ?? input))
    }
}

/// ResNet-50 for ImageNet: 25,557,032 parameters (torchvision: `resnet50()`).
///
/// The model takes pixels in [0, 1] and normalizes them itself. Concretely: `[N, 224, 224, 3]` pixels →
/// `[N, classCount]` logits.
public final class ResNet50: Layer, TransferableClassifier {
    public let name = "resnet50"
    public let preprocessing = Preprocessing(inputSize: 224, framing: .resizeThenCenterCrop(shorterSide: 256),
                                             normalization: .imageNet)
    public var labels: [String]
    let conv1: Conv2D, bn1: BatchNorm
    /// The four stages of 3, 4, 6 and 3 bottlenecks ("layer1" … "layer4").
    public let stages: [Sequential]
    /// The classifier: 2048 pooled features → one logit per class ("fc").
    public private(set) var fc: Dense

    /// A ResNet-50 with torchvision's initialization scales, reproducible from `seed`.
    public init(classCount: Int = 1000, labels: [String]? = nil, seed: UInt64 = 0) {
        var seeds = SeedSequence(seed)
        conv1 = Conv2D(inputChannels: 3, outputChannels: 64, kernelSize: 7, stride: 2, padding: .symmetric(3),
                       useBias: false, seed: seeds.next())
        bn1 = BatchNorm(featureCount: 64)
        var channels = 64
        var stages: [Sequential] = []
        for (width, blockCount, stride) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)] {
            var blocks: [any Layer] = []
            for index in 0..<blockCount {
                blocks.append(Bottleneck(inputChannels: channels, width: width, stride: index == 0 ? stride : 1,
                                         seeds: &seeds))
                channels = width * 4
            }
            stages.append(Sequential(blocks))
        }
        self.stages = stages
        fc = Dense(inputSize: 2048, outputSize: classCount, seed: seeds.next())
        self.labels = labels ?? defaultLabels(classCount: classCount)
        initializeLikeTorchvision(linear: .pytorchDefault, seed: seeds.next())
    }

    public var sublayers: [(name: String, layer: any Layer)] {
        [("conv1", conv1), ("bn1", bn1)]
            + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element as any Layer) }
            + [("fc", fc)]
    }

    /// 2048 pooled features.
    public var featureCount: Int { 2048 }

    /// Logits for `[N, H, W, 3]` pixels in [0, 1].
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        fc(features(pixels))
    }

    /// The 2048-d globally pooled features for pixels in [0, 1].
    public func features(_ pixels: Tensor) -> Tensor {
        globalAveragePool(featureMaps(of: pixels))
    }

    /// The last stage's activations `[N, H/32, W/32, 2048]` for pixels in [0, 1].
    public func featureMaps(of pixels: Tensor) -> Tensor {
        let x = maxPool2d(relu(bn1(conv1(preprocessing.normalized(pixels)))), size: 3, stride: 2,
                          padding: .symmetric(1))
        return stages.reduce(x) { $1($0) }
    }

    /// Replaces "fc" with a fresh linear layer for the classes named `labels`.
    public func replaceClassifier(labels: [String], seed: UInt64 = 0) {
        fc = Dense(inputSize: 2048, outputSize: labels.count, seed: seed)
        self.labels = labels
    }
}
