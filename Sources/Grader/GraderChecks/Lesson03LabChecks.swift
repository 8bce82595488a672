import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 03's lab: freezing the real Lite0 for fine-tuning, compared with the library's `freezeBase` weight by
/// weight, then one real training step that must leave BatchNorm's running statistics and the frozen weights alone.
extension Lesson03 {
    /// Freezes `model` except its last `trainableBlocks` blocks, the head and the classifier (BatchNorm frozen).
    public typealias PrepareForFineTuning = @Sendable (_ model: EfficientNetLite0, _ trainableBlocks: Int) -> Void

    public static func freezeChecks(_ prepare: @escaping PrepareForFineTuning) -> ExerciseChecks {
        ExerciseChecks(
            id: "freeze-blocks", lesson: 3, file: "FreezeBlocks.swift",
            function: "prepareForFineTuning(_:trainableBlocks:)",
            checks: [
                Check(
                    id: "freeze-blocks/classifier-only", name: "0 blocks: only the classifier trains (exact counts)",
                    timeLimit: 60, memoryLimitMegabytes: 3072
                ) {
                    try compareWithReference(prepare, trainableBlocks: 0)
                },
                Check(
                    id: "freeze-blocks/last-blocks",
                    name: "3, 1 and 16 blocks: the same trainable weights as freezeBase, name by name",
                    timeLimit: 90, memoryLimitMegabytes: 3072
                ) {
                    for count in [3, 1, 16] { try compareWithReference(prepare, trainableBlocks: count) }
                },
                Check(
                    id: "freeze-blocks/training-step",
                    name: "one training step (2 blocks, 4 pictures): running statistics and frozen weights unchanged",
                    timeLimit: 120, memoryLimitMegabytes: 4096
                ) {
                    try trainOneStep(prepare, trainableBlocks: 2)
                },
            ])
    }

    /// The names of the trainable weights.
    static func trainableNames(_ model: EfficientNetLite0) -> [String] {
        model.namedParameters.filter { $0.parameter.kind == .weight && $0.parameter.isTrainable }.map(\.name)
    }

    static func compareWithReference(_ prepare: PrepareForFineTuning, trainableBlocks count: Int) throws {
        let model = try Lab.pretrainedModel(), reference = try Lab.pretrainedModel()
        prepare(model, count)
        reference.freezeBase(unfreezingLast: count)
        let input = "the pretrained Lite0, trainableBlocks \(count)"
        let got = trainableNames(model), expected = trainableNames(reference)
        let extra = got.filter { !expected.contains($0) }, missing = expected.filter { !got.contains($0) }
        guard extra.isEmpty && missing.isEmpty else {
            func list(_ names: [String]) -> String {
                names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", … (\(names.count))" : "")
            }
            let batchNorm = extra.contains { name in
                model.namedLayers.contains { layer in layer.layer is BatchNorm && name.hasPrefix(layer.name + ".") }
            }
            throw CheckFailure(
                input: input, expected: reference.parameterCounts.description, got: model.parameterCounts.description,
                detail: [
                    extra.isEmpty ? nil : "trainable but should be frozen: \(list(extra))",
                    missing.isEmpty ? nil : "frozen but should train: \(list(missing))",
                    batchNorm ? "BatchNorm must stay frozen (freezeBatchNorm())" : nil,
                ].compactMap { $0 }.joined(separator: "; "))
        }
    }

    /// Prepares the model, trains it one Adam step on 4 Fashion-MNIST-sized random pictures at 64 px in the
    /// training phase, and compares every parameter and buffer with its value before the step.
    static func trainOneStep(_ prepare: PrepareForFineTuning, trainableBlocks count: Int) throws {
        let model = try Lab.pretrainedModel()
        prepare(model, count)
        let before = model.stateDictionary
        let parameters = model.trainableParameters
        let input = "trainableBlocks \(count), then one Adam step (learning rate 10⁻³) on 4 random 64×64 pictures"
        guard !parameters.isEmpty else {
            throw CheckFailure(input: input, expected: "some trainable weights", got: "every weight frozen")
        }
        let pixels = Tensor.random(uniform: [4, 64, 64, 3], seed: 31)
        let optimizer = Adam(learningRate: 1e-3)
        withLearningPhase(.training) {
            let loss = crossEntropy(logits: model(pixels), labels: [1, 281, 285, 340])
            optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
        }
        let after = model.stateDictionary
        let weightKinds = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter) })
        var drifted: [String] = [], movedFrozen: [String] = [], stuck: [String] = []
        for (name, old) in before {
            let changed = after[name]!.maxAbsoluteDifference(to: old) > 0
            let parameter = weightKinds[name]!
            if parameter.kind == .buffer {
                if changed && !name.hasSuffix("num_batches_tracked") { drifted.append(name) }
            } else if parameter.isTrainable {
                if !changed { stuck.append(name) }
            } else if changed {
                movedFrozen.append(name)
            }
        }
        func list(_ names: [String]) -> String {
            let sorted = names.sorted()
            return sorted.prefix(3).joined(separator: ", ") + (sorted.count > 3 ? ", … (\(sorted.count) in all)" : "")
        }
        if !drifted.isEmpty {
            throw CheckFailure(
                input: input, expected: "every BatchNorm running statistic unchanged",
                got: "\(drifted.count) running statistics changed: \(list(drifted))",
                detail: "a trainable BatchNorm normalizes with batch statistics while training and overwrites its "
                    + "ImageNet statistics; freeze every BatchNorm (freezeBatchNorm())")
        }
        if !movedFrozen.isEmpty {
            throw CheckFailure(
                input: input, expected: "frozen weights unchanged",
                got: "\(movedFrozen.count) moved: \(list(movedFrozen))")
        }
        let classifierStuck = stuck.filter { $0.hasPrefix("_fc.") }
        if !classifierStuck.isEmpty {
            throw CheckFailure(
                input: input, expected: "the classifier's weights to move", got: "unchanged: \(list(classifierStuck))")
        }
    }
}
