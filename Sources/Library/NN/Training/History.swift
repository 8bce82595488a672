import Foundation

/// A Float as the Double with the same shortest decimal digits (0.1 → 0.1, not 0.10000000149011612), so logs
/// and comparisons show the rate that was set.
func shortestDouble(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

/// A number the trainer reports each epoch; the names are Keras's, so CSV logs read the same.
public enum TrainingMetric: String, CaseIterable, Sendable, Codable {
    case loss
    case accuracy
    case validationLoss = "val_loss"
    case validationAccuracy = "val_accuracy"

    /// True for losses (lower is better), false for accuracies (Keras `mode="auto"`).
    public var lowerIsBetter: Bool { self == .loss || self == .validationLoss }
}

/// What happened in one epoch.
public struct EpochLog: Sendable, Equatable, Codable {
    /// 1 for the first epoch.
    public let epoch: Int
    /// Mean training loss over the epoch's batches (penalties included, as Keras reports it).
    public let loss: Double
    /// Training accuracy over the epoch (measured as the weights changed, with dropout on).
    public let accuracy: Double
    /// Mean validation loss per example (nil without validation data).
    public let validationLoss: Double?
    /// Validation accuracy (nil without validation data).
    public let validationAccuracy: Double?
    /// The learning rate at the end of the epoch.
    public let learningRate: Double
    /// Wall-clock seconds the epoch took, validation included.
    public let seconds: Double

    /// A log with the given values.
    public init(epoch: Int, loss: Double, accuracy: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, learningRate: Double, seconds: Double = 0) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
    }

    /// The value of `metric` this epoch (nil for validation metrics without validation data).
    public subscript(metric: TrainingMetric) -> Double? {
        switch metric {
        case .loss: return loss
        case .accuracy: return accuracy
        case .validationLoss: return validationLoss
        case .validationAccuracy: return validationAccuracy
        }
    }
}

/// Every epoch's log, plus what the callbacks did (Keras: the `History` returned by `fit`).
public struct History: Sendable, Equatable, Codable {
    /// One log per epoch run, in order.
    public internal(set) var epochs: [EpochLog] = []
    /// The epoch after which EarlyStopping ended training, if it did.
    public internal(set) var stoppedEpoch: Int?
    /// The epoch whose weights the model holds at the end, when EarlyStopping restored the best ones.
    public internal(set) var restoredEpoch: Int?

    /// An empty history.
    public init() {}

    /// `metric` for every epoch, in order (NaN where it was not measured), ready to plot.
    public func values(of metric: TrainingMetric) -> [Double] { epochs.map { $0[metric] ?? .nan } }

    /// The learning rate of every epoch.
    public var learningRates: [Double] { epochs.map(\.learningRate) }

    /// The epoch (1-based) where `metric` was best, first one on ties.
    public func bestEpoch(by metric: TrainingMetric) -> Int? {
        let measured = epochs.compactMap { log in log[metric].map { (log.epoch, $0) } }
        let best = metric.lowerIsBetter ? measured.min { $0.1 < $1.1 } : measured.max { $0.1 < $1.1 }
        return best?.0
    }

    /// The last epoch's log.
    public var last: EpochLog? { epochs.last }
}
