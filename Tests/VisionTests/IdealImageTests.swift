// The pieces of an ideal-image search: the resampling op and the random transform (gradients by Engine's
// `checkGradient`, geometry by hand), the Fourier parameterization (a single frequency gives the cosine the inverse
// DFT promises), settings that name what is wrong, and a short search on the real Lite0 with NN's Adam.

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

@Suite("Resampling and random transforms")
struct ResamplingTests {
    @Test("the gradient of a rotated, zoomed, padded resampling matches finite differences")
    func resamplingGradient() {
        let map = AffineMap(a: 0.9, b: 0.2, c: -0.2, d: 0.9, tx: 1.5, ty: -2)
        for border in [BorderMode.constant(0.5), .reflect] {
            let resampling = Resampling(source: (9, 11), output: (7, 8), map: map, border: border)
            let x = Tensor.random(normal: [2, 9, 11, 3], seed: 1)
            let check = checkGradient(of: { resampled($0, by: resampling) }, at: x)
            #expect(check.worst < gradientTolerance, "\(border): \(check)")
        }
    }

    @Test("the gradient through a sampled standard transform with two copies matches finite differences")
    func transformGradient() {
        var generator = SeededGenerator(seed: 3)
        let transform = RandomTransform(RandomTransform.standard.steps + [.resize(20)])
        let x = Tensor.random(uniform: [1, 20, 20, 3], seed: 2)
        let check = checkGradient(of: { picture in
            var copy = generator
            return transform.sampledBatch(of: picture, copies: 2, using: &copy)
        }, at: x)
        #expect(check.worst < gradientTolerance, "\(check)")
        #expect(transform.sampledBatch(of: x, copies: 2, using: &generator).shape == [2, 20, 20, 3])
        let resampling = transform.sampled(height: 20, width: 20, using: &generator)   // the whole pipeline, once
        #expect((resampling.sourceHeight, resampling.outputHeight) == (20, 20))
    }

    @Test("padding then an integer jitter is an exact shift with gray where the pad shows")
    func padAndJitterShift() {
        let x = Tensor.random(uniform: [1, 6, 7, 3], seed: 3)
        var generator = SeededGenerator(seed: 1)
        // pad 2 then crop the first 2 rows and columns off: the picture comes back unshifted, 2 px larger.
        let resampling = RandomTransform([.pad(2), .jitter(1)]).sampled(height: 6, width: 7, using: &generator)
        #expect((resampling.outputHeight, resampling.outputWidth) == (10, 11))
        let y = resampled(x, by: resampling)
        #expect(y[0, 3, 4, 1] == x[0, 1, 2, 1])
        #expect(y[0, 0, 0, 0] == 0.5 && y[0, 9, 10, 2] == 0.5)
    }

    @Test("a 90° rotation moves the top-left corner to the bottom-left; resize keeps the corners")
    func rotationAndResize() {
        let x = Tensor(shape: [1, 4, 4, 1], scalars: (0..<16).map(Float.init))
        var generator = SeededGenerator(seed: 1)
        let rotated = resampled(x, by: RandomTransform([.rotate([90])]).sampled(height: 4, width: 4,
                                                                               using: &generator))
        #expect(abs(rotated[0, 3, 0, 0] - x[0, 0, 0, 0]) < 1e-4 || abs(rotated[0, 0, 3, 0] - x[0, 0, 0, 0]) < 1e-4)
        let resized = resampled(x, by: RandomTransform([.resize(7)]).sampled(height: 4, width: 4, using: &generator))
        #expect(resized.shape == [1, 7, 7, 1])
        #expect(abs(resized[0, 0, 0, 0] - 0) < 1e-5 && abs(resized[0, 6, 6, 0] - 15) < 1e-4)
        #expect(abs(resized[0, 3, 3, 0] - 7.5) < 1e-4)
    }

    @Test("wrong transform settings name the step and the value")
    func invalidSettings() {
        #expect(throws: IdealImageError.invalidSetting("transform step 2: jitter must be 1 or more (1 is no shift), got 0")) {
            try RandomTransform([.pad(2), .jitter(0)]).validate()
        }
        #expect(throws: IdealImageError.self) { try RandomTransform([.scale([1, -1])]).validate() }
    }
}

@Suite("Image parameterizations")
struct ParameterizationTests {
    @Test("one Fourier coefficient gives the cosine of its frequency, scaled by 1/f, /S and /4")
    func singleFrequency() {
        let size = 8
        let synthesis = FourierSynthesis(size: size, decayPower: 1)
        var spectrum = [Float](repeating: 0, count: 2 * 3 * size * 5)
        // Real part of channel 1 at (u = 1, v = 2): x[h, w] = 2·s·cos(2π(h + 2w)/8) / 8 / 4, s = 1/√(1/64 + 4/64).
        spectrum[(0 * 3 + 1) * size * 5 + 1 * 5 + 2] = 1
        let image = synthesis.image(fromSpectrum: Tensor(shape: [2, 3, size, 5], scalars: spectrum))
        let scale = 1 / (5.0 / 64).squareRoot()
        for h in 0..<size {
            for w in 0..<size {
                let expected = 2 * scale * cos(2 * Double.pi * Double(h + 2 * w) / 8) / 8 / 4
                #expect(abs(Double(image[0, h, w, 1]) - expected) < 1e-5)
                #expect(image[0, h, w, 0] == 0 && image[0, h, w, 2] == 0)
            }
        }
    }

