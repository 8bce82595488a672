// Learning-rate schedules are functions of the step number (0, 1, 2, … counted in optimizer updates). They are
// values, so they compose: `CosineDecay(...).withWarmup(steps: 100)` is a schedule like any other.

import Foundation

/// The learning rate as a function of the update step (Keras: `optimizers.schedules.LearningRateSchedule`).
public protocol LearningRateSchedule: Sendable {
    /// The rate for update number `step` (the first update is step 0).
    func learningRate(atStep step: Int) -> Float
}

extension LearningRateSchedule {
    /// This schedule preceded by `steps` steps of linear warm-up from 0 to its first rate.
    public func withWarmup(steps: Int) -> LinearWarmup { LinearWarmup(steps: steps, then: self) }

    /// The rates of steps `0..<count`, e.g. to plot the schedule.
    public func rates(steps count: Int) -> [Float] { (0..<count).map { learningRate(atStep: $0) } }
}

/// The same rate at every step.
public struct ConstantRate: LearningRateSchedule {
    /// The rate of every step.
    public let rate: Float
    /// A schedule that always returns `rate`.
    public init(_ rate: Float) { self.rate = rate }
    /// `rate`, whatever the step.
    public func learningRate(atStep step: Int) -> Float { rate }
}

/// The rate multiplied by `factor` every `stepSize` steps: η₀·factor^⌊t / stepSize⌋
/// (PyTorch: `StepLR(step_size, gamma)`).
public struct StepDecay: LearningRateSchedule {
    /// The rate of the first `stepSize` steps.
    public let initialRate: Float
    /// Steps between two reductions.
    public let stepSize: Int
    /// The factor applied at each reduction.
    public let factor: Float

    /// A step decay from `initialRate`.
    public init(initialRate: Float, stepSize: Int, factor: Float = 0.1) {
        precondition(stepSize > 0, "StepDecay needs a positive step size, got \(stepSize)")
        self.initialRate = initialRate
        self.stepSize = stepSize
        self.factor = factor
    }

    /// η₀·factor^⌊t / stepSize⌋.
    public func learningRate(atStep step: Int) -> Float {
        initialRate * Float(Foundation.pow(Double(factor), Double(step / stepSize)))
    }
}

/// η₀·rate^(t / decaySteps), or with `staircase` η₀·rate^⌊t / decaySteps⌋
/// (Keras: `ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase)`).
public struct ExponentialDecay: LearningRateSchedule {
    /// The rate at step 0.
    public let initialRate: Float
    /// Steps over which the rate is multiplied by `decayRate`.
    public let decaySteps: Int
    /// The factor per `decaySteps` steps.
    public let decayRate: Float
    /// True to decay in whole steps of `decaySteps`.
    public let staircase: Bool

    /// An exponential decay from `initialRate`.
    public init(initialRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        precondition(decaySteps > 0, "ExponentialDecay needs positive decay steps, got \(decaySteps)")
        self.initialRate = initialRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
    }

    /// η₀·rate^(t / decaySteps), the exponent rounded down with `staircase`.
    public func learningRate(atStep step: Int) -> Float {
        var exponent = Double(step) / Double(decaySteps)
        if staircase { exponent.round(.down) }
        return initialRate * Float(Foundation.pow(Double(decayRate), exponent))
    }
}

/// Half a cosine from η₀ down to α·η₀ over `decaySteps`, then α·η₀:
/// η₀·((1 − α)·½(1 + cos(π·min(t, T)/T)) + α)
/// (Keras: `CosineDecay(initial_learning_rate, decay_steps, alpha)`).
public struct CosineDecay: LearningRateSchedule {
    /// The rate at step 0.
    public let initialRate: Float
    /// Steps until the rate reaches α·η₀.
    public let decaySteps: Int
    /// The final rate as a fraction of the initial one.
    public let alpha: Float

    /// A cosine decay from `initialRate` to `alpha·initialRate`.
    public init(initialRate: Float, decaySteps: Int, alpha: Float = 0) {
        precondition(decaySteps > 0, "CosineDecay needs positive decay steps, got \(decaySteps)")
        self.initialRate = initialRate
        self.decaySteps = decaySteps
        self.alpha = alpha
    }

    /// η₀·((1 − α)·½(1 + cos(π·min(t, T)/T)) + α).
    public func learningRate(atStep step: Int) -> Float {
        let progress = Double(min(step, decaySteps)) / Double(decaySteps)
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return initialRate * Float((1 - Double(alpha)) * cosine + Double(alpha))
    }
}

/// A linear ramp from 0 to the next schedule's first rate over `steps` steps, then that schedule (shifted so it
/// starts at its own step 0): rate(t) = next(0)·t/steps for t < steps, else next(t − steps)
/// (Keras: `CosineDecay(warmup_steps:, warmup_target:)`; the seed's warm-up lambda).
public struct LinearWarmup: LearningRateSchedule {
    /// The length of the ramp in steps.
    public let steps: Int
    /// The schedule that follows the ramp.
    public let next: any LearningRateSchedule

    /// A warm-up of `steps` steps before `next`.
    public init(steps: Int, then next: any LearningRateSchedule) {
        precondition(steps >= 0, "warm-up steps must not be negative, got \(steps)")
        self.steps = steps
        self.next = next
    }

    /// The ramp, then `next` shifted by `steps`.
    public func learningRate(atStep step: Int) -> Float {
        step < steps ? next.learningRate(atStep: 0) * Float(step) / Float(steps)
            : next.learningRate(atStep: step - steps)
    }
}

/// A schedule given by a closure, for experiments (PyTorch: `LambdaLR`, but returning the rate itself).
public struct CustomSchedule: LearningRateSchedule {
    let rate: @Sendable (Int) -> Float
    /// A schedule computed by `rate` for each step.
    public init(_ rate: @escaping @Sendable (_ step: Int) -> Float) { self.rate = rate }
    /// The closure's rate for `step`.
    public func learningRate(atStep step: Int) -> Float { rate(step) }
}
