// The definition of "the port is right": the Swift Lite0 reproduces PyTorch's logits and gradients on the real
// weights and real photos (Tests/Reference/README.md).

import Engine
import Foundation
import Testing
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

@Suite("EfficientNet-Lite0 against PyTorch", .serialized)
struct GoldenTests {
    @Test("logits match PyTorch within 1e-3 and the top-5 classes are identical", arguments: Reference.goldenImages)
    func logitsMatch(image: String) throws {
        let logits = try withoutGradients { Reference.model(try Reference.pixels(image)) }
        let expected = try Reference.floats("logits/\(image).f32")
        #expect(logits.shape == [1, 1000])
        let error = zip(logits.scalars, expected).map { abs($0 - $1) }.max()!
        print("golden \(image): max |logit error| = \(error)")
        #expect(error <= 1e-3)
        let top5 = { (values: [Float]) in Array(values.indices.sorted { values[$0] > values[$1] }.prefix(5)) }
        #expect(top5(logits.scalars) == top5(expected))
    }

    @Test("normalizing the chelsea photo gives PyTorch's input tensor exactly")
    func normalizationMatches() throws {
        let normalized = Reference.model.preprocessing.normalized(try Reference.pixels("chelsea"))
        let expected = Reference.nhwc(fromNCHW: try Reference.floats("chelsea_input_nchw.f32"))
        #expect(normalized.maxAbsoluteDifference(to: expected) <= 1e-6)
    }

    @Test("pooled features match PyTorch's 1280-d vector")
    func pooledFeaturesMatch() throws {
        let features = try withoutGradients { Reference.model.features(try Reference.pixels("chelsea")) }
        let expected = try Reference.floats("chelsea_pooled_features.f32")
        #expect(features.shape == [1, 1280])
        #expect(zip(features.scalars, expected).map { abs($0 - $1) }.max()! <= 1e-4)
    }

    @Test("the gradient of cross-entropy to class 284 matches PyTorch's (cosine ≥ 0.999)")
    func inputGradientMatches() throws {
        let pixels = try Reference.pixels("chelsea").requiringGradient()
        let loss = crossEntropy(logits: Reference.model(pixels), labels: [284])
        #expect(abs(loss.scalar - 7.656717) < 1e-3)
        // The reference is d loss / d normalized input; ours is per [0, 1] pixel, which is that times 255/128.
        let gradient = loss.gradient(for: pixels) * (128 / 255)
        let expected = Reference.nhwc(fromNCHW: try Reference.floats("grad_chelsea_ce284.f32"))
        let cosine = cosineSimilarity(gradient.scalars, expected.scalars)
        print("golden input gradient: cosine = \(cosine), max |error| = \(gradient.maxAbsoluteDifference(to: expected))")
        #expect(cosine >= 0.999)
    }

    @Test("the model has Lite0's 4,652,008 parameters, named as in the checkpoint")
    func parameterCount() throws {
        #expect(Reference.model.parameterCount == 4_652_008)
        let keys = try String(contentsOf: Reference.url("lite0_keys.txt"), encoding: .utf8)
            .split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
            .filter { !$0.hasSuffix("num_batches_tracked") }
        #expect(Reference.model.namedParameters.map(\.name) == keys)
    }
}
