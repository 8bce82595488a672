// An optimizer turns gradients into new parameter values. The engine returns fresh gradients on every call
// (nothing accumulates on the parameters, unlike PyTorch's `.grad`), so the one place gradients can pile up is
// here: `accumulate(_:for:)` adds them into the optimizer's own buffers, `step()` applies their mean and
// `zeroGradients()` empties the buffers. `update(_:with:)` is the usual one-batch case of all three.
//
// The machinery every rule shares — learning-rate schedule, clipping, accumulation, per-parameter state — lives
// in this base class; a subclass only says how one parameter's values move (`apply(to:gradient:state:...)`).

import Engine
import Foundation

/// The base of every optimizer: keeps per-parameter state, accumulates gradients, clips them, follows a
/// learning-rate schedule, and calls the subclass's update rule (PyTorch: `torch.optim.Optimizer`).
///
/// ```swift
/// let optimizer = Adam(learningRate: 1e-3)
/// let gradients = loss.gradients(for: parameters.map(\.value))
/// optimizer.update(parameters, with: gradients)
/// ```
open class Optimizer {
    /// The rate used when there is no schedule.
    public var learningRate: Float
    /// When set, the rate of step t is `schedule.learningRate(atStep: t)` (t counts from 0).
    public var schedule: (any LearningRateSchedule)?
    /// A factor on the scheduled (or fixed) rate; `ReduceLROnPlateau` lowers it.
    public var learningRateScale: Float = 1
    /// When set, gradients are rescaled so their global L2 norm is at most this (see `clippedByGlobalNorm`).
    public var maximumGradientNorm: Float?
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    /// The global gradient norm of the last step, before clipping (useful to watch for explosions).
    public private(set) var lastGradientNorm: Float = 0

    /// Per-parameter state (moment estimates, momentum buffers), each a list of arrays the size of the parameter.
    /// The parameter itself is kept so its identity cannot be reused by another object.
    private var states: [ObjectIdentifier: (parameter: Parameter, buffers: [[Float]])] = [:]
    /// Gradients summed since the last step, by parameter, in the order they first arrived.
    private var pending: [ObjectIdentifier: (parameter: Parameter, sum: [Float])] = [:]
    private var pendingOrder: [ObjectIdentifier] = []
    /// The number of `accumulate` calls since the last step or `zeroGradients()`.
    public private(set) var accumulatedBatches = 0
    /// Factors on the learning rate of single parameters (discriminative rates), by parameter.
    private var multipliers: [ObjectIdentifier: (parameter: Parameter, factor: Float)] = [:]

    /// An optimizer with a fixed rate, or following `schedule` when one is given.
    public init(learningRate: Float, schedule: (any LearningRateSchedule)? = nil) {
        precondition(learningRate >= 0, "a learning rate must not be negative, got \(learningRate)")
        self.learningRate = learningRate
        self.schedule = schedule
    }

    /// The rate the next step will use: scheduled (or fixed) rate times `learningRateScale`.
    public var currentLearningRate: Float {
        (schedule?.learningRate(atStep: stepCount) ?? learningRate) * learningRateScale
    }

    /// Gives `parameters` their own rate: `factor` times the optimizer's current rate (PyTorch: a parameter
    /// group with its own `lr`; fast.ai: `lr_mult`). Fine-tuning uses it for discriminative rates — a fast new
    /// head, slower pretrained blocks, slowest near the input. A factor of 1 removes the entry.
    public func setLearningRateMultiplier(_ factor: Float, for parameters: [Parameter]) {
        precondition(factor >= 0 && factor.isFinite, "a learning-rate multiplier must be finite and ≥ 0, got \(factor)")
        for parameter in parameters {
            multipliers[ObjectIdentifier(parameter)] = factor == 1 ? nil : (parameter, factor)
        }
    }

    /// The factor on the learning rate of `parameter` (1 unless `setLearningRateMultiplier` changed it).
    public func learningRateMultiplier(of parameter: Parameter) -> Float {
        multipliers[ObjectIdentifier(parameter)]?.factor ?? 1
    }

    /// How many arrays of state each parameter needs (e.g. 2 for Adam's moments). Subclasses override.
    open var stateBufferCount: Int { 0 }

