// Total variation and adversarial attacks; the attack tests run the real pretrained Lite0 and reproduce the
// PyTorch reference (Tests/Reference/README.md, `fgsm_dog_to285.png`).

import Engine
import Foundation
import Imaging
import Testing
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

@Suite("Total variation")
struct TotalVariationTests {
    @Test("total variation of a small picture, by hand")
    func value() {
        // One channel, 2×3: rows [0 1 3], [2 2 2]. Vertical |Δ|: 2, 1, 1; horizontal: 1, 2, 0, 0.
        // Sum 7 over 6 values.
        let x = Tensor(shape: [1, 2, 3, 1], scalars: [0, 1, 3, 2, 2, 2])
        #expect(abs(totalVariation(x).scalar - 7.0 / 6) < 1e-6)
        #expect(totalVariation(Tensor(repeating: 0.3, shape: [2, 5, 4, 3])).scalar == 0)
    }

    @Test("the gradient of total variation matches central finite differences")
    func gradientMatchesFiniteDifferences() {
        let x = Tensor.random(uniform: [1, 5, 6, 3], seed: 8)
        let leaf = x.requiringGradient()
        let gradient = totalVariation(leaf).gradient(for: leaf)
        let h: Float = 1e-3
        var checked = 0
        for i in 0..<x.scalarCount {
            // TV is piecewise linear: skip the few elements within h of a kink, where differences are not exact.
            let (row, column, channel) = ((i / 3) / 6, (i / 3) % 6, i % 3)
            let neighbors = [(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)]
                .filter { $0.0 >= 0 && $0.0 < 5 && $0.1 >= 0 && $0.1 < 6 }
            guard neighbors.allSatisfy({ abs(x[0, $0.0, $0.1, channel] - x.scalars[i]) > 4 * h }) else { continue }
            var plus = x.scalars, minus = x.scalars
            plus[i] += h
            minus[i] -= h
            let numeric = (Double(totalVariation(Tensor(shape: x.shape, scalars: plus)).scalar)
                - Double(totalVariation(Tensor(shape: x.shape, scalars: minus)).scalar)) / Double(2 * h)
            #expect(abs(numeric - Double(gradient.scalars[i])) < 1e-3, "element \(i)")
            checked += 1
        }
        #expect(checked > 60)
        // Each gradient is a sum of up to four ±1/90 terms.
        #expect(gradient.scalars.allSatisfy { abs($0 * 90 - ($0 * 90).rounded()) < 1e-4 && abs($0) <= 4.0 / 90 + 1e-6 })
    }
}

@Suite("Ideal images and adversarial attacks on the real Lite0", .serialized)
struct AttackTests {
    @Test("the ε-box keeps values on 8-bit levels within ε of the original")
    func quantizedBox() {
        let original = Tensor(shape: [1, 1, 4, 1], scalars: [0, 10 / 255, 128 / 255, 1])
        let box = QuantizedBox(around: original, epsilon: 2 / 255)
        let projected = box.projected(Tensor(shape: [1, 1, 4, 1], scalars: [-0.5, 0.3, 0.5007, 0.99]))
        #expect(projected.scalars.map { ($0 * 255).rounded() } == [0, 12, 128, 253])
        #expect(projected.maxAbsoluteDifference(to: original) <= 2 / 255 + 1e-6)
    }

    @Test("targeted FGSM dog → 285 at ε = 2/255 reproduces PyTorch after a PNG round trip (p ≈ 0.2154)")
    func fgsmReference() throws {
        let dog = try Reference.pixels("dog")
        let attack = AdversarialAttack(goal: .targeted(285), epsilon: 2 / 255, method: .fgsm)
        let result = attack.run(on: dog, model: Reference.model)
        #expect(result.largestChange <= 2 / 255 + 1e-6)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fgsm-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(result.adversarialImage.pngData()).write(to: URL(fileURLWithPath: file))
        let reloaded = Tensor(try Image(contentsOf: file))
        #expect(reloaded == result.adversarial)
        let probabilities = withoutGradients { softmax(Reference.model(reloaded)).scalars }
        let top1 = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        let reference = Tensor(try Image(contentsOf: Reference.url("fgsm_dog_to285.png").path))
        let differing = zip(reloaded.scalars, reference.scalars).filter { $0 != $1 }.count
        print("FGSM dog→285: top-1 \(top1), p \(probabilities[285]) (PyTorch 0.2154); before p(235) "
              + "\(result.originalProbabilities[235]), p(285) \(result.originalProbabilities[285]); "
              + "\(differing) of \(reference.scalarCount) values differ from PyTorch's PNG")
        #expect(top1 == 285)
        #expect(abs(probabilities[285] - 0.2154) < 0.01)
        #expect(abs(result.originalProbabilities[235] - 0.3993) < 1e-3)
        #expect(differing < reference.scalarCount / 1000)
    }

    @Test("PGD beats FGSM at the same ε and stays in the box; untargeted FGSM changes the answer")
    func pgdAndUntargeted() throws {
        let dog = try Reference.pixels("dog")
        let pgd = AdversarialAttack(goal: .targeted(285), epsilon: 2 / 255,
                                    method: .pgd(steps: 4, stepSize: 1 / 255, randomStart: false))
        var steps: [AttackStep] = []
        let result = pgd.run(on: dog, model: Reference.model) { steps.append($0) }
        #expect(steps.count == 4 && steps[0].top1 == 235)
        #expect(result.succeeded && result.adversarialProbabilities[285] > 0.5)
        #expect(result.largestChange <= 2 / 255 + 1e-6)
        #expect(result.adversarial.scalars.allSatisfy { abs($0 * 255 - ($0 * 255).rounded()) < 1e-3 })
        let untargeted = AdversarialAttack(goal: .untargeted(trueClass: 235), epsilon: 4 / 255, method: .fgsm)
            .run(on: dog, model: Reference.model)
        print("PGD 4×1/255 within 2/255: p(285) \(result.adversarialProbabilities[285]); untargeted FGSM 4/255: "
              + "top-1 \(untargeted.adversarialTop1), p(235) \(untargeted.adversarialProbabilities[235])")
        #expect(untargeted.succeeded && untargeted.adversarialTop1 != 235)
    }

    @Test("the smallest-ε search returns the first level that works and tries the ones below")
    func smallestEpsilon() throws {
        // Dog → goldfish is hard: two PGD steps of ε fail at 1/255 and succeed a few levels higher.
        let dog = try Reference.pixels("dog")
        var tried: [(Float, Bool)] = []
        let found = AdversarialAttack.smallestEpsilon(
            levels: 1...6, on: dog, model: Reference.model,
            attack: { AdversarialAttack(goal: .targeted(1), epsilon: $0,
                                        method: .pgd(steps: 2, stepSize: $0, randomStart: false)) },
            onTry: { tried.append(($0.epsilon, $0.succeeded)) })
        let result = try #require(found)
        print("smallest ε for dog → goldfish (PGD, 2 steps of ε): \(result.epsilon * 255)/255, tried \(tried)")
        #expect(tried.count >= 2)
        #expect(tried.last!.1 && tried.dropLast().allSatisfy { !$0.1 })
        #expect(abs(result.epsilon * 255 - Float(tried.count)) < 1e-4)
        #expect(result.adversarialTop1 == 1)
    }
}
