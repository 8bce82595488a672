import Engine
import NN
import Testing
@testable import Vision

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
}
