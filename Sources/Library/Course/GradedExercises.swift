// The course's graded exercises as data: which file of Exercises/lesson-NN to open, what it asks, and whether it
// is a drill on plain arrays or a lab on the real network. Lessons end by listing theirs (one line:
// `book.gradedExercises()`); the grader's catalog of checks is tested to name exactly these, in this order.

import Notebook

/// One exercise the grader checks.
public struct GradedExercise: Sendable, Equatable {
    /// What the exercise works on.
    public enum Kind: String, Sendable {
        /// A small function on plain values (`[Float]`, `Picture`), checked against a reference answer.
        case drill
        /// Code that drives the library — the real pretrained Lite0, real training — graded by what it achieves.
        case lab
    }

    /// The grader's name for it: `swift run grader --hint classify-photo`.
    public let id: String
    /// The lesson number, 1…
    public let lesson: Int
    /// The file under `Exercises/lesson-NN/`.
    public let file: String
    /// One line: what to write.
    public let summary: String
    public let kind: Kind

    public init(id: String, lesson: Int, file: String, summary: String, kind: Kind = .drill) {
        self.id = id
        self.lesson = lesson
        self.file = file
        self.summary = summary
        self.kind = kind
    }
}

/// Every graded exercise of the course, lesson by lesson, in the order the grader runs them.
public enum GradedExercises {
    public static let all: [GradedExercise] = [
        .init(id: "center-crop", lesson: 1, file: "CenterCrop.swift",
              summary: "the largest centered square of a picture"),
        .init(id: "normalize", lesson: 1, file: "Normalize.swift",
              summary: "per-channel mean/std normalization, reordered to channels-first"),
        .init(id: "softmax", lesson: 1, file: "Softmax.swift", summary: "a softmax that survives logits near 1000"),
        .init(id: "top-k", lesson: 1, file: "TopK.swift", summary: "the indices of the k largest scores"),
        .init(id: "classify-photo", lesson: 1, file: "ClassifyPhoto.swift",
              summary: "photo → framed tensor → the real Lite0 → probabilities, equal to the library's on every "
                + "sample photo and on odd sizes", kind: .lab),

        .init(id: "global-average-pool", lesson: 2, file: "GlobalAveragePool.swift",
              summary: "a feature map pooled to one number per channel"),
        .init(id: "l2-normalize", lesson: 2, file: "L2Normalize.swift", summary: "a vector scaled to unit length"),
        .init(id: "cosine-similarity", lesson: 2, file: "CosineSimilarity.swift",
              summary: "the cosine of the angle between two embeddings"),
        .init(id: "nearest-neighbors", lesson: 2, file: "NearestNeighbors.swift",
              summary: "the most similar embeddings of a query"),
        .init(id: "train-head", lesson: 2, file: "TrainHead.swift",
              summary: "a new head on frozen Lite0 features of Fashion-MNIST, graded by its accuracy on pictures it "
                + "never saw", kind: .lab),

        .init(id: "adam-step", lesson: 3, file: "AdamStep.swift", summary: "one Adam update with bias correction"),
        .init(id: "early-stopping", lesson: 3, file: "EarlyStopping.swift",
              summary: "patience, min_delta and the epoch whose weights are restored"),
        .init(id: "learning-rate-schedule", lesson: 3, file: "LearningRateSchedule.swift",
              summary: "linear warm-up then cosine decay"),
        .init(id: "freeze-blocks", lesson: 3, file: "FreezeBlocks.swift",
              summary: "freeze the real Lite0 but its last blocks, BatchNorm in inference mode: exact counts, and "
                + "running statistics unchanged after a training step", kind: .lab),
        .init(id: "gelu", lesson: 3, file: "GELU.swift",
              summary: "add GELU to the engine's tape (value and local backward), checked by finite differences and "
                + "by training a tiny network through it", kind: .lab),

        .init(id: "horizontal-flip", lesson: 4, file: "HorizontalFlip.swift",
              summary: "a picture mirrored left to right"),
        .init(id: "cutout", lesson: 4, file: "Cutout.swift", summary: "a square of zeros, clipped at the edges"),
        .init(id: "mixup", lesson: 4, file: "MixUp.swift", summary: "two pictures and their labels blended"),
        .init(id: "cutmix", lesson: 4, file: "CutMix.swift",
              summary: "a box pasted from another picture, labels by area"),
        .init(id: "augment-clothes", lesson: 4, file: "AugmentClothes.swift",
              summary: "an augmentation pipeline that keeps the labels of Fashion-MNIST photos and shrinks the "
                + "train–validation gap of a real training run", kind: .lab),

        .init(id: "cross-entropy-gradient", lesson: 5, file: "CrossEntropyGradient.swift",
              summary: "d cross-entropy / d logits = softmax − one-hot"),
        .init(id: "fgsm", lesson: 5, file: "FGSM.swift", summary: "one targeted fast-gradient-sign step"),
        .init(id: "linf-projection", lesson: 5, file: "LinfProjection.swift",
              summary: "back into the ε-box and [0, 1]"),
        .init(id: "pgd-step", lesson: 5, file: "PGDStep.swift", summary: "a sign step followed by the projection"),
        .init(id: "targeted-attack", lesson: 5, file: "TargetedAttack.swift",
              summary: "PGD on the real Lite0: a photo the check chooses must become its target class after the "
                + "8-bit PNG round trip, within ε", kind: .lab),

        .init(id: "total-variation", lesson: 6, file: "TotalVariation.swift",
              summary: "total variation divided by the number of values"),
        .init(id: "total-variation-gradient", lesson: 6, file: "TotalVariationGradient.swift",
              summary: "its gradient, sign by sign"),
        .init(id: "jitter", lesson: 6, file: "Jitter.swift", summary: "a picture rolled by whole pixels"),
        .init(id: "ideal-image-step", lesson: 6, file: "IdealImageStep.swift",
              summary: "one gradient step of the ideal image, TV term included"),
        .init(id: "smooth-ideal-image", lesson: 6, file: "SmoothIdealImage.swift",
              summary: "an ideal image on the real Lite0 for a class the check names: p ≥ 0.9 with a bound on "
                + "total variation", kind: .lab),

        .init(id: "distillation-loss", lesson: 7, file: "DistillationLoss.swift",
              summary: "T² · KL(teacher ‖ student) at temperature T, mixed with the hard-label loss"),
        .init(id: "residual-block", lesson: 7, file: "ResidualBlock.swift",
              summary: "two layers plus a shortcut (projected when the sizes differ), ReLU after the sum"),
        .init(id: "weight-average", lesson: 7, file: "WeightAverage.swift",
              summary: "the running average of weight snapshots (SWA)"),
        .init(id: "gradient-accumulation", lesson: 7, file: "GradientAccumulation.swift",
              summary: "batch gradients combined into the big batch's gradient"),
    ]

