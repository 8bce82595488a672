import ExerciseSupport
import Solutions05

/// Checks for lesson 05, the adversarial cat: the attack's gradient, FGSM, projection and PGD.
public enum Lesson05 {
    public typealias CrossEntropyGradient = @Sendable (_ logits: [Float], _ target: Int) -> [Float]
    public typealias FGSMStep = @Sendable (_ image: [Float], _ gradient: [Float], _ epsilon: Float) -> [Float]
    public typealias Projection = @Sendable (_ candidate: [Float], _ original: [Float], _ epsilon: Float) -> [Float]
    public typealias PGDStep =
        @Sendable (
            _ current: [Float], _ original: [Float], _ gradient: [Float],
            _ stepSize: Float, _ epsilon: Float
        ) -> [Float]

    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var crossEntropyGradient: CrossEntropyGradient
        public var fgsmStep: FGSMStep
        public var projected: Projection
        public var pgdStep: PGDStep
        public var targetedAttack: TargetedAttack

        public init(
            crossEntropyGradient: @escaping CrossEntropyGradient, fgsmStep: @escaping FGSMStep,
            projected: @escaping Projection, pgdStep: @escaping PGDStep, targetedAttack: @escaping TargetedAttack
        ) {
            self.crossEntropyGradient = crossEntropyGradient
            self.fgsmStep = fgsmStep
            self.projected = projected
            self.pgdStep = pgdStep
            self.targetedAttack = targetedAttack
        }

