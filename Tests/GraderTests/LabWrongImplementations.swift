import ExerciseSupport
import Foundation
import GraderChecks
import Testing
import TransferLab

/// A plausible mistake in a lab exercise, the one check that must catch it, and words its feedback must use.
/// Lab checks run the real network, so each mistake runs only the check that should catch it.
struct LabMistake: Sendable, CustomTestStringConvertible {
    var mistake: String
    var checks: ExerciseChecks
    var check: String
    var feedback: String

    init(_ mistake: String, _ checks: ExerciseChecks, caughtBy check: String, saying feedback: String) {
        self.mistake = mistake
        self.checks = checks
        self.check = check
        self.feedback = feedback
    }

    var exercise: String { checks.id }
    var testDescription: String { "\(exercise): \(mistake)" }
}

/// The library's preprocessing with one step changed: `frame` replaces the center crop and resize.
private func probabilities(_ photo: Image, _ model: EfficientNetLite0, frame: (Image) -> Image) -> [Float] {
    softmax(withoutGradients { model(Tensor(frame(photo))) }).scalars
}

/// PGD as the solution does it, with the projection and the step direction as parameters.
private func pgd(
    _ photo: Tensor, target: Int, epsilon: Float, model: EfficientNetLite0, steps: Int = 60, projects: Bool = true,
    direction: Float = -1
) -> Tensor {
    model.freeze()
    var adversarial = photo
    for _ in 0..<steps {
        let pixels = adversarial.requiringGradient()
        let logits = model(pixels)
        if direction < 0 && softmax(logits.detached()).scalars[target] > 0.6 { break }
        let gradient = crossEntropy(logits: logits, labels: [target]).gradient(for: pixels)
        var values = adversarial.scalars
        for i in values.indices {
            let sign: Float = gradient.scalars[i] > 0 ? 1 : (gradient.scalars[i] < 0 ? -1 : 0)
            let low = projects ? max(photo.scalars[i] - epsilon, 0) : 0
            let high = projects ? min(photo.scalars[i] + epsilon, 1) : 1
            values[i] = (min(max(values[i] + direction * sign / 255, low), high) * 255).rounded() / 255
        }
        adversarial = Tensor(shape: photo.shape, scalars: values)
    }
    return adversarial
}

/// The solution's ideal-image recipe with the TV weight as a parameter.
private func ideal(_ target: Int, _ size: Int, _ model: EfficientNetLite0, weight: Float) -> Tensor {
    model.freeze()
    let noise = Tensor.random(normal: [1, size, size, 3], mean: 0.5, standardDeviation: 0.05, seed: 0)
    let picture = Parameter(noise.clamped(min: 0, max: 1))
    let optimizer = Adam(learningRate: 0.02, schedule: CosineDecay(initialRate: 0.02, decaySteps: 100))
    for _ in 0..<100 {
        let loss = crossEntropy(logits: model(picture.value), labels: [target]) + weight * totalVariation(picture.value)
        optimizer.update([picture], with: loss.gradients(for: [picture.value]))
        picture.assign(picture.value.clamped(min: 0, max: 1))
    }
    return picture.value.detached()
}