    /// The exercises of lesson `number`, in order.
    public static func lesson(_ number: Int) -> [GradedExercise] { all.filter { $0.lesson == number } }

    /// "lesson-05".
    public static func directory(lesson number: Int) -> String {
        number < 10 ? "lesson-0\(number)" : "lesson-\(number)"
    }

    /// The command that grades lesson `number`: "swift run grader lesson-05".
    public static func command(lesson number: Int) -> String { "swift run grader \(directory(lesson: number))" }
}

extension Notebook {
    /// Lists this lesson's graded exercises — the file to open, what it asks, whether it drives the real
    /// network — and the command that grades them. Lessons end with this one line before `finish()`.
    public func gradedExercises() {
        guard let lesson else { return }
        let exercises = GradedExercises.lesson(lesson)
        guard !exercises.isEmpty else { return }
        let directory = GradedExercises.directory(lesson: lesson)
        var items = exercises.map { exercise in
            "`\(exercise.file)`" + (exercise.kind == .lab ? " (lab)" : "") + ": \(exercise.summary)."
        }
        items.append("Open them in `Exercises/\(directory)/`, then check them: "
            + "`\(GradedExercises.command(lesson: lesson))` "
            + "(a hint: `swift run grader --hint \(exercises[0].id)`). Lab exercises run the real network and take "
            + "longer; the grader prints each one's time limit.")
        list("Graded exercises", items)
    }
}
