// The inference-only form of EfficientNet-Lite0: every BatchNorm folded into its convolution. The model switches
// to it by itself when nothing can need a gradient (inference phase, and recording off or nothing trainable),
// so `withoutGradients { model(x) }` and `classify` get it for free; `folded()` hands it out explicitly.

import Engine
import NN

/// EfficientNet-Lite0 with BatchNorm folded into the convolutions, for inference only (no gradients, no training).
///
/// Concretely: `[N, 224, 224, 3]` pixels in [0, 1] → `[N, classCount]` logits, equal to the unfolded model's
/// inference output up to float rounding (about 1e-5). A snapshot: later changes to the model are not seen.
public struct FoldedEfficientNetLite0: Sendable {
    /// The normalisation the model applies to its pixels.
    public let preprocessing: Preprocessing
    let stem: FoldedConvolution
    let blocks: [FoldedMBConvBlock]
    let head: FoldedConvolution
    let classifierWeight: Tensor, classifierBias: Tensor?

    init(_ model: EfficientNetLite0) {
        preprocessing = model.preprocessing
        stem = FoldedConvolution(model.stem, model.stemNorm, relu6: true)
        blocks = model.blocks.map(FoldedMBConvBlock.init)
        head = FoldedConvolution(model.head, model.headNorm, relu6: true)
        classifierWeight = model.classifier.weight.value.detached()
        classifierBias = model.classifier.bias?.value.detached()
    }

    /// Logits `[N, classCount]` for `[N, 224, 224, 3]` pixels in [0, 1] (dropout is the identity at inference).
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        let product = matmul(features(pixels), classifierWeight, transposeB: true)
        return classifierBias.map { product + $0 } ?? product
    }

    /// The 1280-d globally pooled features `[N, 1280]`.
    public func features(_ pixels: Tensor) -> Tensor {
        globalAveragePool(featureMaps(of: pixels, at: .head))
    }

    /// The activations `[N, H, W, C]` at `depth`.
    public func featureMaps(of pixels: Tensor, at depth: NetworkDepth) -> Tensor {
        var x = stem(preprocessing.normalised(pixels))
        if depth == .stem { return x }
        for (index, block) in blocks.enumerated() {
            x = block(x)
            if depth == .block(index) { return x }
        }
        return head(x)
    }
}

extension EfficientNetLite0 {
    /// A snapshot of this model with every BatchNorm folded into its convolution, for fast inference.
    public func folded() -> FoldedEfficientNetLite0 {
        withoutGradients { FoldedEfficientNetLite0(self) }
    }

    /// True when no gradient and no batch statistic can be asked of a pass over `pixels`, so the folded form
    /// gives the same result: the inference phase, and either recording is off or nothing requires a gradient.
    func canRunFolded(on pixels: Tensor) -> Bool {
        guard LearningPhase.current == .inference else { return false }
        return !GradientRecording.isEnabled || (!pixels.requiresGradient && trainableParameters.isEmpty)
    }
}
