// The inference-only form of EfficientNet-Lite0: every BatchNorm folded into its convolution. The model switches
// to it by itself when nothing can need a gradient (inference phase, and recording off or nothing trainable),
// so `withoutGradients { model(x) }` and `classify` get it for free; `folded()` hands it out explicitly.

import Engine
import Foundation
import NN

/// EfficientNet-Lite0 with BatchNorm folded into the convolutions, for inference only (no gradients, no training).
///
/// Concretely: `[N, 224, 224, 3]` pixels in [0, 1] → `[N, classCount]` logits, equal to the unfolded model's
/// inference output up to float rounding (about 1e-5). A snapshot: later changes to the model are not seen.
public struct FoldedEfficientNetLite0: Sendable {
    /// The normalization the model applies to its pixels.
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
        var x = stem(preprocessing.normalized(pixels))
        if depth == .stem { return x }
        for (index, block) in blocks.enumerated() {
            x = block(x)
            if depth == .block(index) { return x }
        }
        return head(x)
    }
}

extension FoldedEfficientNetLite0 {
    /// Multiply-adds of one forward pass over a square `imageSize` image, counted layer by layer (convolutions
    /// and the classifier; element-wise work is not counted). For Lite0 at 224: about 385 M.
    public func multiplyAddCount(imageSize: Int) -> Int {
        var size = imageSize, total = 0
        func count(_ conv: FoldedConvolution) {
            size = (size + conv.stride - 1) / conv.stride   // TensorFlow "SAME": ⌈size/stride⌉
            total += size * size * conv.filter.scalarCount   // each output pixel: O·(C/groups)·kh·kw
        }
        count(stem)
        for block in blocks {
            block.expand.map(count)
            count(block.depthwise)
            count(block.project)
        }
        count(head)
        return total + classifierWeight.scalarCount
    }
}

/// The folded form of one model, rebuilt when any of its parameters or its preprocessing changed.
///
/// Parameters change only by `assign`, which installs a new scalar buffer; the cache keeps the values it folded
/// alive, so a buffer address can never be reused while it is being compared, and equal addresses mean the same
/// values. Folding costs about 8% of a batch-1 forward, so reusing it matters for single images.
final class FoldedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [Tensor] = []
    private var preprocessing: Preprocessing?
    private var model: FoldedEfficientNetLite0?

    func folded(_ network: EfficientNetLite0) -> FoldedEfficientNetLite0 {
        let current = network.namedParameters.map(\.parameter.value)
        lock.lock()
        defer { lock.unlock() }
        if let model, preprocessing == network.preprocessing, current.count == sources.count,
           zip(current, sources).allSatisfy({ Self.sameStorage($0, $1) }) {
            return model
        }
        let fresh = withoutGradients { FoldedEfficientNetLite0(network) }
        (sources, preprocessing, model) = (current, network.preprocessing, fresh)
        return fresh
    }

    private static func sameStorage(_ a: Tensor, _ b: Tensor) -> Bool {
        a.scalars.withUnsafeBufferPointer { a in
            b.scalars.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count }
        }
    }
}

extension EfficientNetLite0 {
    /// This model with every BatchNorm folded into its convolution, for fast inference: a snapshot, reused
    /// until a parameter or the preprocessing changes.
    public func folded() -> FoldedEfficientNetLite0 {
        foldedCache.folded(self)
    }

    /// True when no weight gradient and no batch statistic can be asked of a pass, so the folded form gives the
    /// same result: the inference phase, and either recording is off or no weight is trainable. Gradients with
    /// respect to the pixels (attacks, ideal images) flow through the folded convolutions, whose weights are
    /// constants, exactly as through the unfolded layers.
    func canRunFolded(on pixels: Tensor) -> Bool {
        // A forward hook must see every layer, and the folded pass skips the BatchNorm layers.
        guard LearningPhase.current == .inference, !ForwardHook.isActive else { return false }
        return !GradientRecording.isEnabled || trainableParameters.isEmpty
    }
}