    /// Moves one parameter's `values` by its `gradient` (both flat, same length). `state` holds
    /// `stateBufferCount` arrays, zero on the first step; `step` counts from 1. Subclasses override.
    open func apply(to values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                    state: inout [[Float]], step: Int, learningRate: Float) {
        fatalError("\(type(of: self)) must override apply(to:gradient:state:step:learningRate:)")
    }

    // MARK: - Updating

    /// One update from one batch's gradients: `accumulate` then `step` (PyTorch: `optimizer.step()` after
    /// `zero_grad()` and `backward()`). `gradients[i]` belongs to `parameters[i]`.
    public func update(_ parameters: [Parameter], with gradients: [Tensor]) {
        precondition(accumulatedBatches == 0, "update(_:with:) with gradients still accumulated; call step() first")
        accumulate(gradients, for: parameters)
        step()
    }

    /// Adds one batch's gradients to the buffers without changing any parameter (gradient accumulation: several
    /// small batches act as one large one).
    public func accumulate(_ gradients: [Tensor], for parameters: [Parameter]) {
        precondition(gradients.count == parameters.count,
                     "\(gradients.count) gradients for \(parameters.count) parameters")
        for (parameter, gradient) in zip(parameters, gradients) {
            precondition(gradient.shape == parameter.shape,
                         "gradient of shape \(gradient.shape) for a parameter of shape \(parameter.shape)")
            let id = ObjectIdentifier(parameter)
            if var entry = pending[id] {
                pending[id] = nil  // keep the array uniquely referenced so the addition happens in place
                entry.sum.withUnsafeMutableBufferPointer { sum in
                    gradient.scalars.withUnsafeBufferPointer { g in
                        for i in 0..<sum.count { sum[i] += g[i] }
                    }
                }
                pending[id] = entry
            } else {
                pending[id] = (parameter, gradient.scalars)
                pendingOrder.append(id)
            }
        }
        accumulatedBatches += 1
    }

    /// Applies the mean of the accumulated gradients (clipped if `maximumGradientNorm` is set) to their
    /// parameters, then empties the buffers. Frozen parameters are skipped.
    public func step() {
        guard accumulatedBatches > 0 else { return }
        let entries = pendingOrder.compactMap { pending[$0] }.filter { $0.parameter.isTrainable }
        let count = Float(accumulatedBatches)
        var gradients = entries.map { entry in
            count == 1 ? entry.sum : entry.sum.map { $0 / count }
        }
        lastGradientNorm = globalNorm(gradients)
        if let maximumGradientNorm {
            let factor = clippingFactor(norm: lastGradientNorm, maximum: maximumGradientNorm)
            if factor < 1 { gradients = gradients.map { $0.map { $0 * factor } } }
        }
        let rate = currentLearningRate
        stepCount += 1
        for (entry, gradient) in zip(entries, gradients) {
            let parameter = entry.parameter
            let id = ObjectIdentifier(parameter)
            var buffers = states.removeValue(forKey: id)?.buffers
                ?? Array(repeating: [Float](repeating: 0, count: gradient.count), count: stateBufferCount)
            var values = parameter.value.scalars
            values.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer { g in
                    apply(to: v, gradient: g, state: &buffers, step: stepCount,
                          learningRate: rate * (multipliers[id]?.factor ?? 1))
                }
            }
            parameter.assign(Tensor(shape: parameter.shape, scalars: values))
            states[id] = (parameter, buffers)
        }
        zeroGradients()
    }

    /// Empties the accumulated gradients without applying them (PyTorch: `optimizer.zero_grad()`).
    public func zeroGradients() {
        pending.removeAll(keepingCapacity: true)
        pendingOrder.removeAll(keepingCapacity: true)
        accumulatedBatches = 0
    }

    /// Forgets every moment estimate and momentum buffer and the step count (a fresh start).
    public func resetState() {
        states.removeAll()
        zeroGradients()
        stepCount = 0
    }

    /// The state arrays kept for `parameter` (empty before its first update); for inspection and tests.
    public func state(of parameter: Parameter) -> [[Float]] {
        states[ObjectIdentifier(parameter)]?.buffers ?? []
    }
}
