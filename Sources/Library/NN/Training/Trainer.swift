// The training loop, written once: shuffle, batch, forward in the training phase, loss (+ penalty), gradients,
// optimizer step (every `accumulationSteps` batches), then validation in the inference phase and the callbacks.
// Everything random comes from `seed` (shuffling here; dropout and drop-connect from their layers' seeds), so a
// run is repeatable.

import Engine
import Foundation

/// Loss, accuracy and predictions of a model on a dataset (Keras: `model.evaluate`).
public struct Evaluation: Sendable {
    /// Mean loss per example.
    public let loss: Double
    /// The fraction of examples whose most probable class is the label.
    public let accuracy: Double
    /// The predicted class of every example, in order.
    public let predictions: [Int]
    /// The true classes, in order.
    public let labels: [Int]

    /// counts[true class][predicted class] (rows are truths, as in scikit-learn's `confusion_matrix`).
    public func confusionMatrix(classCount: Int) -> [[Int]] {
        var counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (truth, prediction) in zip(labels, predictions) { counts[truth][prediction] += 1 }
        return counts
    }
}

/// Progress inside an epoch, for a progress bar.
public struct BatchProgress: Sendable {
    /// 1-based epoch number.
    public let epoch: Int
    /// 1-based index of the batch just finished.
    public let batch: Int
    /// Batches in this epoch.
    public let batchCount: Int
    /// The batch's training loss.
    public let loss: Double
}

/// Trains a model on in-memory examples with an optimizer and callbacks (Keras: `model.fit`; Lightning:
/// `Trainer`).
///
/// ```swift
/// let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: 0)
/// trainer.callbacks = [EarlyStopping(monitor: .validationLoss, patience: 3, restoresBestWeights: true)]
/// let history = try trainer.fit(train, validation: val, epochs: 20)
/// print(trainer.evaluate(test).accuracy)
/// ```
public final class Trainer {
    /// The model trained; its trainable parameters at the start of `fit` are the ones updated.
    public let model: any Layer
    /// Updates the parameters from each batch's gradients.
    public let optimizer: Optimizer
    /// Examples per batch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Seeds the shuffling of every `fit` call (the same seed gives the same batches).
    public var seed: UInt64
    /// Batches whose gradients are averaged into one update (gradient accumulation); 1 updates every batch.
    public var accumulationSteps = 1
    /// A penalty added to the loss of every batch, on `Regularization.penalizedParameters`.
    public var regularization: Regularization?
    /// The loss of a batch: cross-entropy of the logits by default.
    public var loss: (_ logits: Tensor, _ labels: [Int]) -> Tensor = { crossEntropy(logits: $0, labels: $1) }
    /// The loss of a batch whose `targets` are class probabilities `[N, K]` (soft labels, e.g. from MixUp or
    /// CutMix in `batchTransform`), used instead of `loss` when the batch has targets and `batchLoss` is nil:
    /// cross-entropy against the probabilities by default.
    public var softLoss: (_ logits: Tensor, _ targets: Tensor) -> Tensor = {
        crossEntropy(logits: $0, probabilities: $1)
    }
    /// When set, the loss of a training batch from the whole batch (labels and `targets`), used instead of
    /// `loss` and `softLoss`; e.g. `{ distillationLoss(studentLogits: $0, teacherLogits: $1.targets!, …) }`.
    public var batchLoss: ((_ logits: Tensor, _ batch: TensorDataset) -> Tensor)?
    /// Changes every training batch before the forward pass, e.g. augmentation, or MixUp, which also sets soft
    /// targets (`TensorDataset(inputs:labels:targets:)`). It gets the shuffled batch and a generator seeded with
    /// `seed &+ 1`, so a run stays repeatable and the batch order is the same with and without a transform.
    /// Evaluation never transforms.
    public var batchTransform: ((_ batch: TensorDataset, _ generator: inout SeededGenerator) -> TensorDataset)?
    /// Called in order at the start, after every epoch and at the end of `fit`.
    public var callbacks: [any TrainingCallback]
    /// Called after every epoch with its log (print it, advance a progress bar, record weights…).
    public var onEpochEnd: ((EpochLog) -> Void)?
    /// Called after every batch.
    public var onBatchEnd: ((BatchProgress) -> Void)?

    /// A trainer for `model`; `seed` fixes the shuffling.
    public init(model: any Layer, optimizer: Optimizer, batchSize: Int = 32, seed: UInt64 = 0,
                callbacks: [any TrainingCallback] = []) {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        self.model = model
        self.optimizer = optimizer
        self.batchSize = batchSize
        self.seed = seed
        self.callbacks = callbacks
    }

