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
    public let rate: Float
    public init(_ rate: Float) { self.rate = rate }
    public func learningRate(atStep step: Int) -> Float { rate }
}

/// The rate multiplied by `factor` every `stepSize` steps: η₀·factor^⌊t / stepSize⌋
/// (PyTorch: `StepLR(step_size, gamma)`).
public struct StepDecay: LearningRateSchedule {
    public let initialRate: Float
    public let stepSize: Int
    public let factor: Float

    public init(initialRate: Float, stepSize: Int, factor: Float = 0.1) {
        precondition(stepSize > 0, "StepDecay needs a positive step size, got \(stepSize)")
        self.initialRate = initialRate
        self.stepSize = stepSize
        self.factor = factor
    }

    public func learningRate(atStep step: Int) -> Float {
        initialRate * Float(Foundation.pow(Double(factor), Double(step / stepSize)))
    }
}

/// η₀·rate^(t / decaySteps), or with `staircase` η₀·rate^⌊t / decaySteps⌋
/// (Keras: `ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase)`).
public struct ExponentialDecay: LearningRateSchedule {
    public let initialRate: Float
    public let decaySteps: Int
    public let decayRate: Float
    public let staircase: Bool

    public init(initialRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        precondition(decaySteps > 0, "ExponentialDecay needs positive decay steps, got \(decaySteps)")
        self.initialRate = initialRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
    }

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
    public let initialRate: Float
    public let decaySteps: Int
    /// The final rate as a fraction of the initial one.
    public let alpha: Float

    public init(initialRate: Float, decaySteps: Int, alpha: Float = 0) {
        precondition(decaySteps > 0, "CosineDecay needs positive decay steps, got \(decaySteps)")
        self.initialRate = initialRate
        self.decaySteps = decaySteps
        self.alpha = alpha
    }

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
    public let steps: Int
    public let next: any LearningRateSchedule

    public init(steps: Int, then next: any LearningRateSchedule) {
        precondition(steps >= 0, "warm-up steps must not be negative, got \(steps)")
        self.steps = steps
        self.next = next
    }

    public func learningRate(atStep step: Int) -> Float {
        step < steps ? next.learningRate(atStep: 0) * Float(step) / Float(steps)
            : next.learningRate(atStep: step - steps)
    }
}

/// A schedule given by a closure, for experiments (PyTorch: `LambdaLR`, but returning the rate itself).
public struct CustomSchedule: LearningRateSchedule {
    let rate: @Sendable (Int) -> Float
    public init(_ rate: @escaping @Sendable (_ step: Int) -> Float) { self.rate = rate }
    public func learningRate(atStep step: Int) -> Float { rate(step) }
}
