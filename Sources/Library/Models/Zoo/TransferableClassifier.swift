import Engine
import NN

/// A classifier made of a feature extractor and a final linear layer that can be swapped for a new task: the
/// shape every transfer-learning recipe relies on. Every model of the zoo is one.
public protocol TransferableClassifier: ImageClassifier {
    /// The length of the embedding the final linear layer reads.
    var featureCount: Int { get }
    /// The embedding `[N, featureCount]` of `[N, H, W, 3]` pixels in [0, 1] (the frozen base's output).
    func features(_ pixels: Tensor) -> Tensor
    /// The last convolutional activations `[N, H/32, W/32, C]` of pixels in [0, 1], before any pooling.
    func featureMaps(of pixels: Tensor) -> Tensor
    /// Replaces the final linear layer with a fresh one for the classes named `labels` (the new head).
    func replaceClassifier(labels: [String], seed: UInt64)
}

extension TransferableClassifier {
    /// Replaces the final linear layer with a fresh one for `classCount` classes named "class 0", "class 1", ….
    public func replaceClassifier(classCount: Int, seed: UInt64 = 0) {
        replaceClassifier(labels: (0..<classCount).map { "class \($0)" }, seed: seed)
    }
}

/// A classifier laid out as torchvision's `features` + `classifier` pair: a convolutional base, a pooling step,
/// and a `Sequential` head whose first `embeddingLayerCount` layers still belong to the embedding and whose last
/// layer is the linear classifier (EfficientNet-B0, MobileNetV2, MobileNetV3, VGG). The forward pass, the
/// features, the feature maps, the state_dict names and the head replacement follow from that layout.
public protocol TorchvisionClassifier: TransferableClassifier {
    /// The convolutional base (state_dict prefix "features").
    var convolutions: Sequential { get }
    /// The head (state_dict prefix "classifier"); its last layer is a `Dense` reading `featureCount` values.
    var classifier: Sequential { get set }
    /// The class names by index.
    var labels: [String] { get set }
    /// How many leading layers of `classifier` make the embedding (0 when the embedding is the pooled base).
    var embeddingLayerCount: Int { get }
    /// The vector the head's first layer reads, from the base's activations (a global average by default).
    func pooled(_ maps: Tensor) -> Tensor
}

extension TorchvisionClassifier {
    public var sublayers: [(name: String, layer: any Layer)] {
        [("features", convolutions), ("classifier", classifier)]
    }

    public func pooled(_ maps: Tensor) -> Tensor { globalAveragePool(maps) }

    /// torchvision's ImageNet evaluation transform: shorter side to 256, center crop 224, ImageNet mean and
    /// standard deviation (torchvision resizes bicubic; we resize with our own filter).
    public var preprocessing: Preprocessing {
        Preprocessing(inputSize: 224, framing: .resizeThenCenterCrop(shorterSide: 256), normalization: .imageNet)
    }

    /// Logits `[N, classCount]` for `[N, H, W, 3]` pixels in [0, 1].
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        classifier.layers[embeddingLayerCount...].reduce(features(pixels)) { $1($0) }
    }

    /// The embedding the last linear layer reads: the pooled base through the head's first
    /// `embeddingLayerCount` layers.
    public func features(_ pixels: Tensor) -> Tensor {
        classifier.layers[..<embeddingLayerCount].reduce(pooled(featureMaps(of: pixels))) { $1($0) }
    }

    /// The base's activations `[N, H/32, W/32, C]` for pixels in [0, 1].
    public func featureMaps(of pixels: Tensor) -> Tensor {
        convolutions(preprocessing.normalized(pixels))
    }

    /// Replaces the head's last linear layer with a fresh one for the classes named `labels`; the layers before
    /// it (dropout, hidden layers) and every state_dict name stay.
    public func replaceClassifier(labels: [String], seed: UInt64 = 0) {
        classifier = Sequential(Array(classifier.layers.dropLast())
                                + [Dense(inputSize: featureCount, outputSize: labels.count, seed: seed)])
        self.labels = labels
    }
}

extension EfficientNetLite0: TransferableClassifier {}

/// The class names a model starts with: ImageNet's for 1000 classes, "class 0", "class 1", … otherwise.
func defaultLabels(classCount: Int) -> [String] {
    classCount == 1000 ? ImageNet.labels : (0..<classCount).map { "class \($0)" }
}
