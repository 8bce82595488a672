import Foundation

/// Lion ("evolved sign momentum"): every element moves by exactly ±η, in the direction of the sign of an
/// interpolation between momentum and gradient (Chen et al. 2023; the authors' PyTorch `Lion`).
///
/// It keeps one buffer instead of Adam's two. Per step, with β₁ = 0.9, β₂ = 0.99 by default:
/// ```
/// c ← β₁·m + (1 − β₁)·g
/// p ← p·(1 − η·λ) − η·sign(c)
/// m ← β₂·m + (1 − β₂)·g
/// ```
/// Because steps have unit size per element, Lion wants a rate 3–10× smaller than Adam's.
public final class Lion: Optimizer {
    /// The interpolation factor of the update direction (β₁).
    public let beta1: Float
    /// The decay of the momentum buffer (β₂).
    public let beta2: Float
    /// Decoupled weight decay, as in AdamW.
    public let weightDecay: Float

    /// Lion with the authors' defaults.
    public init(learningRate: Float = 1e-4, beta1: Float = 0.9, beta2: Float = 0.99, weightDecay: Float = 0,
                schedule: (any LearningRateSchedule)? = nil) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.weightDecay = weightDecay
        super.init(learningRate: learningRate, schedule: schedule)
    }

    /// One buffer: the momentum m.
    public override var stateBufferCount: Int { 1 }

    /// The Lion update of one parameter.
    public override func apply(to values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                               state: inout [[Float]], step: Int, learningRate: Float) {
        let (b1, b2, rate) = (beta1, beta2, learningRate)
        let shrink = 1 - rate * weightDecay
        state[0].withUnsafeMutableBufferPointer { m in
            for i in 0..<values.count {
                let c = b1 * m[i] + (1 - b1) * gradient[i]
                let direction: Float = c > 0 ? 1 : (c < 0 ? -1 : 0)
                values[i] = values[i] * shrink - rate * direction
                m[i] = b2 * m[i] + (1 - b2) * gradient[i]
            }
        }
    }
}
