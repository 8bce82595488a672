import ImageTensors
import Engine
import Foundation
import Imaging
import NN

/// One class of a ranked prediction.
public struct Prediction: Sendable, Equatable, Codable, CustomStringConvertible {
    public let index: Int
    public let label: String
    public let probability: Float

    /// The label and its probability as a percentage: "tabby 39.6%".
    public var description: String { "\(label) \(String(format: "%.1f", probability * 100))%" }
}

/// A network that maps pictures to class logits and knows how its inputs must be prepared.
public protocol ImageClassifier: Layer {
    /// The zoo name, e.g. "efficientnet-lite0".
    var name: String { get }
    /// Framing, size and normalization of the inputs, applied by the model itself.
    var preprocessing: Preprocessing { get }
    /// The class names by index.
    var labels: [String] { get }
}

extension ImageClassifier {
    /// The `top` most probable classes of each photo, most probable first (inference, no gradients).
    public func classify(_ images: [Image], top: Int = 5) -> [[Prediction]] {
        let batch = Tensor(stacking: images.map(preprocessing.framed))
        let probabilities = withoutGradients { softmax(self(batch)) }
        let classCount = probabilities.shape[1]
        return images.indices.map { row in
            let values = Array(probabilities.scalars[(row * classCount)..<((row + 1) * classCount)])
            return topPredictions(values, count: top)
        }
    }

    /// The `top` most probable classes of one photo.
    public func classify(_ image: Image, top: Int = 5) -> [Prediction] {
        classify([image], top: top)[0]
    }

    /// The softmax probabilities of one picture already at the input size, `[1, H, W, 3]` in [0, 1]
    /// (inference, no gradients): the model normalizes it itself.
    public func probabilities(of pixels: Tensor) -> [Float] {
        withoutGradients { softmax(self(pixels)).scalars }
    }

    /// The softmax probabilities of one photo, framed to the input size first.
    public func probabilities(of image: Image) -> [Float] {
        probabilities(of: Tensor(preprocessing.framed(image)))
    }

    /// The `count` largest of `probabilities`, as predictions with this model's labels.
    public func topPredictions(_ probabilities: [Float], count: Int) -> [Prediction] {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        return order.prefix(count).map {
            Prediction(index: $0, label: $0 < labels.count ? labels[$0] : "class \($0)", probability: probabilities[$0])
        }
    }
}
