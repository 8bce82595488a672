import Engine
import Foundation
import NN
import Testing

@Suite("Weight averaging, BatchNorm recomputation and distillation")
struct AveragingTests {
    @Test("the running weight average equals the mean of the snapshots; SWA starts at its epoch")
    func weightAverage() throws {
        let dense = Dense(inputSize: 2, outputSize: 1)
        let average = WeightAverage(of: dense)
        let snapshots: [[Float]] = [[1, 2], [3, 6], [8, 1]]
        for values in snapshots {
            dense.weight.assign(Tensor(shape: [1, 2], scalars: values))
            average.addSnapshot()
        }
        average.assignToModel()
        #expect(dense.weight.value.isAlmostEqual(to: Tensor(shape: [1, 2], scalars: [4, 3])))

        let model = Dense(inputSize: 3, outputSize: 2, seed: 1)
        let data = TensorDataset(inputs: Tensor.random(uniform: [8, 3], seed: 2), labels: [0, 1, 0, 1, 1, 0, 0, 1])
        let swa = StochasticWeightAveraging(startEpoch: 3)
        var epochWeights: [Tensor] = []
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.5), batchSize: 4, callbacks: [swa])
        trainer.onEpochEnd = { _ in epochWeights.append(model.weight.value.detached()) }
        try trainer.fit(data, epochs: 5)
        #expect(swa.average?.count == 3)
        let expected = (epochWeights[2] + epochWeights[3] + epochWeights[4]) / 3
        swa.average!.assignToModel()
        #expect(model.weight.value.isAlmostEqual(to: expected, absoluteTolerance: 1e-5))
    }

    @Test("recomputed BatchNorm statistics are the exact mean and unbiased variance of the data")
    func batchNormRecomputation() {
        let norm = BatchNorm(featureCount: 1)
        let values: [Float] = [1, 2, 3, 4, 10, 20]
        let data = TensorDataset(inputs: Tensor(shape: [6, 1], scalars: values), labels: [0, 0, 0, 0, 0, 0])
        recomputeBatchNormStatistics(of: Sequential(norm), on: data, batchSize: 2)
        // With batches of two the exact average of batch means is the data mean; each batch's unbiased variance
        // averaged: (0.5 + 0.5 + 50) / 3.
        #expect(Swift.abs(norm.runningMean.value.scalars[0] - 40.0 / 6) < 1e-4)
        #expect(Swift.abs(norm.runningVariance.value.scalars[0] - 51.0 / 3) < 1e-3)
        #expect(norm.momentum == 0.1, "the momentum is put back")
    }

    @Test("distillation loss: T² · KL at temperature T mixed with the hard loss; gradient by finite differences")
    func distillation() {
        let student = Tensor(shape: [2, 3], scalars: [1, 0.5, -1, 0.2, 0.1, 2])
        let teacher = Tensor(shape: [2, 3], scalars: [3, 1, -2, -1, 0, 4])
        let labels = [0, 2], temperature: Float = 2, weight: Float = 0.7
        func reference(_ s: [Float]) -> Double {
            var kl = 0.0, hard = 0.0
            for row in 0..<2 {
                let st = (0..<3).map { Double(s[row * 3 + $0]) }, tt = (0..<3).map { Double(teacher.scalars[row * 3 + $0]) }
                let p = softmax(tt.map { $0 / Double(temperature) }), q = softmax(st.map { $0 / Double(temperature) })
                kl += zip(p, q).reduce(0) { $0 + $1.0 * Foundation.log($1.0 / $1.1) }
                hard -= Foundation.log(softmax(st)[labels[row]])
            }
            return Double(weight) * Double(temperature * temperature) * kl / 2 + Double(1 - weight) * hard / 2
        }
        func softmax(_ x: [Double]) -> [Double] {
            let e = x.map { Foundation.exp($0 - x.max()!) }, total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        let leaf = student.requiringGradient()
        let loss = distillationLoss(studentLogits: leaf, teacherLogits: teacher, labels: labels,
                                    temperature: temperature, softWeight: weight)
        #expect(Swift.abs(Double(loss.scalar) - reference(student.scalars)) < 1e-5)
        let gradient = loss.gradient(for: leaf)
        for i in 0..<6 {
            var plus = student.scalars, minus = student.scalars
            plus[i] += 1e-3
            minus[i] -= 1e-3
            let numeric = (reference(plus) - reference(minus)) / 2e-3
            #expect(Swift.abs(Double(gradient.scalars[i]) - numeric) < 1e-4, "logit \(i)")
        }
        // Without the soft term it is the plain cross-entropy.
        let hardOnly = distillationLoss(studentLogits: student, teacherLogits: teacher, labels: labels,
                                        temperature: temperature, softWeight: 0)
        #expect(hardOnly.scalar == crossEntropy(logits: student, labels: labels).scalar)
    }

    @Test("targets travel with their examples through batches, and batchLoss sees them")
    func targetsTravel() throws {
        let data = TensorDataset(inputs: Tensor(shape: [4, 1], scalars: [0, 1, 2, 3]), labels: [0, 1, 0, 1],
                                 targets: Tensor(shape: [4, 1], scalars: [0, 10, 20, 30]))
        var generator = SeededGenerator(seed: 1)
        for batch in data.batches(size: 3, shuffledWith: &generator) {
            #expect(batch.targets!.scalars == batch.inputs.scalars.map { $0 * 10 })
        }
        var calls = 0
        let trainer = Trainer(model: Dense(inputSize: 1, outputSize: 2), optimizer: SGD(learningRate: 0.1),
                              batchSize: 2)
        trainer.batchLoss = { logits, batch in
            calls += 1
            #expect(batch.targets!.scalars == batch.inputs.scalars.map { $0 * 10 })
            return crossEntropy(logits: logits, labels: batch.labels)
        }
        try trainer.fit(data, epochs: 1)
        #expect(calls == 2)
    }
}