    @Test("the gradient from the spectrum through color mixing and sigmoid matches finite differences")
    func fourierGradient() {
        let image = ParameterizedImage(.fourier, size: 8, seed: 1)
        let spectrum = Tensor.random(normal: image.parameter.shape, standardDeviation: 0.5, seed: 4)
        let check = checkGradient(of: { image.pixels(from: $0) }, at: spectrum)
        #expect(check.worst < gradientTolerance, "\(check)")
    }

    @Test("clamped pixels stay in [0, 1] and clamping a spectrum is refused")
    func ranges() throws {
        let pixels = ParameterizedImage(.pixels, size: 8, seed: 1)
        pixels.parameter.assign(pixels.parameter.value * 30)
        pixels.project()
        #expect(pixels.pixels().scalars.allSatisfy { (0...1).contains($0) })
        let wrong = ImageParameterization(basis: .fourier(decayPower: 1), decorrelatesColor: true, range: .clamped)
        #expect(throws: IdealImageError.self) { try wrong.validate() }
    }
}

@Suite("Ideal-image search on the real Lite0", .serialized)
struct IdealImageSearchTests {
    @Test("a few Adam steps on the spectrum, with transforms and two copies, raise the target's logit and probability")
    func fourierSearchLearns() throws {
        var seen = 0
        let search = IdealImageSearch(targetClass: 284, steps: 6, copies: 2, seed: 1)
        let result = try search.generate(with: Reference.model) { _ in seen += 1 }
        #expect(seen == 6 && result.history.count == 6)
        print("ideal cat (fourier): p(284) \(result.history[0].probability) → \(result.probability) in 6 steps")
        #expect(result.probability > 3 * result.history[0].probability)
        // The default objective is lucid's: the loss is −(mean target logit), and the logit grows.
        #expect(search.objective == .logit && abs(result.history[0].loss + result.history[0].logit) < 1e-4)
        #expect(result.history[5].logit > result.history[0].logit)
        #expect(result.pixels.scalars.allSatisfy { abs($0 * 255 - ($0 * 255).rounded()) < 1e-3 })
        #expect(Reference.model.trainableParameters.count == Reference.model.weights.count)
    }

    @Test("plain pixels with NN's Adam and cosine decay: TV enters the loss with its weight")
    func pixelSearch() throws {
        let search = IdealImageSearch.pixels(targetClass: 284, steps: 4, totalVariationWeight: 1, seed: 1)
        let result = try search.generate(with: Reference.model)
        let first = result.history[0]
        #expect(result.probability > 3 * first.probability)
        #expect(abs(first.loss - (first.crossEntropy + first.totalVariation)) < 1e-4)
    }

    @Test("a cosine schedule falls from the search's rate to 0 over its steps; zoom ranges give lucid's factors")
    func scheduleAndZoom() throws {
        let cosine = try #require(IdealImageRateSchedule.cosine.resolved(rate: 0.05, steps: 100))
        #expect(abs(cosine.learningRate(atStep: 0) - 0.05) < 1e-7 && cosine.learningRate(atStep: 100) < 1e-7)
        #expect(abs(cosine.learningRate(atStep: 50) - 0.025) < 1e-6)
        #expect(IdealImageRateSchedule.constant.resolved(rate: 0.05, steps: 100) == nil)
        #expect(RandomTransform.standard(zoom: 0.9...1.1) == RandomTransform(
            [.pad(12), .jitter(8), .scale((0...10).map { 1 + Double($0 - 5) / 50 }),
             .rotate((-10...10).map(Double.init) + Array(repeating: 0, count: 5)), .jitter(4)]))
        guard case .scale(let factors) = RandomTransform.standard(zoom: 0.9...1.3).steps[2] else {
            Issue.record("the third step is not a scale")
            return
        }
        #expect(factors.count == 21 && factors.first == 0.9 && factors.last == 1.3)
    }

    @Test("a class is named by index or label")
    func classNames() {
        #expect(ImageNet.classIndex(from: "284") == 284 && ImageNet.classIndex(from: " siamese cat") == 284)
        #expect(ImageNet.classIndex(from: "1000") == nil && ImageNet.classIndex(from: "space cat") == nil)
    }

    @Test("settings that cannot work are named")
    func invalidSearch() {
        for (search, text) in [
            (IdealImageSearch(targetClass: 1000), "target class must be 0-999, got 1000"),
            (IdealImageSearch(targetClass: 1, steps: 0), "steps must be 1 or more, got 0"),
            (IdealImageSearch(targetClass: 1, copies: 0), "copies must be 1 or more, got 0"),
            (IdealImageSearch(targetClass: 1, totalVariationWeight: -1), "total-variation weight must be 0 or more"),
        ] {
            #expect(throws: IdealImageError.self) { try search.validate() }
            #expect(((try? search.validate()).map { _ in "" } ?? "\(validationError(search))").contains(text))
        }
    }

    private func validationError(_ search: IdealImageSearch) -> String {
        do { try search.validate(); return "" } catch { return "\(error)" }
    }
}