        /// The answers in Solutions/lesson-05.
        public static let reference = Functions(
            crossEntropyGradient: Solutions05.crossEntropyGradient, fgsmStep: Solutions05.fgsmStep,
            projected: Solutions05.projected, pgdStep: Solutions05.pgdStep,
            targetedAttack: Solutions05.targetedAttack)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 5, title: "The adversarial cat",
            exercises: [
                crossEntropyGradientChecks(functions.crossEntropyGradient),
                fgsmChecks(functions.fgsmStep),
                projectionChecks(functions.projected),
                pgdChecks(functions.pgdStep),
                targetedAttackChecks(functions.targetedAttack),
            ])
    }

    public static func crossEntropyGradientChecks(_ gradient: @escaping CrossEntropyGradient) -> ExerciseChecks {
        let reference: CrossEntropyGradient = Solutions05.crossEntropyGradient
        return ExerciseChecks(
            id: "cross-entropy-gradient", lesson: 5, file: "CrossEntropyGradient.swift",
            function: "crossEntropyGradient(logits:target:)",
            checks: [
                Check(id: "cross-entropy-gradient/example", name: "logits [0, 0], target 1 → [0.5, -0.5]") {
                    try expectClose(gradient([0, 0], 1), [0.5, -0.5], input: "logits [0, 0], target 1")
                },
                Check(id: "cross-entropy-gradient/large", name: "stays finite for logits near 1000") {
                    try expectClose(
                        gradient([1000, 999, 998], 2), [0.66524094, 0.24472848, 0.09003057 - 1],
                        input: "logits [1000, 999, 998], target 2")
                },
                Check(
                    id: "cross-entropy-gradient/random",
                    name: "matches the reference on 20 random 1000-class logit vectors"
                ) {
                    try trials(20, seed: 161) { generator in
                        let logits = generator.floats(1000, in: -10...30)
                        let target = generator.int(in: 0...999)
                        try expectClose(
                            gradient(logits, target), reference(logits, target),
                            input: "logits \(abbreviated(logits)), target \(target)")
                    }
                },
            ])
    }

    public static func fgsmChecks(_ fgsm: @escaping FGSMStep) -> ExerciseChecks {
        let reference: FGSMStep = Solutions05.fgsmStep
        @Sendable func compare(_ image: [Float], _ gradient: [Float], _ epsilon: Float) throws {
            try expectClose(
                fgsm(image, gradient, epsilon), reference(image, gradient, epsilon),
                input: "image \(abbreviated(image)), gradient \(abbreviated(gradient)), epsilon \(formatted(epsilon))")
        }
        return ExerciseChecks(
            id: "fgsm", lesson: 5, file: "FGSM.swift", function: "fgsmStep(_:gradient:epsilon:)",
            checks: [
                Check(
                    id: "fgsm/example",
                    name: "image [0.5, 0.5, 0.001], gradient [2, -0.1, 3], epsilon 0.01 → [0.49, 0.51, 0]"
                ) {
                    try expectClose(
                        fgsm([0.5, 0.5, 0.001], [2, -0.1, 3], 0.01), [0.49, 0.51, 0],
                        input: "image [0.5, 0.5, 0.001], gradient [2, -0.1, 3], epsilon 0.01")
                },
                Check(id: "fgsm/zero-gradient", name: "leaves a pixel with a zero gradient unchanged") {
                    try compare([0.25, 0.75], [0, 0], 8 / 255)
                },
                Check(id: "fgsm/clip", name: "clips to [0, 1] at both ends") {
                    try compare([0.999, 0.001, 1, 0], [-1, 1, -0.5, 0.5], 2 / 255)
                },
                Check(
                    id: "fgsm/random",
                    name: "matches the reference on 20 random 3x32x32 images, epsilon 2/255 ... 8/255"
                ) {
                    try trials(20, seed: 171) { generator in
                        try compare(
                            generator.floats(3 * 32 * 32, in: 0...1), generator.floats(3 * 32 * 32, in: -0.01...0.01),
                            Float(generator.int(in: 2...8)) / 255)
                    }
                },
            ])
    }

    public static func projectionChecks(_ project: @escaping Projection) -> ExerciseChecks {
        let reference: Projection = Solutions05.projected
        @Sendable func compare(_ candidate: [Float], _ original: [Float], _ epsilon: Float) throws {
            try expectClose(
                project(candidate, original, epsilon), reference(candidate, original, epsilon),
                input: "candidate \(abbreviated(candidate)), original \(abbreviated(original)), "
                    + "epsilon \(formatted(epsilon))")
        }
        return ExerciseChecks(
            id: "linf-projection", lesson: 5, file: "LinfProjection.swift",
            function: "projected(_:around:epsilon:)",
            checks: [
                Check(
                    id: "linf-projection/example",
                    name: "[0.9, 0.2, -0.1] around [0.5, 0.5, 0.02], epsilon 0.1 → [0.6, 0.4, 0]"
                ) {
                    try expectClose(
                        project([0.9, 0.2, -0.1], [0.5, 0.5, 0.02], 0.1), [0.6, 0.4, 0],
                        input: "candidate [0.9, 0.2, -0.1], original [0.5, 0.5, 0.02], epsilon 0.1")
                },
                Check(id: "linf-projection/inside", name: "leaves a candidate already within epsilon unchanged") {
                    try compare([0.52, 0.47, 0.5], [0.5, 0.5, 0.5], 0.05)
                },
                Check(id: "linf-projection/zero-epsilon", name: "epsilon 0 gives back the original") {
                    try compare([0.9, 0.1, 0.3], [0.4, 0.6, 0.3], 0)
                },
                Check(id: "linf-projection/random", name: "matches the reference on 20 random candidates far and near")
                {
                    try trials(20, seed: 181) { generator in
                        try compare(
                            generator.floats(300, in: -0.5...1.5), generator.floats(300, in: 0...1),
                            generator.float(in: 0...0.3))
                    }
                },
            ])
    }

    public static func pgdChecks(_ pgd: @escaping PGDStep) -> ExerciseChecks {
        let reference: PGDStep = Solutions05.pgdStep
        return ExerciseChecks(
            id: "pgd-step", lesson: 5, file: "PGDStep.swift",
            function: "pgdStep(_:original:gradient:stepSize:epsilon:)",
            checks: [
                Check(
                    id: "pgd-step/example",
                    name: "current [0.55], original [0.5], gradient [-1], step 0.1, epsilon 0.08 → [0.58]"
                ) {
                    try expectClose(
                        pgd([0.55], [0.5], [-1], 0.1, 0.08), [0.58],
                        input: "current [0.55], original [0.5], gradient [-1], stepSize 0.1, epsilon 0.08")
                },
                Check(
                    id: "pgd-step/ten-steps",
                    name: "ten steps with random gradients match the reference and stay within epsilon"
                ) {
                    var generator = SeededGenerator(seed: 191)
                    let original = generator.floats(200, in: 0...1)
                    var current = original
                    var expected = original
                    for number in 1...10 {
                        let gradient = generator.floats(200, in: -1...1)
                        let input =
                            "original \(abbreviated(original)), step \(number) of 10, "
                            + "gradient \(abbreviated(gradient)), "
                            + "stepSize 2/255, epsilon 8/255"
                        current = pgd(current, original, gradient, 2 / 255, 8 / 255)
                        expected = reference(expected, original, gradient, 2 / 255, 8 / 255)
                        try expectClose(current, expected, input: input)
                    }
                },
                Check(
                    id: "pgd-step/random",
                    name: "matches the reference on 20 random single steps, including zero gradients"
                ) {
                    try trials(20, seed: 192) { generator in
                        let original = generator.floats(100, in: 0...1)
                        let current = original.map { min(1, max(0, $0 + generator.float(in: -0.05...0.05))) }
                        let gradient = generator.floats(100).map { abs($0) < 0.2 ? 0 : $0 }
                        let stepSize = generator.float(in: 0.001...0.03)
                        let epsilon = generator.float(in: 0...0.06)
                        try expectClose(
                            pgd(current, original, gradient, stepSize, epsilon),
                            reference(current, original, gradient, stepSize, epsilon),
                            input: "current \(abbreviated(current)), original \(abbreviated(original)), gradient "
                                + "\(abbreviated(gradient)), stepSize \(formatted(stepSize)), "
                                + "epsilon \(formatted(epsilon))"
                        )
                    }
                },
            ])
    }
}
