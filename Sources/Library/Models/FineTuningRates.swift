// Fine-tuning the whole network works when the layers move at different speeds: the new classifier fast, the
// pretrained blocks slowly, and the blocks near the input — generic edges and textures — slowest (ULMFiT's
// "discriminative fine-tuning", fast.ai's `lr_mult` and `slice(lo, hi)`). A network is a chain of layer groups;
// each group gets a factor on the optimizer's rate, spaced geometrically from the stem to the last block.

import Foundation
import NN

extension EfficientNetLite0 {
    /// The layers in the groups fine-tuning treats alike, from input to output: "stem" (first convolution and its
    /// BatchNorm), "block 0" … "block 15", "head" (the 1×1 convolution and its BatchNorm) and "classifier".
    public var layerGroups: [(name: String, layers: [any Layer])] {
        [("stem", [stem, stemNorm])]
            + blocks.enumerated().map { ("block \($0.offset)", [$0.element as any Layer]) }
            + [("head", [head, headNorm]), ("classifier", [classifier])]
    }

    /// Makes every weight trainable — stem, all blocks, head and classifier — with BatchNorm frozen (inference
    /// mode) unless `batchNormTrainable`: the whole network fine-tuned.
    public func unfreezeAll(batchNormTrainable: Bool = false) {
        unfreeze()
        if !batchNormTrainable { freezeBatchNorm() }
    }

    /// Gives `optimizer` discriminative learning rates for this network: the classifier at the optimizer's own
    /// rate, the head convolution at `body` times it, and each earlier group a constant factor slower, down to
    /// `stem` times it for the stem (geometric spacing, as fast.ai's `slice(lo, hi)`).
    ///
    /// With Adam at 10⁻³, `body: 0.1` and `stem: 0.01`: classifier 10⁻³, head 10⁻⁴, stem 10⁻⁵.
    /// - Returns: the factor of every group of `layerGroups`, input first.
    @discardableResult
    public func setDiscriminativeRates(on optimizer: Optimizer, body: Float = 0.1, stem: Float = 0.01) -> [Float] {
        precondition(body > 0 && stem > 0 && stem <= body && body <= 1,
                     "discriminative rates need 0 < stem ≤ body ≤ 1, got stem \(stem), body \(body)")
        let groups = layerGroups
        let bodyGroups = groups.count - 1    // everything but the classifier
        let factors = (0..<bodyGroups).map { index -> Float in
            let position = Float(index) / Float(bodyGroups - 1)    // 0 at the stem, 1 at the head
            return stem * Float(Foundation.pow(Double(body / stem), Double(position)))
        } + [1]
        for (group, factor) in zip(groups, factors) {
            optimizer.setLearningRateMultiplier(factor, for: group.layers.flatMap(\.weights))
        }
        return factors
    }
}