    /// Trains for up to `epochs` epochs (fewer if a callback stops it) and returns every epoch's log.
    /// The parameters trained are the model's trainable ones when `fit` starts.
    ///
    /// - Throws: `TrainingError` for an empty dataset, a model with nothing trainable or a setting out of
    ///   range; what a callback throws (an unwritable log or checkpoint, a monitored metric that needs
    ///   validation data).
    @discardableResult
    public func fit(_ training: TensorDataset, validation: TensorDataset? = nil, epochs: Int) throws -> History {
        guard training.count > 0 else { throw TrainingError.emptyDataset }
        guard accumulationSteps > 0 else {
            throw TrainingError.invalidSetting(name: "accumulationSteps", requirement: "positive, got \(accumulationSteps)")
        }
        guard batchSize > 0 else {
            throw TrainingError.invalidSetting(name: "batchSize", requirement: "positive, got \(batchSize)")
        }
        guard epochs >= 0 else {
            throw TrainingError.invalidSetting(name: "epochs", requirement: "0 or more, got \(epochs)")
        }
        let parameters = model.trainableParameters
        guard !parameters.isEmpty else { throw TrainingError.nothingTrainable }
        let penalized = Regularization.penalizedParameters(of: parameters)
        var generator = SeededGenerator(seed: seed)
        var transformGenerator = SeededGenerator(seed: seed &+ 1)
        let context = TrainingContext(model: model, optimizer: optimizer, history: History())
        for callback in callbacks { try callback.trainingWillBegin(context) }

        for epoch in stride(from: 1, through: epochs, by: 1) {
            let started = Date()
            let batches = training.batches(size: batchSize, shuffledWith: &generator)
            var lossSum = 0.0, correct = 0
            optimizer.zeroGradients()
            for (index, shuffled) in batches.enumerated() {
                let batch = batchTransform?(shuffled, &transformGenerator) ?? shuffled
                let (batchLoss, batchCorrect) = withLearningPhase(.training) { () -> (Double, Int) in
                    let logits = model(batch.inputs)
                    var total = self.batchLoss?(logits, batch)
                        ?? batch.targets.map { softLoss(logits, $0) } ?? loss(logits, batch.labels)
                    if let regularization { total = total + regularization.penalty(on: penalized) }
                    optimizer.accumulate(total.gradients(for: parameters.map(\.value)), for: parameters)
                    let hits = zip(logits.argmax(), batch.labels).filter { $0 == $1 }.count
                    return (Double(total.scalar), hits)
                }
                if optimizer.accumulatedBatches == accumulationSteps || index == batches.count - 1 {
                    optimizer.step()
                }
                lossSum += batchLoss * Double(batch.count)
                correct += batchCorrect
                onBatchEnd?(BatchProgress(epoch: epoch, batch: index + 1, batchCount: batches.count,
                                          loss: batchLoss))
            }
            let validated = validation.map { evaluate($0) }
            let log = EpochLog(epoch: epoch, loss: lossSum / Double(training.count),
                               accuracy: Double(correct) / Double(training.count),
                               validationLoss: validated?.loss, validationAccuracy: validated?.accuracy,
                               learningRate: shortestDouble(optimizer.currentLearningRate),
                               seconds: Date().timeIntervalSince(started))
            context.history.epochs.append(log)
            for callback in callbacks { try callback.epochDidEnd(log, context: context) }
            onEpochEnd?(log)
            if context.shouldStop { break }
        }
        for callback in callbacks { try callback.trainingDidEnd(context) }
        return context.history
    }

    /// The model's loss and accuracy on `data`, in the inference phase (dropout off, BatchNorm on running
    /// statistics), without recording gradients.
    public func evaluate(_ data: TensorDataset) -> Evaluation {
        Self.evaluate(model, on: data, batchSize: batchSize, loss: loss)
    }

    /// `model`'s loss and accuracy on `data` in the inference phase.
    public static func evaluate(_ model: any Layer, on data: TensorDataset, batchSize: Int = 64,
                                loss: (Tensor, [Int]) -> Tensor = { crossEntropy(logits: $0, labels: $1) })
        -> Evaluation {
        var lossSum = 0.0
        var predictions: [Int] = []
        withLearningPhase(.inference) {
            withoutGradients {
                for batch in data.batches(size: batchSize) {
                    let logits = model(batch.inputs)
                    lossSum += Double(loss(logits, batch.labels).scalar) * Double(batch.count)
                    predictions += logits.argmax()
                }
            }
        }
        let correct = zip(predictions, data.labels).filter { $0 == $1 }.count
        return Evaluation(loss: lossSum / Double(max(data.count, 1)),
                          accuracy: Double(correct) / Double(max(data.count, 1)),
                          predictions: predictions, labels: data.labels)
    }
}
