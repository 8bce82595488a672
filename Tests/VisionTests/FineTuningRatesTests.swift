import Engine
import Foundation
import Imaging
import NN
import Testing
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

@Suite("Discriminative rates, augmentation while training, cached activations")
struct FineTuningRatesTests {
    @Test("discriminative rates: classifier 1×, head `body`×, stem `stem`×, geometric in between")
    func discriminativeRates() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        let optimizer = Adam(learningRate: 1e-3)
        let factors = model.setDiscriminativeRates(on: optimizer, body: 0.1, stem: 0.01)
        #expect(model.layerGroups.count == 19 && factors.count == 19)
        #expect(abs(factors[0] - 0.01) < 1e-7 && abs(factors[17] - 0.1) < 1e-7 && factors[18] == 1)
        for index in 1..<17 { #expect(abs(factors[index] / factors[index - 1] - factors[1] / factors[0]) < 1e-4) }
        #expect(optimizer.learningRateMultiplier(of: model.stem.weight) == factors[0])
        #expect(optimizer.learningRateMultiplier(of: model.blocks[7].projectConv.weight) == factors[8])
        #expect(optimizer.learningRateMultiplier(of: model.classifier.weight) == 1)
        // Every weight belongs to exactly one group.
        let grouped = model.layerGroups.flatMap { $0.layers.flatMap(\.weights) }.map(ObjectIdentifier.init)
        #expect(Set(grouped).count == grouped.count && grouped.count == model.weights.count)
    }

    @Test("unfreezeAll trains every convolution and the classifier, BatchNorm frozen unless asked")
    func unfreezeAll() {
        let model = EfficientNetLite0(classCount: 3, seed: 1)
        model.freeze()
        model.unfreezeAll()
        let batchNormWeights = model.batchNormLayers.flatMap(\.weights).count
        #expect(model.trainableParameters.count == model.weights.count - batchNormWeights)
        model.unfreezeAll(batchNormTrainable: true)
        #expect(model.trainableParameters.count == model.weights.count)
    }

    @Test("AugmentingLayer augments only in the training phase and exposes the model's parameters")
    func augmentingLayer() {
        let model = Dense(inputSize: 2 * 2 * 3, outputSize: 2, seed: 1)
        let flatten = Sequential(Flatten(), model)
        let layer = AugmentingLayer(flatten, augmentation: RandomHorizontalFlip(probability: 1), seed: 3)
        let pixels = Tensor.random(uniform: [1, 2, 2, 3], seed: 5)
        let flipped = Tensor(stacking: [Image(pixels, index: 0).flippedHorizontally()])
        #expect(withoutGradients { layer(pixels) } == withoutGradients { flatten(pixels) })
        let training = withLearningPhase(.training) { withoutGradients { layer(pixels) } }
        #expect(training.maxAbsoluteDifference(to: withoutGradients { flatten(flipped) }) < 1e-6)
        #expect(layer.namedParameters.map(\.name) == flatten.namedParameters.map(\.name))
    }

    @Test("cached activations are keyed by the frozen weights: a different network never reads them")
    func cachedActivations() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = FeatureCache(directory: folder)
        let pictures = PixelDataset(name: "tiny", width: 4, height: 4, channels: 1,
                                    bytes: (0..<48).map { UInt8($0 * 5) }, labels: [0, 1, 1], classNames: ["a", "b"])
        let subset = pictures.subset([2, 0])
        let first = EfficientNetLite0(classCount: 2, seed: 1), second = EfficientNetLite0(classCount: 2, seed: 2)
        let computed = try first.cachedActivations(of: subset, before: 3, inputSize: 32, cache: cache)
        let reread = try first.cachedActivations(of: subset, before: 3, inputSize: 32, cache: cache)
        let other = try second.cachedActivations(of: subset, before: 3, inputSize: 32, cache: cache)
        #expect(!computed.wasCached && reread.wasCached && !other.wasCached)
        #expect(reread.dataset.inputs == computed.dataset.inputs && reread.dataset.labels == [1, 0])
        #expect(other.dataset.inputs != computed.dataset.inputs)
        // Training a block after the cut does not change the key; training one before it does.
        #expect(first.prefixFingerprint(before: 3) == first.prefixFingerprint(before: 3))
        first.blocks[5].projectConv.weight.assign(Tensor(zeros: first.blocks[5].projectConv.weight.shape))
        #expect(try first.cachedActivations(of: subset, before: 3, inputSize: 32, cache: cache).wasCached)
        first.blocks[1].projectConv.weight.assign(Tensor(zeros: first.blocks[1].projectConv.weight.shape))
        #expect(try !first.cachedActivations(of: subset, before: 3, inputSize: 32, cache: cache).wasCached)
    }
}
