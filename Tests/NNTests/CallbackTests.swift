import Engine
import Foundation
@testable import NN
import Testing

/// Feeds a scripted sequence of validation losses to `callback`, as the trainer would, and returns the context.
@discardableResult
private func replay(_ validationLosses: [Double], through callback: any TrainingCallback,
                    optimizer: Optimizer = SGD(learningRate: 0.1)) throws -> TrainingContext {
    let context = TrainingContext(model: Dense(inputSize: 1, outputSize: 1), optimizer: optimizer,
                                  history: History())
    try callback.trainingWillBegin(context)
    for (index, value) in validationLosses.enumerated() {
        let log = EpochLog(epoch: index + 1, loss: 1, accuracy: 0.5, validationLoss: value, validationAccuracy: 0.5,
                           learningRate: Double("\(optimizer.currentLearningRate)")!)
        context.history.epochs.append(log)
        try callback.epochDidEnd(log, context: context)
        if context.shouldStop { break }
    }
    try callback.trainingDidEnd(context)
    return context
}

@Suite("Callbacks")
struct CallbackTests {
    @Test("early stopping waits `patience` epochs after the best one")
    func earlyStoppingPatience() throws {
        let stopping = EarlyStopping(monitor: .validationLoss, patience: 2)
        let context = try replay([1.0, 0.995, 0.991, 0.5, 0.6, 0.7, 0.8, 0.1], through: stopping)
        #expect(stopping.bestEpoch == 4)
        #expect(stopping.stoppedEpoch == 6)
        #expect(context.history.epochs.count == 6)
        #expect(context.history.stoppedEpoch == 6)
    }

    @Test("min_delta: improvements smaller than δ do not count")
    func earlyStoppingMinimumDelta() throws {
        // 0.995 and 0.991 improve on 1.0 by less than 0.01, so epochs 2 and 3 are two epochs without improvement.
        let stopping = EarlyStopping(monitor: .validationLoss, minimumDelta: 0.01, patience: 2)
        try replay([1.0, 0.995, 0.991, 0.5], through: stopping)
        #expect(stopping.bestEpoch == 1)
        #expect(stopping.stoppedEpoch == 3)
        // The same sequence with a smaller δ keeps going.
        let lenient = EarlyStopping(monitor: .validationLoss, minimumDelta: 0.001, patience: 2)
        try replay([1.0, 0.995, 0.991, 0.5], through: lenient)
        #expect(lenient.stoppedEpoch == nil)
        #expect(lenient.bestEpoch == 4)
    }

    @Test("early stopping on accuracy looks for increases")
    func earlyStoppingAccuracy() throws {
        let stopping = EarlyStopping(monitor: .validationAccuracy, patience: 1)
        let context = TrainingContext(model: Dense(inputSize: 1, outputSize: 1), optimizer: SGD(), history: History())
        stopping.trainingWillBegin(context)
        for (epoch, accuracy) in [0.5, 0.7, 0.6].enumerated() {
            try stopping.epochDidEnd(EpochLog(epoch: epoch + 1, loss: 1, accuracy: 0, validationLoss: 1,
                                              validationAccuracy: accuracy, learningRate: 0.1), context: context)
        }
        #expect(stopping.bestEpoch == 2 && stopping.stoppedEpoch == 3)
    }

    @Test("monitoring a validation metric without validation data is a clear error")
    func missingMetric() {
        let stopping = EarlyStopping(monitor: .validationLoss)
        let context = TrainingContext(model: Dense(inputSize: 1, outputSize: 1), optimizer: SGD(), history: History())
        #expect(throws: TrainingError.self) {
            try stopping.epochDidEnd(EpochLog(epoch: 1, loss: 1, accuracy: 0, learningRate: 0.1), context: context)
        }
    }

    @Test("ReduceLROnPlateau halves the rate after `patience` flat epochs, honours cooldown and the floor")
    func reduceOnPlateau() throws {
        let plain = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2)
        let optimizer = SGD(learningRate: 0.1)
        try replay([1, 1, 1, 1, 1], through: plain, optimizer: optimizer)
        #expect(plain.reductions.map(\.epoch) == [3, 5])
        #expect(abs(optimizer.currentLearningRate - 0.025) < 1e-8)

        // Keras counts the cooldown down before checking it, so a cooldown of 2 skips one epoch.
        let cooled = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2, cooldown: 2)
        try replay([1, 1, 1, 1, 1, 1], through: cooled)
        #expect(cooled.reductions.map(\.epoch) == [3, 6])

        let floored = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 1, minimumLearningRate: 0.04)
        let slow = SGD(learningRate: 0.1)
        try replay([1, 1, 1, 1, 1], through: floored, optimizer: slow)
        #expect(floored.reductions.map(\.learningRate) == [0.05, 0.04])
        #expect(abs(slow.currentLearningRate - 0.04) < 1e-8)

        // An improvement (beyond min_delta 1e-4) resets the count.
        let patient = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2)
        try replay([1, 1, 0.9, 0.9, 0.89995, 0.9], through: patient)
        #expect(patient.reductions.map(\.epoch) == [5])
    }

    @Test("ModelCheckpoint writes only when the monitored metric improves")
    func checkpointBestOnly() throws {
        var written: [String] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = ModelCheckpoint(path: folder.appendingPathComponent("best-{epoch}.bin").path) { _, path in
            written.append(URL(fileURLWithPath: path).lastPathComponent)
        }
        try replay([1.0, 0.8, 0.9, 0.8, 0.7, 0.75], through: checkpoint)
        #expect(checkpoint.savedEpochs == [1, 2, 5])
        #expect(written == ["best-01.bin", "best-02.bin", "best-05.bin"])

        let everyEpoch = ModelCheckpoint(path: folder.appendingPathComponent("all.bin").path, savesBestOnly: false) {
            _, _ in
        }
        try replay([1.0, 2.0, 3.0], through: everyEpoch)
        #expect(everyEpoch.savedEpochs == [1, 2, 3])
    }

    @Test("the CSV logger writes a header and one row per epoch")
    func csvLogger() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try replay([0.5, 0.25], through: CSVLogger(path: path))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds")
        #expect(lines[2].hasPrefix("2,1.0,0.5,0.25,0.5,"))
    }
}
