import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 02's lab: a head trained on real frozen Lite0 features of Fashion-MNIST, measured on pictures the
/// student's code never sees. The features are computed once (a minute or two) and cached under .grader/cache.
extension Lesson02 {
    /// Embeddings with labels and a class count → a trained head (embeddings → logits).
    public typealias TrainHead = @Sendable (_ features: TensorDataset, _ classCount: Int) -> any Layer

    /// The side the gray 28×28 pictures are upscaled to before the frozen network (as in lesson 2's quick run).
    static let headInputSize = 112
    /// Test accuracy bars: below what a linear head with Adam reaches on these features (measured: 0.76 with 20
    /// pictures per class, 0.69 with 5; an untrained head 0.09), so a reasonable head passes and a broken one fails.
    static let headBars: [(perClass: Int, accuracy: Double)] = [(20, 0.70), (5, 0.60)]

    public static func trainHeadChecks(_ train: @escaping TrainHead) -> ExerciseChecks {
        ExerciseChecks(
            id: "train-head", lesson: 2, file: "TrainHead.swift", function: "trainedHead(on:classCount:)",
            checks: [
                Check(
                    id: "train-head/logits",
                    name: "the head maps [N, 1280] embeddings to [N, 10] logits (features computed once and cached)",
                    timeLimit: 300, memoryLimitMegabytes: 3072
                ) {
                    let (training, test) = try fashionFeatures(perClass: 20)
                    let head = train(training, 10)
                    let logits = withoutGradients { head(test.inputs.detached()) }
                    guard logits.shape == [test.count, 10] else {
                        throw CheckFailure(
                            input: "\(test.count) test embeddings [\(test.count), 1280]",
                            expected: "logits of shape [\(test.count), 10]",
                            got: "shape \(Lab.describe(shape: logits.shape))")
                    }
                },
                Check(
                    id: "train-head/twenty-per-class",
                    name: "20 training pictures per class: test accuracy ≥ 0.70 on 500 held-back pictures",
                    timeLimit: 300, memoryLimitMegabytes: 3072
                ) {
                    try grade(train, perClass: headBars[0].perClass, bar: headBars[0].accuracy)
                },
                Check(
                    id: "train-head/five-per-class",
                    name: "5 training pictures per class: test accuracy ≥ 0.60 on the same 500",
                    timeLimit: 300, memoryLimitMegabytes: 3072
                ) {
                    try grade(train, perClass: headBars[1].perClass, bar: headBars[1].accuracy)
                },
            ])
    }

    static func grade(_ train: TrainHead, perClass: Int, bar: Double) throws {
        let (training, test) = try fashionFeatures(perClass: perClass)
        let head = train(training, 10)
        let input = "Lite0 features of \(training.count) Fashion-MNIST training pictures (\(perClass) per class, "
            + "\(headInputSize) px); \(test.count) test pictures held back"
        let logits = withoutGradients { withLearningPhase(.inference) { head(test.inputs.detached()) } }
        guard logits.shape == [test.count, 10] else {
            throw CheckFailure(
                input: input, expected: "logits of shape [\(test.count), 10]",
                got: "shape \(Lab.describe(shape: logits.shape))")
        }
        let evaluation = Trainer.evaluate(head, on: test)
        guard evaluation.accuracy >= bar else {
            let chance = evaluation.accuracy < 0.2 ? " — about chance: is the head trained at all?" : ""
            throw CheckFailure(
                input: input, expected: "test accuracy ≥ \(formatted(Float(bar)))",
                got: "test accuracy \(formatted(Float(evaluation.accuracy))) "
                    + "(loss \(formatted(Float(evaluation.loss))))",
                detail: "your head reached \(String(format: "%.1f", evaluation.accuracy * 100))% on the held-back "
                    + "pictures; needs \(String(format: "%.0f", bar * 100))%\(chance)")
        }
    }

    /// Lite0 features of `perClass` training pictures per class and of 50 test pictures per class (all seeded),
    /// from the cache when they are there.
    public static func fashionFeatures(perClass: Int) throws -> (training: TensorDataset, test: TensorDataset) {
        let all = try LabCache.dataset(named: "lesson02-fashion-train-20-lite0-\(headInputSize)px") {
            let data = try FashionMNIST.load(.training)
            let indices = balancedSample(labels: data.labels, perClass: 20, seed: 2002)
            let features = try Lab.pretrainedModel().extractFeatures(of: data, at: indices, inputSize: headInputSize)
            return TensorDataset(inputs: features, labels: indices.map { data.labels[$0] })
        }
        let test = try LabCache.dataset(named: "lesson02-fashion-test-50-lite0-\(headInputSize)px") {
            let data = try FashionMNIST.load(.test)
            let indices = balancedSample(labels: data.labels, perClass: 50, seed: 2003)
            let features = try Lab.pretrainedModel().extractFeatures(of: data, at: indices, inputSize: headInputSize)
            return TensorDataset(inputs: features, labels: indices.map { data.labels[$0] })
        }
        guard perClass < 20 else { return (all, test) }
        return (all.subset(balancedSample(labels: all.labels, perClass: perClass, seed: 2004)), test)
    }
}
