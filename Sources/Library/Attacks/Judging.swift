// An ideal image convinces the network it was made against; the question that matters is whether a network that
// never saw it agrees. A judge is any other pretrained classifier: it gets the saved 8-bit picture framed to its
// own input size (Lite1 reads 240×240, Lite2 260×260) and says how probable the class is and where it ranks.

import CourseAssets
import Models
import Engine
import Foundation
import Imaging
import NN

/// What one network says about a picture for one class.
public struct Verdict: Sendable, Equatable {
    /// The judging network's name, e.g. "efficientnet-lite1".
    public var model: String
    /// The class's softmax probability.
    public var probability: Float
    /// 1 when the class is the network's first choice.
    public var rank: Int
    /// The network's first choice and its probability.
    public var topLabel: String, topProbability: Float

    /// "judged by efficientnet-lite1: 91.2% Siamese cat, top-1" (or "rank 7; it sees: tabby 40.1%").
    public func sentence(label: String) -> String {
        let percent = { (p: Float) in String(format: "%.1f%%", p * 100) }
        let rankText = rank == 1 ? "top-1" : "rank \(rank); it sees \(topLabel) \(percent(topProbability))"
        return "\(model): \(percent(probability)) \(label), \(rankText)"
    }
}

extension EfficientNetLite {
    /// This network's verdict on `image` for `targetClass`, the image framed to the network's input size.
    public func verdict(on image: Image, targetClass: Int) -> Verdict {
        let pixels = Tensor(preprocessing.framed(image))
        let probabilities = withoutGradients { softmax(self(pixels)).scalars }
        let rank = 1 + probabilities.filter { $0 > probabilities[targetClass] }.count
        let top = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        return Verdict(model: name, probability: probabilities[targetClass], rank: rank, topLabel: labels[top],
                       topProbability: probabilities[top])
    }

    /// The pretrained networks of the family other than `variant`: the judges of a picture made against it.
    public static func judges(excluding variant: EfficientNetLiteVariant,
                              assets: Assets = .standard) throws -> [EfficientNetLite] {
        try EfficientNetLiteVariant.allCases.filter { $0 != variant }.map { try pretrained($0, assets: assets) }
    }
}
