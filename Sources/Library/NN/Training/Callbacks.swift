// Callbacks watch training from outside the loop (Keras: `keras.callbacks`). Each is a small object with state;
// the trainer calls it at the start, after every epoch and at the end, through a context that exposes the model,
// the optimizer and the history so far, and lets a callback ask training to stop.

import Engine
import Foundation

/// What a callback sees and may change while training runs.
public final class TrainingContext {
    /// The model being trained.
    public let model: any Layer
    /// The optimizer updating it (callbacks may change its learning-rate scale).
    public let optimizer: Optimizer
    /// Every epoch logged so far.
    public internal(set) var history: History
    /// Set to true to end training after the current epoch (Keras: `model.stop_training = True`).
    public var shouldStop = false

    init(model: any Layer, optimizer: Optimizer, history: History) {
        self.model = model
        self.optimizer = optimizer
        self.history = history
    }

    /// Notes that EarlyStopping ended training after `epoch`.
    public func recordStop(afterEpoch epoch: Int) { history.stoppedEpoch = epoch }
    /// Notes that the model's weights were replaced by those of `epoch`.
    public func recordRestore(ofEpoch epoch: Int) { history.restoredEpoch = epoch }
}

/// Something that reacts to training progress (Keras: `keras.callbacks.Callback`). Every method has an empty
/// default, so a callback implements only what it needs.
public protocol TrainingCallback: AnyObject {
    /// Before the first epoch.
    func trainingWillBegin(_ context: TrainingContext) throws
    /// After each epoch's training and validation; `log` is already in `context.history`.
    func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws
    /// After the last epoch, whether training ran out of epochs or was stopped.
    func trainingDidEnd(_ context: TrainingContext) throws
}

extension TrainingCallback {
    /// Does nothing by default.
    public func trainingWillBegin(_ context: TrainingContext) throws {}
    /// Does nothing by default.
    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {}
    /// Does nothing by default.
    public func trainingDidEnd(_ context: TrainingContext) throws {}
}

/// Why training could not start or a callback could not do its job (an empty dataset, a model with nothing
/// trainable, a file it cannot write, a metric that is never measured).
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    /// One line saying what went wrong.
    public let description: String
    /// An error with this one-line description.
    public init(_ description: String) { self.description = description }

    /// `fit` was given a dataset with no examples.
    public static let emptyDataset = TrainingError("cannot train on an empty dataset")
    /// Every parameter of the model is frozen.
    public static let nothingTrainable = TrainingError(
        "the model has no trainable parameters; unfreeze something first")
    /// A setting out of range: its name and what it must be.
    public static func invalidSetting(name: String, requirement: String) -> TrainingError {
        TrainingError("\(name) must be \(requirement)")
    }
}

/// The best value of a monitored metric so far and whether a new one improves on it by more than `minimumDelta`
/// (Keras's `monitor`, `mode="auto"` and `min_delta`).
public struct MetricMonitor: Sendable {
    /// The metric watched.
    public let metric: TrainingMetric
    /// The smallest change that counts as an improvement.
    public let minimumDelta: Double
    /// The best value accepted so far (±∞ before the first).
    public private(set) var best: Double

    /// A monitor of `metric` with no best value yet.
    public init(_ metric: TrainingMetric, minimumDelta: Double = 0) {
        precondition(minimumDelta >= 0, "minimum delta must not be negative, got \(minimumDelta)")
        self.metric = metric
        self.minimumDelta = minimumDelta
        best = metric.lowerIsBetter ? .infinity : -.infinity
    }

    /// True when `value` beats the best by more than the minimum delta (lower − δ for losses, higher + δ for
    /// accuracies).
    public func isImprovement(_ value: Double) -> Bool {
        metric.lowerIsBetter ? value < best - minimumDelta : value > best + minimumDelta
    }

    /// Records `value` as the new best.
    public mutating func accept(_ value: Double) { best = value }

    /// The monitored value of `log`, or an error naming the metric when it was not measured.
    func value(in log: EpochLog) throws -> Double {
        guard let value = log[metric], !value.isNaN else {
            throw TrainingError("the monitored metric \(metric.rawValue) was not measured in epoch \(log.epoch); "
                                + "pass validation data to fit(_:validation:epochs:)")
        }
        return value
    }
}

