// BatchNorm folded into the convolutions must not change what the model computes: the folded and layer-by-layer
// passes agree within 1e-4, and the model only switches to the folded pass when no weight gradient can be asked of
// it (pixel gradients of a frozen model go through it).

import Engine
import Foundation
import NN
import Testing
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

@Suite("BatchNorm folding")
struct FusionTests {
    /// A random Lite0 whose BatchNorms are far from the identity (fresh ones would make folding trivially right).
    static func model() -> EfficientNetLite0 {
        let model = EfficientNetLite0(classCount: 10, seed: 5)
        var generator = SeededGenerator(seed: 9)
        for (name, parameter) in model.namedParameters where name.contains("_bn") {
            let n = parameter.shape[0]
            let values: [Float]
            switch name.split(separator: ".").last! {
            case "weight": values = (0..<n).map { _ in Float.random(in: 0.5...1.5, using: &generator) }
            case "bias": values = (0..<n).map { _ in Float.random(in: -0.3...0.3, using: &generator) }
            case "running_mean": values = (0..<n).map { _ in Float.random(in: -0.5...0.5, using: &generator) }
            default: values = (0..<n).map { _ in Float.random(in: 0.2...2, using: &generator) }
            }
            parameter.assign(Tensor(shape: [n], scalars: values))
        }
        return model
    }

    static let pixels = Tensor.random(uniform: [2, 64, 64, 3], seed: 3)

    @Test("folded and layer-by-layer logits agree within 1e-4")
    func foldedMatchesUnfolded() {
        let model = Self.model()
        let unfolded = model(Self.pixels)          // recording a graph: the layer-by-layer pass
        #expect(unfolded.requiresGradient)
        let folded = model.folded()(Self.pixels)
        let automatic = withoutGradients { model(Self.pixels) }
        #expect(folded.shape == [2, 10])
        let scale = max(unfolded.scalars.map(abs).max()!, 1)
        print("folding: max |logit difference| = \(folded.maxAbsoluteDifference(to: unfolded)), scale \(scale)")
        #expect(folded.maxAbsoluteDifference(to: unfolded.detached()) <= 1e-4 * scale)
        #expect(automatic.maxAbsoluteDifference(to: folded) == 0)
    }

    @Test("folded feature maps match at the stem, a block and the head")
    func featureMapsMatch() {
        let model = Self.model(), folded = model.folded()
        for depth in [NetworkDepth.stem, .block(4), .head] {
            let expected = model.featureMaps(of: Self.pixels, at: depth).detached()
            let actual = folded.featureMaps(of: Self.pixels, at: depth)
            #expect(actual.shape == expected.shape)
            #expect(actual.maxAbsoluteDifference(to: expected) <= 1e-4 * max(expected.scalars.map(abs).max()!, 1))
        }
    }

    @Test("training phase and gradients still go through BatchNorm layer by layer")
    func gradientsUnaffected() {
        let model = Self.model()
        model.freeze()
        let x = Self.pixels.requiringGradient()
        let gradient = crossEntropy(logits: model(x), labels: [1, 2]).gradient(for: x)
        #expect(gradient.shape == x.shape)
        #expect(gradient.scalars.contains { $0 != 0 })
        // In the training phase the model must not fold: a trainable BatchNorm normalizes with the batch's
        // statistics, which differ from the running ones (the stem has no dropout to blur the comparison).
        model.unfreeze()
        let training = withoutGradients {
            withLearningPhase(.training) { model.featureMaps(of: Self.pixels, at: .stem) }
        }
        let inference = withoutGradients { model.featureMaps(of: Self.pixels, at: .stem) }
        #expect(training.maxAbsoluteDifference(to: inference) > 1e-3)
    }

    @Test("with frozen weights the pixel gradient goes through the folded pass and matches the layer-by-layer one")
    func foldedPixelGradient() {
        let model = Self.model()
        let x = Self.pixels.requiringGradient()
        // A random projection of mid-network activations: a gradient of a useful size at every pixel.
        let projection = Tensor.random(normal: model.featureMaps(of: Self.pixels, at: .block(5)).shape, seed: 4)
        func loss() -> Tensor { (model.featureMaps(of: x, at: .block(5)) * projection).sum() }
        // Trainable weights: the layer-by-layer pass (a weight gradient could be asked of it).
        let layered = loss().gradient(for: x)
        model.freeze()
        let folded = loss().gradient(for: x)
        let scale = layered.scalars.map(abs).max()!
        print("folding: max |pixel-gradient difference| = \(folded.maxAbsoluteDifference(to: layered)), scale \(scale)")
        #expect(folded.maxAbsoluteDifference(to: layered) <= 1e-3 * scale)
        #expect(folded.maxAbsoluteDifference(to: layered) > 0)   // really a different pass
    }

    @Test("the folded form follows changed weights (checkpoint loads, optimizer steps)")
    func foldedFollowsChanges() {
        let model = Self.model()
        let before = withoutGradients { model(Self.pixels) }
        let head = model.namedParameters.first { $0.name == "_conv_head.weight" }!.parameter
        head.assign(head.value * 1.5)
        let after = withoutGradients { model(Self.pixels) }
        let unfolded = model(Self.pixels).detached()
        #expect(after.maxAbsoluteDifference(to: before) > 1e-3)
        #expect(after.maxAbsoluteDifference(to: unfolded) <= 1e-4 * max(unfolded.scalars.map(abs).max()!, 1))
    }
}
