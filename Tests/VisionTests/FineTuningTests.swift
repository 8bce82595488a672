import Engine
import Foundation
import NN
import Testing
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

@Suite("Fine-tuning Lite0")
struct FineTuningTests {
    /// A small random batch; Lite0 works at any size divisible by 32.
    let pixels = Tensor.random(uniform: [2, 32, 32, 3], seed: 3)

    @Test("freezing the base leaves only the classifier, or also the last blocks and head, trainable")
    func counts() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        model.freezeBase()
        #expect(model.parameterCounts.trainable == 1280 * 3 + 3)
        #expect(model.parameterCounts.total == model.parameterCount)

        model.freezeBase(unfreezingLast: 2)
        // Block 14 (192→1152→192, 5×5 depthwise), block 15 (192→1152→320, 3×3), head 320→1280, classifier;
        // BatchNorm stays frozen.
        let block14 = 192 * 1152 + 1152 * 25 + 1152 * 192
        let block15 = 192 * 1152 + 1152 * 9 + 1152 * 320
        #expect(model.parameterCounts.trainable == block14 + block15 + 320 * 1280 + 1280 * 3 + 3)
        #expect(model.batchNormLayers.allSatisfy { !$0.weight.isTrainable })

        model.freezeBase(unfreezingLast: 2, batchNormTrainable: true)
        let tailNorms = (model.blocks[14].batchNormLayers + model.blocks[15].batchNormLayers).count
        #expect(model.batchNormLayers.filter(\.weight.isTrainable).count == tailNorms + 1)  // + the head's
    }

    @Test("the tail on cached activations computes the same logits as the whole network")
    func tailMatchesModel() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        let whole = withoutGradients { model(pixels) }
        for index in [0, 13, 16] {
            let tail = model.tail(from: index)
            let split = withoutGradients { tail(model.activations(of: pixels, before: index)) }
            #expect(split.maxAbsoluteDifference(to: whole) < 1e-4, "split at block \(index)")
        }
        #expect(model.tail(from: 14).namedParameters.map(\.name).first == "_blocks.14._expand_conv.weight")
    }

    @Test("fine-tuning steps change only unfrozen weights and no BatchNorm statistics")
    func frozenBatchNormDuringFineTuning() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        model.freezeBase(unfreezingLast: 2)
        let before = model.stateDictionary
        let optimizer = Adam(learningRate: 1e-3)
        let parameters = model.trainableParameters
        for _ in 0..<2 {
            withLearningPhase(.training) {
                let loss = crossEntropy(logits: model(pixels), labels: [0, 2])
                optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
            }
        }
        let after = model.stateDictionary
        for (name, value) in before {
            let changed = after[name]! != value
            let shouldChange = (name.hasPrefix("_blocks.14.") || name.hasPrefix("_blocks.15.")
                                || name.hasPrefix("_conv_head") || name.hasPrefix("_fc"))
                && !name.contains("._bn") && !name.hasPrefix("_bn")
            #expect(changed == shouldChange, "\(name) changed: \(changed)")
        }
    }

    @Test("with trainable BatchNorm, only the unfrozen blocks' statistics move")
    func trainableBatchNorm() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        model.freezeBase(unfreezingLast: 1, batchNormTrainable: true)
        let before = model.stateDictionary
        _ = withLearningPhase(.training) { model(pixels) }
        let after = model.stateDictionary
        #expect(after["_blocks.15._bn0.running_mean"] != before["_blocks.15._bn0.running_mean"])
        #expect(after["_blocks.14._bn0.running_mean"] == before["_blocks.14._bn0.running_mean"])
        #expect(after["_bn0.running_mean"] == before["_bn0.running_mean"])
    }

    @Test("ModelCheckpoint.safetensors writes the best epoch's weights, reloadable by name")
    func safetensorsCheckpoint() throws {
        let folder = try temporaryFolder("checkpoint")
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = Tensor(shape: [4, 2], scalars: [1, 0, 0, 1, -1, 0, 0, -1])
        let data = TensorDataset(inputs: inputs, labels: [0, 1, 0, 1])
        let model = Dense(inputSize: 2, outputSize: 2, seed: 1)
        let path = folder.appendingPathComponent("best.safetensors").path
        let checkpoint = ModelCheckpoint.safetensors(path: path, monitor: .loss)
        let trainer = Trainer(model: model, optimizer: SGD(learningRate: 0.1), batchSize: 4, callbacks: [checkpoint])
        try trainer.fit(data, epochs: 3)
        #expect(checkpoint.savedEpochs == [1, 2, 3])  // full-batch gradient descent lowers the loss every epoch
        let reloaded = Dense(inputSize: 2, outputSize: 2, seed: 9)
        try reloaded.loadWeights(from: path)
        #expect(reloaded.stateDictionary == model.stateDictionary)
    }
}