let labMistakes: [LabMistake] = [
    .init(
        "squashes the photo instead of cropping the center square",
        Lesson01.classifyChecks { photo, model in probabilities(photo, model) { $0.resized(width: 224, height: 224) } },
        caughtBy: "classify-photo/odd-sizes", saying: "framed"),
    .init(
        "returns the logits",
        Lesson01.classifyChecks { photo, model in
            withoutGradients { model(Tensor(model.preprocessing.framed(photo))) }.scalars
        },
        caughtBy: "classify-photo/chelsea", saying: "softmax"),
    .init(
        "returns an untrained head",
        Lesson02.trainHeadChecks { features, classCount in
            Dense(inputSize: features.exampleShape[0], outputSize: classCount, seed: 0)
        },
        caughtBy: "train-head/twenty-per-class", saying: "chance"),
    .init(
        "leaves BatchNorm trainable, so its statistics drift",
        Lesson03.freezeChecks { model, count in model.freezeBase(unfreezingLast: count, batchNormTrainable: true) },
        caughtBy: "freeze-blocks/training-step", saying: "running statistics changed"),
    .init(
        "forgets the head convolution",
        Lesson03.freezeChecks { model, count in
            model.freeze()
            model.blocks.suffix(count).forEach { $0.unfreeze() }
            model.freezeBatchNorm()
            model.classifier.unfreeze()
        },
        caughtBy: "freeze-blocks/last-blocks", saying: "frozen but should train: _conv_head.weight"),
    .init(
        "backward forgets the x·φ(x) term",
        Lesson03.geluChecks { x in
            let cdf = x.scalars.map { 0.5 * (1 + Foundation.erf($0 / Float(2).squareRoot())) }
            let value = Tensor(shape: x.shape, scalars: zip(x.scalars, cdf).map { $0 * $1 })
            return value.recorded(from: [x]) { upstream in [upstream * Tensor(shape: x.shape, scalars: cdf)] }
        },
        caughtBy: "gelu/backward", saying: "max abs error"),
    .init(
        "never records on the tape",
        Lesson03.geluChecks { x in
            let rootTwo = Float(2).squareRoot()
            return Tensor(shape: x.shape, scalars: x.scalars.map { $0 * 0.5 * (1 + Foundation.erf($0 / rootTwo)) })
        },
        caughtBy: "gelu/on-the-tape", saying: "recorded(from:"),
    .init(
        "changes nothing",
        Lesson04.augmentationChecks { Pipeline([]) }, caughtBy: "augment-clothes/changes-pictures", saying: "random"),
    .init(
        "turns the clothes upside down",
        Lesson04.augmentationChecks { Pipeline([RandomRotation(degrees: 180, fill: .constant(0))]) },
        caughtBy: "augment-clothes/keeps-labels", saying: "stop looking like their class"),
    .init(
        "only changes the brightness",
        Lesson04.augmentationChecks { RandomBrightness(delta: -0.1...0.1) },
        caughtBy: "augment-clothes/shrinks-gap", saying: "memorizes"),
    .init(
        "forgets to project into the ε-box",
        Lesson05.targetedAttackChecks { photo, target, epsilon, model in
            pgd(photo, target: target, epsilon: epsilon, model: model, projects: false)
        },
        caughtBy: "targeted-attack/giraffe-to-lemon", saying: "ε-box"),
    .init(
        "takes one FGSM step",
        Lesson05.targetedAttackChecks { photo, target, epsilon, model in
            AdversarialAttack(goal: .targeted(target), epsilon: epsilon, method: .fgsm).run(on: photo, model: model)
                .adversarial
        },
        caughtBy: "targeted-attack/giraffe-to-lemon", saying: "needs top-1"),
    .init(
        "climbs the target's loss",
        Lesson05.targetedAttackChecks { photo, target, epsilon, model in
            pgd(photo, target: target, epsilon: epsilon, model: model, steps: 5, direction: 1)
        },
        caughtBy: "targeted-attack/chelsea-to-zebra", saying: "needs top-1"),
    .init(
        "leaves out the total-variation term",
        Lesson06.smoothIdealImageChecks { target, size, model in ideal(target, size, model, weight: 0) },
        caughtBy: "smooth-ideal-image/lemon", saying: "add λ · totalVariation"),
    .init(
        "maximizes the next class (target + 1)",
        Lesson06.smoothIdealImageChecks { target, size, model in ideal(target + 1, size, model, weight: 1000) },
        caughtBy: "smooth-ideal-image/goldfinch", saying: "needs ≥ 0.9"),
]

@Suite("Wrong lab implementations are caught by the check meant for them", .serialized)
struct LabMistakeTests {
    @Test("the check fails and says why", arguments: labMistakes)
    func caught(_ mistake: LabMistake) throws {
        let check = try #require(mistake.checks.checks.first { $0.id == mistake.check }, "no check \(mistake.check)")
        let result = CheckRunner.run(check)
        #expect(result.status == "fail", "'\(mistake.mistake)' passed \(mistake.check)")
        let feedback = result.failure.map { "\($0)" } ?? result.message ?? ""
        #expect(feedback.contains(mistake.feedback), "feedback: \(feedback)")
    }
}
