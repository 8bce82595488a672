import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 05's lab: a targeted attack on the real Lite0, judged after the 8-bit PNG round trip, on photos,
/// targets and budgets the check chooses.
extension Lesson05 {
    /// A photo on the 8-bit grid, a target class, an L∞ budget and the pretrained model → adversarial pixels.
    public typealias TargetedAttack =
        @Sendable (_ photo: Tensor, _ target: Int, _ epsilon: Float, _ model: EfficientNetLite0) -> Tensor

    public static func targetedAttackChecks(_ attack: @escaping TargetedAttack) -> ExerciseChecks {
        ExerciseChecks(
            id: "targeted-attack", lesson: 5, file: "TargetedAttack.swift",
            function: "targetedAttack(on:target:epsilon:model:)",
            checks: [
                // One FGSM step reaches neither target at these budgets; PGD needs about 25 and 10 steps.
                Check(
                    id: "targeted-attack/giraffe-to-lemon",
                    name: "giraffe.jpg becomes a lemon (951) with ε = 2/255, after the PNG round trip",
                    timeLimit: 180, memoryLimitMegabytes: 3072
                ) {
                    try grade(attack, photo: "giraffe.jpg", target: 951, levels: 2)
                },
                Check(
                    id: "targeted-attack/chelsea-to-zebra",
                    name: "chelsea.png becomes a zebra (340) with ε = 2/255, after the PNG round trip",
                    timeLimit: 180, memoryLimitMegabytes: 3072
                ) {
                    try grade(attack, photo: "chelsea.png", target: 340, levels: 2)
                },
            ])
    }

    /// Runs the student's attack on `photo` (framed and on the 8-bit grid) and fails unless the PNG of the result
    /// is within `levels`/255 of the photo and the network's top-1 answer for it is `target`.
    static func grade(_ attack: TargetedAttack, photo name: String, target: Int, levels: Int) throws {
        let model = try Lab.pretrainedModel()
        let labels = model.labels
        let original = try Lab.framedOn8BitGrid(try Lab.photo(name), model: model)
        let pixels = Tensor(original)
        let epsilon = Float(levels) / 255
        let input = "\(name) framed to 224×224, target \(labels[target]) (\(target)), ε = \(levels)/255"
        let result = attack(pixels, target, epsilon, model)
        guard result.shape == pixels.shape else {
            throw CheckFailure(
                input: input, expected: "pixels of shape \(Lab.describe(shape: pixels.shape))",
                got: "shape \(Lab.describe(shape: result.shape))", detail: "return the photo's shape")
        }
        if let bad = result.scalars.firstIndex(where: { !$0.isFinite }) {
            throw CheckFailure(
                input: input, expected: "finite pixel values in [0, 1]", got: "\(result.scalars[bad]) at index \(bad)",
                detail: "your picture holds a value that is not a number")
        }
        let saved = Tensor(try Lab.roundTripped(Image(result)))
        let largest = saved.maxAbsoluteDifference(to: pixels)
        let levelsMoved = (largest * 255 * 10).rounded() / 10
        // The PNG keeps [0, 1] whatever the attack returns: values outside are clipped by the file itself.
        let outside = result.scalars.filter { $0 < -1e-6 || $0 > 1 + 1e-6 }.count
        guard largest <= epsilon + 1e-4 else {
            let changes = zip(saved.scalars, pixels.scalars).map { abs($0 - $1) }
            let index = changes.indices.max { changes[$0] < changes[$1] }!
            let (pixel, channel) = (index / 3, index % 3)
            throw CheckFailure(
                input: input, expected: "every value within \(levels)/255 of the photo",
                got: "a change of \(formatted(levelsMoved))/255 at x \(pixel % 224), y \(pixel / 224), "
                    + "channel \(channel)",
                detail: "the perturbation leaves the ε-box: project every step back into "
                    + "[photo − ε, photo + ε] ∩ [0, 1]")
        }
        let before = Lab.probabilities(of: result.clamped(min: 0, max: 1), model: model)
        let after = Lab.probabilities(of: saved, model: model)
        let top1 = Lab.ranking(after, count: 1)[0]
        guard top1 == target else {
            let beforeTop1 = Lab.ranking(before, count: 1)[0]
            let rounding = beforeTop1 == target
                ? "; before the round trip it was top-1 (p = \(formatted(before[target]))): round your iterates to "
                    + "8-bit levels, or keep going until the target wins by a margin"
                : ""
            throw CheckFailure(
                input: input, expected: "top-1 \(labels[target]) (\(target)) after the 8-bit PNG round trip",
                got: "top-1 \(Lab.describe(top1, probability: after[top1], labels: labels))",
                detail: "your attack reached p = \(formatted(after[target])) for \(labels[target]) after the PNG round "
                    + "trip; needs top-1" + rounding
                    + (outside > 0 ? " (\(outside) values were outside [0, 1] and the PNG clipped them)" : ""))
        }
    }
}
