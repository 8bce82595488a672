import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 06's lab: an ideal image on the real Lite0 that is both convincing (p ≥ 0.9) and smooth (a bound on
/// total variation), for a class and a size the check chooses.
extension Lesson06 {
    /// A class, a size and the pretrained model → `[1, size, size, 3]` pixels.
    public typealias SmoothIdealImage = @Sendable (_ target: Int, _ size: Int, _ model: EfficientNetLite0) -> Tensor

    /// The probability the target must reach.
    static let idealProbabilityBar: Float = 0.9
    /// The largest total variation accepted (per value, as `totalVariation(_:)` counts it). Measured with the
    /// solution's recipe at these sizes: λ = 0 gives 0.23, λ = 300 0.034, λ = 1000 0.005–0.012.
    static let idealTotalVariationBound: Float = 0.025

    public static func smoothIdealImageChecks(_ generate: @escaping SmoothIdealImage) -> ExerciseChecks {
        ExerciseChecks(
            id: "smooth-ideal-image", lesson: 6, file: "SmoothIdealImage.swift",
            function: "smoothIdealImage(of:size:model:)",
            checks: [
                Check(
                    id: "smooth-ideal-image/goldfinch",
                    name: "goldfinch (11) at 128×128: p ≥ 0.9 with total variation ≤ 0.025",
                    timeLimit: 240, memoryLimitMegabytes: 3072
                ) {
                    try grade(generate, target: 11, size: 128)
                },
                Check(
                    id: "smooth-ideal-image/lemon",
                    name: "lemon (951) at 112×112: p ≥ 0.9 with total variation ≤ 0.025",
                    timeLimit: 240, memoryLimitMegabytes: 3072
                ) {
                    try grade(generate, target: 951, size: 112)
                },
            ])
    }

    static func grade(_ generate: SmoothIdealImage, target: Int, size: Int) throws {
        let model = try Lab.pretrainedModel()
        let labels = model.labels
        let input = "target \(labels[target]) (\(target)), size \(size)"
        let pixels = generate(target, size, model)
        let shape = [1, size, size, 3]
        guard pixels.shape == shape else {
            throw CheckFailure(
                input: input, expected: "pixels of shape \(Lab.describe(shape: shape))",
                got: "shape \(Lab.describe(shape: pixels.shape))")
        }
        let outside = pixels.scalars.filter { !($0 >= -1e-6 && $0 <= 1 + 1e-6) }.count
        guard outside == 0 else {
            throw CheckFailure(
                input: input, expected: "every value in [0, 1]",
                got: "\(outside) values outside [0, 1] (or not numbers)",
                detail: "clamp the picture to [0, 1] after every step")
        }
        let probabilities = Lab.probabilities(of: pixels, model: model)
        let variation = withoutGradients { totalVariation(pixels.detached()).scalar }
        let top1 = Lab.ranking(probabilities, count: 1)[0]
        let measured = "p = \(formatted(probabilities[target])) for \(labels[target]) (top-1 "
            + "\(Lab.describe(top1, probability: probabilities[top1], labels: labels))), total variation "
            + formatted(variation)
        let expected = "p ≥ \(formatted(idealProbabilityBar)) and total variation ≤ "
            + formatted(idealTotalVariationBound)
        guard probabilities[target] >= idealProbabilityBar else {
            throw CheckFailure(
                input: input, expected: expected, got: measured,
                detail: "your picture reached p = \(formatted(probabilities[target])) for \(labels[target]); needs "
                    + "≥ \(formatted(idealProbabilityBar)) (more steps, or a smaller λ)")
        }
        guard variation <= idealTotalVariationBound else {
            throw CheckFailure(
                input: input, expected: expected, got: measured,
                detail: "total variation \(formatted(variation)) is above \(formatted(idealTotalVariationBound)): add "
                    + "λ · totalVariation(pixels) to the loss (λ in the hundreds or thousands)")
        }
    }
}
