// Fine-tuning EfficientNet-Lite0 means choosing where the frozen part ends. The network is a chain — stem,
// blocks 0…15, head convolution, pooling, classifier — so "the last n blocks" is a cut in that chain, and the part
// before the cut is a fixed function once it is frozen (BatchNorm on running statistics, no drop-connect in
// inference). `activations(before:)` computes that fixed part once; `tail(from:)` is the part that trains.

import Engine
import NN

extension EfficientNetLite0 {
    /// The number of MBConv blocks (16).
    public var blockCount: Int { blocks.count }

    /// Freezes the pretrained base and leaves trainable the classifier, plus — when `count > 0` — the last
    /// `count` blocks and the 1×1 head convolution after them (Keras: `base.trainable = False`, then unfreezing
    /// the top layers).
    ///
    /// - Parameter batchNormTrainable: false (the default) keeps every BatchNorm frozen, so it stays in inference
    ///   mode even while training; true lets the unfrozen blocks' BatchNorm use batch statistics.
    public func freezeBase(unfreezingLast count: Int = 0, batchNormTrainable: Bool = false) {
        precondition((0...blocks.count).contains(count), "Lite0 has \(blocks.count) blocks; cannot unfreeze \(count)")
        freeze()
        if count > 0 {
            blocks.suffix(count).forEach { $0.unfreeze() }
            head.unfreeze()
            headNorm.unfreeze()
        }
        if !batchNormTrainable { freezeBatchNorm() }
        classifier.unfreeze()
    }

    /// The activations entering block `index` (0…16; 16 means entering the head convolution), computed in
    /// inference mode: the frozen prefix's output, which can be cached while the tail trains.
    /// Concretely: `[N, 224, 224, 3]` pixels → `[N, 7, 7, 320]` for index 16.
    public func activations(of pixels: Tensor, before index: Int) -> Tensor {
        precondition((0...blocks.count).contains(index), "block index \(index) is outside 0…\(blocks.count)")
        return withLearningPhase(.inference) {
            featureMaps(of: pixels, at: index == 0 ? .stem : .block(index - 1))
        }
    }

    /// The network from block `index` on — blocks `index…15`, head, pooling, dropout, classifier — as a layer
    /// that shares this model's parameters: train it on `activations(of:before: index)`.
    /// Concretely: `[N, h, w, c]` activations → `[N, classCount]` logits.
    public func tail(from index: Int) -> EfficientNetTail {
        precondition((0...blocks.count).contains(index), "block index \(index) is outside 0…\(blocks.count)")
        return EfficientNetTail(model: self, firstBlock: index)
    }

    /// The 1280-d pooled features computed from activations entering block `index` (no dropout, no classifier).
    func pooledFeatures(fromActivations input: Tensor, firstBlock index: Int) -> Tensor {
        var x = input
        for block in blocks[index...] { x = block(x) }
        return globalAveragePool(relu6(headNorm(head(x))))
    }
}

/// The trainable end of an `EfficientNetLite0`, from one block to the logits (see `EfficientNetLite0.tail(from:)`).
/// Its parameters are the model's own, named as in the model's state_dict.
public final class EfficientNetTail: Layer {
    /// The model whose end this is.
    public let model: EfficientNetLite0
    /// The first block run (0…16).
    public let firstBlock: Int

    init(model: EfficientNetLite0, firstBlock: Int) {
        self.model = model
        self.firstBlock = firstBlock
    }

    /// The blocks from `firstBlock` on, the head convolution and its BatchNorm, and the classifier.
    public var sublayers: [(name: String, layer: any Layer)] {
        model.sublayers.filter { name, _ in
            guard name.hasPrefix("_blocks.") else { return !["_conv_stem", "_bn0"].contains(name) }
            return Int(name.dropFirst("_blocks.".count)).map { $0 >= firstBlock } ?? false
        }
    }

    /// Logits from activations entering `firstBlock`: blocks, head, pooling, dropout, classifier.
    public func callAsFunction(_ activations: Tensor) -> Tensor {
        model.classifier(model.dropout(model.pooledFeatures(fromActivations: activations, firstBlock: firstBlock)))
    }

    /// The 1280-d pooled features (no dropout, no classifier) from activations entering `firstBlock`.
    /// Concretely: `[N, h, w, c]` → `[N, 1280]`.
    public func features(_ activations: Tensor) -> Tensor {
        model.pooledFeatures(fromActivations: activations, firstBlock: firstBlock)
    }
}

extension ModelCheckpoint {
    /// A checkpoint callback that writes the model's weights as safetensors with `saveWeights(to:)`, by default
    /// only when `metric` improved (Keras: `ModelCheckpoint(path, monitor, save_best_only=True)`).
    public static func safetensors(path: String, monitor metric: TrainingMetric = .validationLoss,
                                   savesBestOnly: Bool = true) -> ModelCheckpoint {
        ModelCheckpoint(path: path, monitor: metric, savesBestOnly: savesBestOnly) { model, path in
            try model.saveWeights(to: path)
        }
    }
}
