import ExerciseSupport
import TransferLab

/// Lesson 03 · Lab: freeze the real Lite0 for fine-tuning
///
/// Phase two of fine-tuning: everything frozen except the end of the network. Leave trainable
///   - the classifier (`model.classifier`), always;
///   - when `trainableBlocks > 0`, also the last `trainableBlocks` MBConv blocks (`model.blocks`) and the 1×1 head
///     convolution after them (named "_conv_head" in `model.namedLayers`) with its BatchNorm ("_bn1");
/// and keep *every* BatchNorm layer frozen, so that it normalizes with its ImageNet running statistics even while
/// training (a trainable BatchNorm would overwrite them with the statistics of a few small batches).
///
/// `freeze()`, `unfreeze()`, `freezeBatchNorm()` and `batchNormLayers` work on any layer and its children.
/// The grader compares your model with the library's `freezeBase(unfreezingLast:)` weight by weight, then trains
/// it for one step and checks that the running statistics and the frozen weights did not move.
///
/// Example: trainableBlocks 0 → 1,281,000 trainable scalars (the classifier), 3,371,008 frozen.
///
/// - Parameters:
///   - model: the pretrained EfficientNet-Lite0, changed in place.
///   - trainableBlocks: how many of the 16 blocks to fine-tune, 0…16.
public func prepareForFineTuning(_ model: EfficientNetLite0, trainableBlocks: Int) {
    model.freeze()
    if trainableBlocks > 0 {
        model.blocks.suffix(trainableBlocks).forEach { $0.unfreeze() }
        for (name, layer) in model.namedLayers where name == "_conv_head" || name == "_bn1" { layer.unfreeze() }
    }
    model.freezeBatchNorm()
    model.classifier.unfreeze()
}
