// Parameters are the one piece of shared mutable state in a model: a layer reads them in its forward pass, an
// optimizer writes them, a checkpoint fills them. They are reference types so all three see the same values;
// tensors themselves stay values.

import Engine

/// A named tensor that a layer owns: a learnable weight or a running statistic (PyTorch: `nn.Parameter`, or a
/// buffer such as BatchNorm's `running_mean`).
///
/// A trainable parameter's `value` is a gradient leaf, so `loss.gradients(for: parameters.map(\.value))`
/// differentiates with respect to it; a frozen parameter or a buffer records no gradient at all.
public final class Parameter {
    /// What the tensor is for: learned by gradient descent, or statistics kept alongside (never trained).
    public enum Kind: Sendable { case weight, buffer }

    public let kind: Kind
    /// The current values. Assign through `assign(_:)` so the shape is checked and the leaf is renewed.
    public private(set) var value: Tensor
    /// Whether optimizers update this parameter and gradients flow to it (always false for buffers).
    public var isTrainable: Bool {
        didSet {
            if kind == .buffer { isTrainable = false }
            value = Self.leaf(value, trainable: isTrainable)
        }
    }

    public init(_ value: Tensor, kind: Kind = .weight) {
        self.kind = kind
        self.isTrainable = kind == .weight
        self.value = Self.leaf(value, trainable: kind == .weight)
    }

    /// The shape of the values.
    public var shape: [Int] { value.shape }

    /// Replaces the values with `newValue` of the same shape.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape,
                     "cannot assign shape \(newValue.shape) to a parameter of shape \(value.shape)")
        value = Self.leaf(newValue, trainable: isTrainable)
    }

    private static func leaf(_ tensor: Tensor, trainable: Bool) -> Tensor {
        trainable ? tensor.detached().requiringGradient() : tensor.detached()
    }
}
