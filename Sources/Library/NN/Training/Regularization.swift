// Two ways to keep weights small, and one way to keep steps small.
// - Penalties (L1, L2) are terms added to the loss, so they reach the weights through the gradient like any other
//   loss term (Keras: `kernel_regularizer`; seed 003 adds `l1_lambda · Σ|w|` to the loss by hand).
// - Weight decay shrinks the weights inside the optimizer instead (see SGD/Adam's `weightDecay` and AdamW).
// - Clipping by global norm rescales all gradients together when their joint length is too large, which keeps
//   the direction of the step and bounds its size (PyTorch: `clip_grad_norm_`).

import Engine
import Foundation

/// A penalty on the size of weights, added to the loss (Keras: `regularizers.L1`, `L2`, `L1L2`).
public struct Regularization: Sendable, Equatable {
    /// The factor on Σ|w|.
    public var l1: Float
    /// The factor on Σw².
    public var l2: Float

    /// Penalty factors for Σ|w| and Σw².
    public init(l1: Float = 0, l2: Float = 0) {
        precondition(l1 >= 0 && l2 >= 0, "penalty factors must not be negative, got l1 \(l1), l2 \(l2)")
        self.l1 = l1
        self.l2 = l2
    }

    /// λ·Σ|w| (Keras: `regularizers.L1(λ)`).
    public static func l1(_ factor: Float) -> Regularization { Regularization(l1: factor) }
    /// λ·Σw² (Keras: `regularizers.L2(λ)`; its gradient is 2λw).
    public static func l2(_ factor: Float) -> Regularization { Regularization(l2: factor) }

    /// The penalty l1·Σ|w| + l2·Σw² over `parameters`, a differentiable scalar.
    public func penalty(on parameters: [Parameter]) -> Tensor {
        var total = Tensor(0)
        for parameter in parameters {
            if l1 > 0 { total = total + abs(parameter.value).sum() * l1 }
            if l2 > 0 { total = total + parameter.value.squared().sum() * l2 }
        }
        return total
    }

    /// The parameters a penalty conventionally applies to: trainable kernels (rank ≥ 2), not biases or
    /// BatchNorm scales, whose size carries no risk of overfitting.
    public static func penalizedParameters(of parameters: [Parameter]) -> [Parameter] {
        parameters.filter { $0.isTrainable && $0.value.rank >= 2 }
    }
}

/// The L2 norm of all gradients taken together: √(Σ over every element of every gradient of g²).
public func globalNorm(_ gradients: [Tensor]) -> Float {
    globalNorm(gradients.map(\.scalars))
}

/// `gradients` scaled by one common factor so their global norm is at most `maximumNorm`
/// (PyTorch: `torch.nn.utils.clip_grad_norm_(parameters, max_norm)`, which multiplies by
/// `max_norm / (norm + 1e-6)` when that is below 1). Also returns the norm before clipping.
public func clippedByGlobalNorm(_ gradients: [Tensor], maximumNorm: Float) -> (gradients: [Tensor], norm: Float) {
    let norm = globalNorm(gradients)
    let factor = clippingFactor(norm: norm, maximum: maximumNorm)
    guard factor < 1 else { return (gradients, norm) }
    return (gradients.map { $0.detached() * factor }, norm)
}

func globalNorm(_ arrays: [[Float]]) -> Float {
    var sum: Double = 0
    for array in arrays {
        array.withUnsafeBufferPointer { x in
            for value in x { sum += Double(value) * Double(value) }
        }
    }
    return Float(sum.squareRoot())
}

func clippingFactor(norm: Float, maximum: Float) -> Float {
    precondition(maximum > 0, "the maximum gradient norm must be positive, got \(maximum)")
    return Swift.min(1, maximum / (norm + 1e-6))
}
