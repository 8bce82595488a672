// Freezing is per weight (`Parameter.isTrainable`), so any part of a model can be frozen; these helpers name the
// usual patterns of transfer learning: freeze everything but the last few layers, keep BatchNorm in inference
// mode, and count what will train.

import Engine

/// How many scalars of a model will train and how many are frozen (Keras: the "Trainable params" /
/// "Non-trainable params" lines of `model.summary()`, without buffers).
public struct ParameterCounts: Sendable, Equatable, CustomStringConvertible {
    /// Scalars an optimizer will update.
    public let trainable: Int
    /// Learnable scalars that are frozen.
    public let frozen: Int
    /// All learnable scalars.
    public var total: Int { trainable + frozen }

    /// E.g. "12,810 trainable, 4,652,008 frozen (4,664,818 in all)".
    public var description: String {
        "\(grouped(trainable)) trainable, \(grouped(frozen)) frozen (\(grouped(total)) in all)"
    }
}

/// 1234567 → "1,234,567".
func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

extension Layer {
    /// Trainable and frozen learnable scalars (buffers such as running statistics are not counted).
    public var parameterCounts: ParameterCounts {
        ParameterCounts(trainable: trainableParameterCount, frozen: parameterCount - trainableParameterCount)
    }

    /// Every BatchNorm layer in the tree.
    public var batchNormLayers: [BatchNorm] { namedLayers.compactMap { $0.layer as? BatchNorm } }

    /// Freezes every BatchNorm in the tree, so it normalizes with its running statistics even while training —
    /// what Keras does for `base(x, training=False)`, and what fine-tuning on small batches needs (batch
    /// statistics of a few images would overwrite the ImageNet ones).
    public func freezeBatchNorm() { batchNormLayers.forEach { $0.freeze() } }
}

/// Freezes all of `layers` except the last `count`, which are made trainable (Keras:
/// `for layer in base.layers[:-count]: layer.trainable = False`). With `count == 0` everything is frozen.
public func freeze(_ layers: [any Layer], exceptLast count: Int) {
    precondition(count >= 0 && count <= layers.count, "cannot keep \(count) of \(layers.count) layers trainable")
    for (index, layer) in layers.enumerated() {
        if index < layers.count - count { layer.freeze() } else { layer.unfreeze() }
    }
}
