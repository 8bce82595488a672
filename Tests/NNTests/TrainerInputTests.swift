import Engine
import Foundation
import NN
import Testing

private func points(count: Int, seed: UInt64) -> TensorDataset {
    let inputs = Tensor.random(normal: [count, 2], seed: seed)
    return TensorDataset(inputs: inputs, labels: (0..<count).map { inputs[$0, 0] > 0 ? 1 : 0 })
}

@Suite("Trainer inputs: batch transforms, soft labels, errors")
struct TrainerInputTests {
    @Test("a batch transform sees every shuffled batch, and an identity transform changes nothing")
    func identityTransform() throws {
        func run(transform: Bool) throws -> ([Float], Int) {
            let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
            let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.05), batchSize: 5, seed: 9)
            var seen = 0
            if transform { trainer.batchTransform = { batch, _ in seen += batch.count; return batch } }
            try trainer.fit(points(count: 12, seed: 1), epochs: 3)
            return (model.weight.value.scalars, seen)
        }
        let (plain, _) = try run(transform: false)
        let (transformed, seen) = try run(transform: true)
        #expect(plain == transformed)
        #expect(seen == 36)
    }

    @Test("the transform's inputs are what the model trains on")
    func transformReachesTheModel() throws {
        let model = Dense(inputSize: 2, outputSize: 2, seed: 3)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.1), batchSize: 4)
        // Zeroed inputs: only the bias can learn, the weight's gradient is exactly zero.
        trainer.batchTransform = { batch, _ in TensorDataset(inputs: batch.inputs * 0, labels: batch.labels) }
        let before = model.weight.value.scalars
        try trainer.fit(points(count: 8, seed: 2), epochs: 2)
        #expect(model.weight.value.scalars == before)
    }

    @Test("soft targets use softLoss; one-hot targets train exactly like hard labels")
    func softTargets() throws {
        func run(soft: Bool) throws -> [Float] {
            let model = Dense(inputSize: 2, outputSize: 2, seed: 4)
            let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.05), batchSize: 4)
            if soft {
                trainer.batchTransform = { batch, _ in
                    var oneHot = Tensor(zeros: [batch.count, 2])
                    for (row, label) in batch.labels.enumerated() { oneHot[row, label] = 1 }
                    return TensorDataset(inputs: batch.inputs, labels: batch.labels, targets: oneHot)
                }
            }
            try trainer.fit(points(count: 10, seed: 3), epochs: 2)
            return model.weight.value.scalars
        }
        #expect(try run(soft: true) == run(soft: false))

        var calls = 0
        let trainer = Trainer(model: Dense(inputSize: 2, outputSize: 2, seed: 4), optimizer: SGD(learningRate: 0.1))
        trainer.batchTransform = { batch, _ in
            TensorDataset(inputs: batch.inputs, labels: batch.labels, targets: Tensor(repeating: 0.5, shape: [batch.count, 2]))
        }
        trainer.softLoss = { logits, targets in calls += 1; return crossEntropy(logits: logits, probabilities: targets) }
        try trainer.fit(points(count: 6, seed: 4), epochs: 1)
        #expect(calls == 1)
    }

    @Test("fit throws a descriptive error on an empty dataset, a frozen model and bad settings")
    func errors() throws {
        let empty = TensorDataset(inputs: Tensor(zeros: [0, 2]), labels: [])
        let model = Dense(inputSize: 2, outputSize: 2, seed: 1)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.1))
        #expect(throws: TrainingError.emptyDataset) { try trainer.fit(empty, epochs: 1) }
        trainer.accumulationSteps = 0
        #expect(throws: TrainingError.self) { try trainer.fit(points(count: 4, seed: 1), epochs: 1) }
        trainer.accumulationSteps = 1
        model.freeze()
        #expect(throws: TrainingError.nothingTrainable) { try trainer.fit(points(count: 4, seed: 1), epochs: 1) }
        #expect(TrainingError.nothingTrainable.description.contains("unfreeze"))
    }
}
