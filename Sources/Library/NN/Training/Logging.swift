// Callbacks that write files: weights when they improve, and one CSV row per epoch.

import Engine
import Foundation

/// Saves the model's weights after an epoch, by default only when the monitored metric improved
/// (Keras: `ModelCheckpoint(filepath, monitor, save_best_only=True)`).
///
/// NN cannot write checkpoint files itself, so the writing is a closure; `Vision` provides
/// `ModelCheckpoint.safetensors(path:monitor:)`, which writes with `saveWeights(to:)`.
/// A `{epoch}` in `path` is replaced by the epoch number.
public final class ModelCheckpoint: TrainingCallback {
    /// Where weights are written (`{epoch}` is replaced by the epoch number).
    public let path: String
    /// The metric whose improvement triggers a write, and its best value so far.
    public private(set) var monitor: MetricMonitor
    /// When false, weights are written after every epoch.
    public let savesBestOnly: Bool
    /// The epochs after which weights were written.
    public private(set) var savedEpochs: [Int] = []
    private let save: (any Layer, String) throws -> Void

    /// A checkpoint that calls `save(model, path)` to write the weights.
    public init(path: String, monitor metric: TrainingMetric = .validationLoss, savesBestOnly: Bool = true,
                save: @escaping (_ model: any Layer, _ path: String) throws -> Void) {
        self.path = path
        monitor = MetricMonitor(metric)
        self.savesBestOnly = savesBestOnly
        self.save = save
    }

    /// The file for `epoch` (with `{epoch}` filled in).
    public func path(forEpoch epoch: Int) -> String {
        path.replacingOccurrences(of: "{epoch}", with: String(format: "%02d", epoch))
    }

    /// Forgets the best value of an earlier `fit`.
    public func trainingWillBegin(_ context: TrainingContext) {
        monitor = MetricMonitor(monitor.metric)
        savedEpochs = []
    }

    /// Writes the weights if the monitored metric improved (or always, without `savesBestOnly`).
    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {
        if savesBestOnly {
            let value = try monitor.value(in: log)
            guard monitor.isImprovement(value) else { return }
            monitor.accept(value)
        }
        let file = path(forEpoch: log.epoch)
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try save(context.model, file)
        savedEpochs.append(log.epoch)
    }
}

/// Writes one CSV row per epoch: `epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds`
/// (Keras: `CSVLogger`). The file is rewritten at the start of training and flushed after every epoch, so it can
/// be watched while training runs.
public final class CSVLogger: TrainingCallback {
    /// The CSV file, rewritten when training starts.
    public let path: String
    /// The first line of the file.
    public static let header = "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds"

    /// A logger writing to `path`.
    public init(path: String) { self.path = path }

    /// Creates the file with its header line.
    public func trainingWillBegin(_ context: TrainingContext) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try Data((Self.header + "\n").utf8).write(to: url)
        } catch {
            throw TrainingError("cannot write the training log \(path): \(error.localizedDescription)")
        }
    }

    /// Appends the epoch's row.
    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        let row = [String(log.epoch), number(log.loss), number(log.accuracy), number(log.validationLoss),
                   number(log.validationAccuracy), number(log.learningRate), String(format: "%.3f", log.seconds)]
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TrainingError("cannot append to the training log \(path)")
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data((row.joined(separator: ",") + "\n").utf8))
    }
}
