import Engine
import NN

/// A classifier made of a feature extractor and a final linear layer that can be swapped for a new task: the
/// shape every transfer-learning recipe relies on.
public protocol TransferableClassifier: ImageClassifier {
    /// The length of the embedding the final linear layer reads.
    var featureCount: Int { get }
    /// The embedding `[N, featureCount]` of `[N, H, W, 3]` pixels in [0, 1] (the frozen base's output).
    func features(_ pixels: Tensor) -> Tensor
    /// Replaces the final linear layer with a fresh one for `classCount` classes (the new head).
    func replaceClassifier(classCount: Int, seed: UInt64)
}

extension EfficientNetLite0: TransferableClassifier {}

/// The class names a model starts with: ImageNet's for 1000 classes, "class 0", "class 1", … otherwise.
func defaultLabels(classCount: Int) -> [String] {
    classCount == 1000 ? ImageNet.labels : (0..<classCount).map { "class \($0)" }
}