/// Stops training when the monitored metric has not improved for `patience` epochs, and optionally puts back the
/// weights of the best epoch (Keras: `EarlyStopping(monitor, min_delta, patience, restore_best_weights)`).
///
/// As in Keras 3, the best weights are restored when training ends, whether it stopped early or ran out of epochs.
public final class EarlyStopping: TrainingCallback {
    /// The metric watched, its minimum delta and best value.
    public private(set) var monitor: MetricMonitor
    /// Epochs without improvement before stopping.
    public let patience: Int
    /// Whether the best epoch's weights are put back when training ends.
    public let restoresBestWeights: Bool
    /// The 1-based epoch with the best value so far.
    public private(set) var bestEpoch: Int?
    /// The epoch after which training was stopped, if it was.
    public private(set) var stoppedEpoch: Int?
    private var wait = 0
    private var bestWeights: [String: Tensor]?

    /// Keras's defaults: no minimum delta, no patience, weights not restored.
    public init(monitor metric: TrainingMetric = .validationLoss, minimumDelta: Double = 0, patience: Int = 0,
                restoresBestWeights: Bool = false) {
        precondition(patience >= 0, "patience must not be negative, got \(patience)")
        monitor = MetricMonitor(metric, minimumDelta: minimumDelta)
        self.patience = patience
        self.restoresBestWeights = restoresBestWeights
    }

    /// Resets the counters, so a callback can serve several `fit` calls.
    public func trainingWillBegin(_ context: TrainingContext) {
        monitor = MetricMonitor(monitor.metric, minimumDelta: monitor.minimumDelta)
        wait = 0
        bestEpoch = nil
        stoppedEpoch = nil
        bestWeights = nil
    }

    /// Records an improvement or counts an epoch without one; asks to stop after `patience` of them.
    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {
        let value = try monitor.value(in: log)
        wait += 1
        if monitor.isImprovement(value) {
            monitor.accept(value)
            bestEpoch = log.epoch
            wait = 0
            if restoresBestWeights { bestWeights = context.model.stateDictionary }
            return
        }
        if wait >= patience && log.epoch > 1 {
            stoppedEpoch = log.epoch
            context.shouldStop = true
            context.recordStop(afterEpoch: log.epoch)
        }
    }

    /// Puts back the best epoch's weights (parameters and BatchNorm statistics) if asked to.
    public func trainingDidEnd(_ context: TrainingContext) throws {
        guard restoresBestWeights, let bestWeights, let bestEpoch else { return }
        try context.model.load(bestWeights)
        context.recordRestore(ofEpoch: bestEpoch)
    }
}

/// Multiplies the learning rate by `factor` when the monitored metric has not improved for `patience` epochs
/// (Keras: `ReduceLROnPlateau(monitor, factor, patience, min_delta, cooldown, min_lr)`, same defaults).
public final class ReduceLROnPlateau: TrainingCallback {
    /// The metric watched, its minimum delta and best value.
    public private(set) var monitor: MetricMonitor
    /// The factor applied to the rate at each reduction.
    public let factor: Double
    /// Epochs without improvement before a reduction.
    public let patience: Int
    /// Epochs to wait after a reduction before counting again.
    public let cooldown: Int
    /// The rate is never reduced below this.
    public let minimumLearningRate: Double
    /// (epoch, new rate) for every reduction made.
    public private(set) var reductions: [(epoch: Int, learningRate: Double)] = []
    private var wait = 0
    private var cooldownCounter = 0

    /// Keras's defaults: factor 0.1, patience 10, min_delta 1e-4, no cooldown, no floor.
    public init(monitor metric: TrainingMetric = .validationLoss, factor: Double = 0.1, patience: Int = 10,
                minimumDelta: Double = 1e-4, cooldown: Int = 0, minimumLearningRate: Double = 0) {
        precondition(factor > 0 && factor < 1, "the factor must lie in (0, 1), got \(factor)")
        monitor = MetricMonitor(metric, minimumDelta: minimumDelta)
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
    }

    /// Resets the counters, so a callback can serve several `fit` calls.
    public func trainingWillBegin(_ context: TrainingContext) {
        monitor = MetricMonitor(monitor.metric, minimumDelta: monitor.minimumDelta)
        wait = 0
        cooldownCounter = 0
        reductions = []
    }

    /// Counts epochs without improvement and reduces the optimizer's rate after `patience` of them.
    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {
        let value = try monitor.value(in: log)
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        if monitor.isImprovement(value) {
            monitor.accept(value)
            wait = 0
        } else if cooldownCounter == 0 {
            wait += 1
            let optimizer = context.optimizer
            let current = shortestDouble(optimizer.currentLearningRate)
            // A rate already at the floor (within float rounding) is left alone.
            if wait >= patience && current > minimumLearningRate * (1 + 1e-6) {
                let reduced = max(current * factor, minimumLearningRate)
                optimizer.learningRateScale *= Float(reduced / current)
                reductions.append((log.epoch, reduced))
                cooldownCounter = cooldown
                wait = 0
            }
        }
    }
}
