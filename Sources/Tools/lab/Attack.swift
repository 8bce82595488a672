import ArgumentParser
import Engine
import Foundation
import Imaging
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change a photo imperceptibly so the pretrained network names another class.",
        discussion: """
            An L-infinity attack: no pixel value moves by more than epsilon (in pixel units, 1/255 is one 8-bit \
            level). The photo is framed to 224x224 as the model expects; the result is written at that size and, \
            since every step stays on 8-bit levels, still fools the network after saving. Without --target the \
            attack only pushes the photo away from its current top class.
            Examples:
              swift run lab attack Assets/photos/dog.jpg --target 285 -o dog-as-cat.png
              swift run lab attack dog.png --target "Siamese cat" --epsilon 2/255 --method fgsm -o adv.png
              swift run lab attack dog.png --epsilon 1/255 --method pgd --steps 20 -o confused.png
            """)

    @Argument(help: "The PNG or JPEG photo to attack.")
    var photo: String

    @Option(help: "The class to turn the photo into: an index 0-999 or a name. Omit for an untargeted attack.")
    var target: String?

    @Option(help: "The largest change per value, as a fraction such as 4/255 or a number such as 0.0157.")
    var epsilon = "4/255"

    @Option(help: "fgsm (one step of epsilon) or pgd (repeated small steps, projected back).")
    var method = "pgd"

    @Option(help: "PGD: the number of steps.")
    var steps = 10

    @Option(help: "PGD: the step size, like --epsilon (default: epsilon/4, at least 1/255).")
    var stepSize: String?

    @Option(name: [.short, .customLong("output")], help: "Where to write the adversarial PNG.")
    var output = "adversarial.png"

    func validate() throws {
        if let target { _ = try parseClass(target) }
        // Photos are 8-bit: a change below one level rounds away when the result is saved.
        guard try parseEpsilon(epsilon, option: "--epsilon") * 255 >= 0.999 else {
            throw ValidationError("--epsilon must be at least 1/255 (one 8-bit level) to change a saved picture, "
                                  + "got \(epsilon)")
        }
        if let stepSize { _ = try parseEpsilon(stepSize, option: "--step-size") }
        guard ["fgsm", "pgd"].contains(method) else {
            throw ValidationError("--method must be fgsm or pgd, got \"\(method)\"")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard output.hasSuffix(".png") else { throw ValidationError("--output must name a .png file, got \(output)") }
    }

    func run() throws {
        let image: Image
        do {
            image = try Image(contentsOf: photo)
        } catch {
            throw LabFailure(description: "\(error)")
        }
        let model = try EfficientNetLite0.pretrained()
        let pixels = Tensor(model.preprocessing.framed(image))
        let before = model.probabilities(of: pixels)
        printTopFive("\(photo) before", probabilities: before)

        let epsilon = try parseEpsilon(self.epsilon, option: "--epsilon")
        let goal: AttackGoal = try target.map { .targeted(try parseClass($0)) }
            ?? .untargeted(trueClass: before.indices.max { before[$0] < before[$1] }!)
        let step = try stepSize.map { try parseEpsilon($0, option: "--step-size") }
            ?? max(((epsilon * 255 / 4).rounded()) / 255, 1 / 255)
        let attack = AdversarialAttack(goal: goal, epsilon: epsilon,
                                       method: method == "fgsm" ? .fgsm
                                           : .pgd(steps: steps, stepSize: step, randomStart: false))
        let goalName = ImageNet.labels[goal.lossClass]
        let started = Date()
        let result = attack.run(on: pixels, model: model) { progress in
            print(String(format: "step %3d  p(%@) %.4f  top-1 %@  %.1f s", progress.step, goalName,
                         progress.probability, ImageNet.labels[progress.top1], Date().timeIntervalSince(started)))
        }
        try writePNG(result.adversarialImage, to: output)
        // Re-read the file: what counts is the picture as saved.
        let saved = Tensor(try Image(contentsOf: output))
        let after = model.probabilities(of: saved)
        printTopFive("\(output) after (re-read from the PNG)", probabilities: after)
        let top1 = after.indices.max { after[$0] < after[$1] }!
        let outcome = goal.isMet(byTop1: top1) ? "succeeded" : "did not reach its goal"
        print(String(format: "the attack %@: largest change %.0f/255 (epsilon %.4f), top-1 now %@ %.2f%%", outcome,
                     result.largestChange * 255, epsilon, ImageNet.labels[top1], after[top1] * 100))
    }
}

/// A pixel-unit amount from "4/255" or "0.0157"; must lie in (0, 1].
func parseEpsilon(_ text: String, option: String) throws -> Float {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map {
        Float($0.trimmingCharacters(in: .whitespaces))
    }
    var value: Float?
    if parts.count == 1 { value = parts[0] }
    if parts.count == 2, let numerator = parts[0], let denominator = parts[1], denominator != 0 {
        value = numerator / denominator
    }
    guard let value, value.isFinite else {
        throw ValidationError("\(option) must be a number or a fraction such as 4/255, got \"\(text)\"")
    }
    guard value > 0, value <= 1 else {
        throw ValidationError("\(option) must lie in (0, 1] pixel units (e.g. 4/255), got \(text)")
    }
    return value
}
