import Engine
import Foundation
import NN
import Testing

/// Points in the plane labelled by the sign of x: perfectly separable for training, while the validation set
/// has a quarter of its labels flipped, so the validation loss falls, bottoms out and rises again as training
/// makes the model ever more confident.
private func separablePoints(count: Int, flippedEvery: Int? = nil, seed: UInt64) -> TensorDataset {
    var generator = SeededGenerator(seed: seed)
    var values: [Float] = [], labels: [Int] = []
    for index in 0..<count {
        let x = generator.nextNormal(), y = generator.nextNormal()
        values += [x, y]
        let label = x > 0 ? 1 : 0
        labels.append(flippedEvery.map { index % $0 == 0 ? 1 - label : label } ?? label)
    }
    return TensorDataset(inputs: Tensor(shape: [count, 2], scalars: values), labels: labels)
}

private let training = separablePoints(count: 32, seed: 1)
private let validation = separablePoints(count: 24, flippedEvery: 4, seed: 2)

@Suite("Trainer")
struct TrainerTests {
    @Test("training a linear classifier on separable points reaches (nearly) full training accuracy")
    func learns() throws {
        let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.1), batchSize: 8)
        let history = try trainer.fit(training, validation: validation, epochs: 15)
        #expect(history.epochs.count == 15)
        #expect(history.values(of: .loss).last! < history.values(of: .loss).first!)
        #expect(trainer.evaluate(training).accuracy >= 31 / 32)
        #expect(trainer.evaluate(validation).confusionMatrix(classCount: 2).joined().reduce(0, +) == 24)
    }

    @Test("the same seed gives the same run; another seed shuffles differently")
    func deterministic() throws {
        func run(seed: UInt64) throws -> (History, [Float]) {
            let model = Sequential(Dense(inputSize: 2, outputSize: 8, seed: 4), Dropout(rate: 0.3, seed: 5),
                                   Dense(inputSize: 8, outputSize: 2, seed: 6))
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.1, momentum: 0.9), batchSize: 5,
                                  seed: seed)
            let history = try trainer.fit(training, validation: validation, epochs: 3)
            return (history, model.namedParameters.flatMap(\.parameter.value.scalars))
        }
        let (first, weights) = try run(seed: 7)
        let (second, sameWeights) = try run(seed: 7)
        let (_, otherWeights) = try run(seed: 8)
        #expect(first.values(of: .loss) == second.values(of: .loss))
        #expect(weights == sameWeights)
        #expect(weights != otherWeights)
    }

    @Test("restoring the best weights puts back the best epoch's weights, with or without stopping early")
    func restoresBest() throws {
        for patience in [100, 2] {
            let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
            let stopping = EarlyStopping(monitor: .validationLoss, patience: patience, restoresBestWeights: true)
            let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.1), batchSize: 8,
                                  callbacks: [stopping])
            var snapshots: [Int: [String: Tensor]] = [:]
            trainer.onEpochEnd = { snapshots[$0.epoch] = model.stateDictionary }
            let history = try trainer.fit(training, validation: validation, epochs: 25)
            let best = try #require(history.bestEpoch(by: .validationLoss))
            #expect(best > 1 && best < history.epochs.count, "the validation loss must bottom out mid-run")
            #expect(stopping.bestEpoch == best)
            #expect(history.restoredEpoch == best)
            #expect(model.stateDictionary == snapshots[best]!)
            #expect(model.stateDictionary != snapshots[history.epochs.count]!)
            if patience == 2 {
                #expect(history.stoppedEpoch == best + 2)
                #expect(history.epochs.count == best + 2)
            } else {
                #expect(history.stoppedEpoch == nil)
                #expect(history.epochs.count == 25)
            }
            let restored = trainer.evaluate(validation).loss
            #expect(abs(restored - history.epochs[best - 1].validationLoss!) < 1e-6)
        }
    }

    @Test("ReduceLROnPlateau in a real run lowers the rate once validation loss stalls")
    func plateauInTraining() throws {
        let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
        let plateau = ReduceLROnPlateau(monitor: .validationLoss, factor: 0.5, patience: 2)
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.1), batchSize: 8, callbacks: [plateau])
        let history = try trainer.fit(training, validation: validation, epochs: 20)
        let best = try #require(history.bestEpoch(by: .validationLoss))
        let first = try #require(plateau.reductions.first)
        #expect(first.epoch >= best + 2)
        // As in Keras, an epoch's log shows the rate it trained with; the reduced rate appears from the next one.
        #expect(history.epochs[first.epoch - 1].learningRate == 0.1)
        #expect(first.epoch < history.epochs.count && history.epochs[first.epoch].learningRate == 0.05)
        #expect(history.epochs[0].learningRate == 0.1)
    }

    @Test("two accumulated half-batches train exactly like whole batches")
    func accumulationInTrainer() throws {
        func weights(batchSize: Int, accumulation: Int) throws -> [Float] {
            let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.5), batchSize: batchSize, seed: 1)
            trainer.accumulationSteps = accumulation
            try trainer.fit(training, epochs: 2)
            return model.weight.value.scalars + model.bias!.value.scalars
        }
        let whole = try weights(batchSize: 8, accumulation: 1)
        let halves = try weights(batchSize: 4, accumulation: 2)
        #expect(zip(whole, halves).allSatisfy { abs($0 - $1) < 1e-5 }, "\(whole) vs \(halves)")
        #expect(whole != (try weights(batchSize: 4, accumulation: 1)))
    }

    @Test("an L2 penalty keeps the weights smaller")
    func regularizationShrinks() throws {
        func norm(l2: Float) throws -> Float {
            let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
            let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.1), batchSize: 8)
            if l2 > 0 { trainer.regularization = .l2(l2) }
            try trainer.fit(training, epochs: 10)
            return globalNorm([model.weight.value])
        }
        #expect(try norm(l2: 0.05) < 0.5 * norm(l2: 0))
    }

    @Test("batches cover every example once, the last one smaller")
    func batching() {
        var generator = SeededGenerator(seed: 0)
        let batches = training.batches(size: 10, shuffledWith: &generator)
        #expect(batches.map(\.count) == [10, 10, 10, 2])
        let seen = batches.flatMap { batch in (0..<batch.count).map { batch.inputs.scalars[$0 * 2] } }
        #expect(seen.sorted() == (0..<32).map { training.inputs.scalars[$0 * 2] }.sorted())
        #expect(training.subset([3, 1]).labels == [training.labels[3], training.labels[1]])
    }
}
