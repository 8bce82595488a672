import Foundation

/// Stochastic gradient descent with optional momentum, Nesterov momentum and (coupled) weight decay
/// (PyTorch: `torch.optim.SGD`, whose formulas this follows exactly).
///
/// With gradient g, weight decay λ, momentum μ, dampening τ and rate η, per step t:
/// ```
/// g ← g + λ·p
/// b ← g                     (t = 1)
/// b ← μ·b + (1 − τ)·g       (t > 1)
/// g ← g + μ·b  (Nesterov)   or   g ← b
/// p ← p − η·g
/// ```
/// With μ = 0 this is plain `p ← p − η·g`.
public final class SGD: Optimizer {
    /// The momentum factor μ (0: plain SGD).
    public let momentum: Float
    /// The dampening τ of new gradients in the momentum buffer.
    public let dampening: Float
    /// True for Nesterov momentum: the step looks ahead along the momentum.
    public let nesterov: Bool
    /// L2 weight decay added to the gradient (λ·p).
    public let weightDecay: Float

    /// SGD with PyTorch's defaults (no momentum, no decay).
    public init(learningRate: Float = 0.01, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0, schedule: (any LearningRateSchedule)? = nil) {
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "Nesterov momentum needs momentum > 0 and no dampening")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        super.init(learningRate: learningRate, schedule: schedule)
    }

    /// One momentum buffer, or none for plain SGD.
    public override var stateBufferCount: Int { momentum == 0 ? 0 : 1 }

    /// The SGD update of one parameter.
    public override func apply(to values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                               state: inout [[Float]], step: Int, learningRate: Float) {
        let (lambda, mu, tau, rate) = (weightDecay, momentum, dampening, learningRate)
        guard mu != 0 else {
            for i in 0..<values.count { values[i] -= rate * (gradient[i] + lambda * values[i]) }
            return
        }
        let first = step == 1, nesterov = self.nesterov
        state[0].withUnsafeMutableBufferPointer { b in
            for i in 0..<values.count {
                let g = gradient[i] + lambda * values[i]
                b[i] = first ? g : mu * b[i] + (1 - tau) * g
                values[i] -= rate * (nesterov ? g + mu * b[i] : b[i])
            }
        }
    }
}
