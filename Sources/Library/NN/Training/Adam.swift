import Foundation

/// Adam: a per-element step size from running averages of the gradient and its square
/// (Kingma & Ba 2015; PyTorch: `torch.optim.Adam`, whose formulas this follows exactly).
///
/// With gradient g, rate η, decays β₁ and β₂, per step t:
/// ```
/// g ← g + λ·p                    (coupled weight decay, if λ > 0)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// p ← p − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
/// ```
/// Coupled decay is scaled by the adaptive step like any gradient, so it is weaker on parameters with large
/// gradients; AdamW decouples it (see `AdamW`).
public class Adam: Optimizer {
    /// The decay of the gradient average (β₁).
    public let beta1: Float
    /// The decay of the squared-gradient average (β₂).
    public let beta2: Float
    /// Added to √v̂ so the step stays finite.
    public let epsilon: Float
    /// L2 weight decay λ: coupled (added to the gradient) for Adam, decoupled for AdamW.
    public let weightDecay: Float
    /// True for AdamW: decay multiplies the weights directly, `p ← p·(1 − η·λ)`, before the Adam step.
    let decouplesWeightDecay: Bool

    /// Adam with PyTorch's defaults; `weightDecay` is added to the gradient (L2).
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, schedule: (any LearningRateSchedule)? = nil) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        decouplesWeightDecay = false
        super.init(learningRate: learningRate, schedule: schedule)
    }

    init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, decoupledWeightDecay: Float,
         schedule: (any LearningRateSchedule)?) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = decoupledWeightDecay
        decouplesWeightDecay = true
        super.init(learningRate: learningRate, schedule: schedule)
    }

    /// Two buffers: m and v.
    public override var stateBufferCount: Int { 2 }

    /// The Adam (or AdamW) update of one parameter.
    public override func apply(to values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                               state: inout [[Float]], step: Int, learningRate: Float) {
        let (b1, b2, eps, lambda, rate) = (beta1, beta2, epsilon, weightDecay, learningRate)
        let correction1 = 1 - Float(Foundation.pow(Double(b1), Double(step)))
        let correction2 = 1 - Float(Foundation.pow(Double(b2), Double(step)))
        let decoupled = decouplesWeightDecay
        let shrink = decoupled ? 1 - rate * lambda : 1
        var first = state[0], second = state[1]
        state = []  // keep the moment arrays uniquely referenced while they are written
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                for i in 0..<values.count {
                    let g = decoupled ? gradient[i] : gradient[i] + lambda * values[i]
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    let mHat = m[i] / correction1, vHat = v[i] / correction2
                    values[i] = values[i] * shrink - rate * mHat / (vHat.squareRoot() + eps)
                }
            }
        }
        state = [first, second]
    }
}

/// Adam with decoupled weight decay: `p ← p·(1 − η·λ)` then the Adam step on the plain gradient
/// (Loshchilov & Hutter 2019; PyTorch: `torch.optim.AdamW`, default λ = 0.01).
public final class AdamW: Adam {
    /// AdamW with PyTorch's defaults; `weightDecay` shrinks the weights directly.
    public override init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0.01, schedule: (any LearningRateSchedule)? = nil) {
        super.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   decoupledWeightDecay: weightDecay, schedule: schedule)
    }
}
