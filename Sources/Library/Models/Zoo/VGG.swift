// VGG-16 and VGG-19 exactly as torchvision builds them (models/vgg.py, configurations "D" and "E", no BatchNorm):
// 3×3 convolutions with bias and padding 1, ReLU, 2×2 max pooling, an adaptive 7×7 average pool, and three
// linear layers with dropout. Layer names are torchvision's state_dict keys ("features.0.weight",
// "classifier.6.bias"), so a torchvision checkpoint loads by name.

import Engine
import NN

/// VGG for ImageNet (torchvision: `vgg16()`, 138,357,544 parameters; `vgg19()`, 143,667,240).
///
/// The model takes pixels in [0, 1] and normalizes them itself. Concretely: `[N, 224, 224, 3]` pixels →
/// `[N, classCount]` logits. Smaller inputs (at least 32×32) also work: the adaptive pool then repeats cells.
public final class VGG: TorchvisionClassifier {
    /// The two depths of the zoo.
    public enum Depth: Sendable {
        case vgg16, vgg19

        /// Output channels of each 3×3 convolution, `nil` for a 2×2 max pool (torchvision's `cfgs`).
        var configuration: [Int?] {
            let convolutionsPerStage = self == .vgg16 ? [2, 2, 3, 3, 3] : [2, 2, 4, 4, 4]
            return zip(convolutionsPerStage, [64, 128, 256, 512, 512]).flatMap { count, channels in
                [Int?](repeating: channels, count: count) + [nil]
            }
        }
    }

    public let name: String
    public var labels: [String]
    /// The convolutional base, `[N, H, W, 3]` → `[N, H/32, W/32, 512]` (state_dict prefix "features").
    public let convolutions: Sequential
    /// Linear 25088→4096, ReLU, Dropout, Linear 4096→4096, ReLU, Dropout, Linear 4096→classes
    /// (state_dict prefix "classifier"; indices 0…6 as in torchvision).
    public var classifier: Sequential

    /// A VGG with torchvision's initialization scales, reproducible from `seed`.
    public init(_ depth: Depth, classCount: Int = 1000, labels: [String]? = nil, seed: UInt64 = 0) {
        var seeds = SeedSequence(seed)
        var layers: [any Layer] = []
        var channels = 3
        for entry in depth.configuration {
            if let outputChannels = entry {
                layers.append(Conv2D(inputChannels: channels, outputChannels: outputChannels, kernelSize: 3,
                                     padding: .symmetric(1), seed: seeds.next()))
                layers.append(Activation(relu))
                channels = outputChannels
            } else {
                layers.append(MaxPool2D(size: 2))
            }
        }
        convolutions = Sequential(layers)
        classifier = Sequential(
            Dense(inputSize: 512 * 7 * 7, outputSize: 4096, seed: seeds.next()), Activation(relu),
            Dropout(rate: 0.5, seed: seeds.next()),
            Dense(inputSize: 4096, outputSize: 4096, seed: seeds.next()), Activation(relu),
            Dropout(rate: 0.5, seed: seeds.next()),
            Dense(inputSize: 4096, outputSize: classCount, seed: seeds.next()))
        name = depth == .vgg16 ? "vgg16" : "vgg19"
        self.labels = labels ?? defaultLabels(classCount: classCount)
        initializeLikeTorchvision(linear: .normal(standardDeviation: 0.01), seed: seeds.next())
    }

    /// 4096: the second fully connected layer's activations are VGG's classic embedding.
    public var featureCount: Int { 4096 }

    /// The embedding runs through the second linear layer and its ReLU, before the dropout and "classifier.6".
    public var embeddingLayerCount: Int { 5 }

    /// The adaptive 7×7 average pool, flattened in torchvision's channel-major order (NCHW) so that the first
    /// linear layer's 25088 input weights line up with a torchvision checkpoint.
    public func pooled(_ maps: Tensor) -> Tensor {
        let pooled = adaptiveAveragePool(maps, height: 7, width: 7)
        return pooled.transposed(permutation: [0, 3, 1, 2]).reshaped(to: [maps.shape[0], 512 * 7 * 7])
    }
}
