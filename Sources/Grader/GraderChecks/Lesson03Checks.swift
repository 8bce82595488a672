import ExerciseSupport
import Solutions03

/// Checks for lesson 03, fine-tuning: the optimizer step, early stopping and the learning-rate schedule.
public enum Lesson03 {
    /// `adamStep(parameters:gradients:state:learningRate:beta1:beta2:epsilon:)` as a value.
    public typealias AdamStep =
        @Sendable (
            _ parameters: inout [Float], _ gradients: [Float], _ state: inout AdamState,
            _ learningRate: Float, _ beta1: Float, _ beta2: Float, _ epsilon: Float
        ) -> Void
    /// `earlyStopping(validationLosses:patience:minDelta:)` as a value.
    public typealias EarlyStopping =
        @Sendable (_ losses: [Float], _ patience: Int, _ minDelta: Float) -> EarlyStoppingOutcome
    /// `warmupCosineLearningRate(step:totalSteps:warmupSteps:peak:floor:)` as a value.
    public typealias Schedule =
        @Sendable (
            _ step: Int, _ totalSteps: Int, _ warmupSteps: Int, _ peak: Float,
            _ floor: Float
        ) -> Float

    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var adamStep: AdamStep
        public var earlyStopping: EarlyStopping
        public var warmupCosineLearningRate: Schedule
        public var prepareForFineTuning: PrepareForFineTuning
        public var gelu: TensorOperation

        public init(
            adamStep: @escaping AdamStep, earlyStopping: @escaping EarlyStopping,
            warmupCosineLearningRate: @escaping Schedule, prepareForFineTuning: @escaping PrepareForFineTuning,
            gelu: @escaping TensorOperation
        ) {
            self.adamStep = adamStep
            self.earlyStopping = earlyStopping
            self.warmupCosineLearningRate = warmupCosineLearningRate
            self.prepareForFineTuning = prepareForFineTuning
            self.gelu = gelu
        }

        /// The answers in Solutions/lesson-03.
        public static let reference = Functions(
            adamStep: Solutions03.adamStep, earlyStopping: Solutions03.earlyStopping,
            warmupCosineLearningRate: Solutions03.warmupCosineLearningRate,
            prepareForFineTuning: Solutions03.prepareForFineTuning, gelu: Solutions03.gelu)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 3, title: "Fine-tuning",
            exercises: [
                adamChecks(functions.adamStep),
                earlyStoppingChecks(functions.earlyStopping),
                scheduleChecks(functions.warmupCosineLearningRate),
                freezeChecks(functions.prepareForFineTuning),
                geluChecks(functions.gelu),
            ])
    }

    public static func adamChecks(_ step: @escaping AdamStep) -> ExerciseChecks {
        let reference: AdamStep = Solutions03.adamStep
        /// Runs `steps` steps of both implementations from the same start; compares parameters and state.
        @Sendable func compare(
            parameters start: [Float], gradients: [[Float]], state initial: AdamState,
            learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999
        ) throws {
            var parameters = start
            var state = initial
            var expectedParameters = start
            var expectedState = initial
            for (number, gradient) in gradients.enumerated() {
                step(&parameters, gradient, &state, learningRate, beta1, beta2, 1e-8)
                reference(&expectedParameters, gradient, &expectedState, learningRate, beta1, beta2, 1e-8)
                let input =
                    "parameters \(abbreviated(start)), state at step \(initial.step), \(gradients.count) "
                    + "gradient(s), this one \(abbreviated(gradient)), learningRate \(formatted(learningRate)), "
                    + "beta1 \(formatted(beta1)), beta2 \(formatted(beta2)); after step \(number + 1)"
                try expectClose(parameters, expectedParameters, input: "\(input): parameters")
                try expectEqual(state.step, expectedState.step, input: "\(input): state.step")
                try expectClose(state.firstMoment, expectedState.firstMoment, input: "\(input): state.firstMoment")
                try expectClose(state.secondMoment, expectedState.secondMoment, input: "\(input): state.secondMoment")
            }
        }
        return ExerciseChecks(
            id: "adam-step", lesson: 3, file: "AdamStep.swift",
            function: "adamStep(parameters:gradients:state:learningRate:beta1:beta2:epsilon:)",
            checks: [
                Check(
                    id: "adam-step/first-step",
                    name: "first step moves each parameter by about learningRate against its gradient"
                ) {
                    var parameters: [Float] = [1, -1, 0.5]
                    var state = AdamState(parameterCount: 3)
                    step(&parameters, [0.3, -2, 0], &state, 0.01, 0.9, 0.999, 1e-8)
                    try expectClose(
                        parameters, [0.99, -0.99, 0.5],
                        input: "parameters [1, -1, 0.5], gradients [0.3, -2, 0], "
                            + "fresh state, learningRate 0.01", tolerance: Tolerance(absolute: 1e-5, relative: 1e-5))
                },
                Check(id: "adam-step/state", name: "records the step count and both moments in the state") {
                    try compare(
                        parameters: [0.2, -0.4], gradients: [[0.5, -1.5]], state: AdamState(parameterCount: 2),
                        learningRate: 0.001)
                },
                Check(id: "adam-step/three-steps", name: "three steps in a row match PyTorch's Adam") {
                    try compare(
                        parameters: [0.2, -0.4, 1.5],
                        gradients: [[0.5, -1.5, 0.1], [0.4, 0.3, -0.2], [-2, 1, 0.05]],
                        state: AdamState(parameterCount: 3), learningRate: 0.05)
                },
                Check(
                    id: "adam-step/resume", name: "resumes from a saved state at step 10 (bias correction uses step 11)"
                ) {
                    var generator = SeededGenerator(seed: 91)
                    let state = AdamState(
                        firstMoment: generator.floats(4, in: -0.1...0.1),
                        secondMoment: generator.floats(4, in: 0.001...0.01), step: 10)
                    try compare(
                        parameters: generator.floats(4), gradients: [generator.floats(4)], state: state,
                        learningRate: 0.01)
                },
                Check(id: "adam-step/random", name: "matches the reference on 20 random problems with other betas") {
                    try trials(20, seed: 92) { generator in
                        let count = generator.int(in: 1...12)
                        let gradients = (0..<3).map { _ in generator.floats(count, in: -2...2) }
                        try compare(
                            parameters: generator.floats(count), gradients: gradients,
                            state: AdamState(parameterCount: count), learningRate: generator.float(in: 0.001...0.1),
                            beta1: generator.float(in: 0.5...0.85), beta2: generator.float(in: 0.9...0.99))
                    }
                },
            ])
    }

    public static func earlyStoppingChecks(_ earlyStopping: @escaping EarlyStopping) -> ExerciseChecks {
        let reference: EarlyStopping = Solutions03.earlyStopping
        @Sendable func compare(
            _ losses: [Float], patience: Int, minDelta: Float,
            expected: EarlyStoppingOutcome? = nil
        ) throws {
            try expectEqual(
                earlyStopping(losses, patience, minDelta),
                expected ?? reference(losses, patience, minDelta),
                input: "losses \(abbreviated(losses, limit: 12)), patience \(patience), minDelta \(formatted(minDelta))"
            )
        }
        return ExerciseChecks(
            id: "early-stopping", lesson: 3, file: "EarlyStopping.swift",
            function: "earlyStopping(validationLosses:patience:minDelta:)",
            checks: [
                Check(
                    id: "early-stopping/example",
                    name: "losses [1, 0.8, 0.85, 0.9, 0.7], patience 2: stop after 3, best 1"
                ) {
                    try compare(
                        [1, 0.8, 0.85, 0.9, 0.7], patience: 2, minDelta: 0,
                        expected: EarlyStoppingOutcome(stoppedAfterEpoch: 3, bestEpoch: 1))
                },
                Check(id: "early-stopping/falling", name: "runs every epoch while the loss keeps falling") {
                    try compare(
                        [1, 0.9, 0.8, 0.7], patience: 1, minDelta: 0,
                        expected: EarlyStoppingOutcome(stoppedAfterEpoch: nil, bestEpoch: 3))
                },
                Check(id: "early-stopping/min-delta", name: "counts only drops larger than minDelta (strictly)") {
                    try compare(
                        [2, 1.75, 1.625, 1.5], patience: 2, minDelta: 0.25,
                        expected: EarlyStoppingOutcome(stoppedAfterEpoch: nil, bestEpoch: 2))
                },
                Check(id: "early-stopping/reset", name: "restarts the wait after every improvement") {
                    try compare(
                        [1, 2, 0.5, 2, 2], patience: 2, minDelta: 0,
                        expected: EarlyStoppingOutcome(stoppedAfterEpoch: 4, bestEpoch: 2))
                },
                Check(id: "early-stopping/random", name: "matches the reference on 200 random loss curves") {
                    try trials(200, seed: 101) { generator in
                        // Multiples of 1/64 are exact in Float: "lower by more than minDelta" is never a rounding call.
                        let epochs = generator.int(in: 1...15)
                        let losses = (0..<epochs).map { _ in Float(generator.int(in: 16...128)) / 64 }
                        try compare(
                            losses, patience: generator.int(in: 1...4),
                            minDelta: Float(generator.int(in: 0...4)) / 64)
                    }
                },
            ])
    }

    public static func scheduleChecks(_ rate: @escaping Schedule) -> ExerciseChecks {
        let reference: Schedule = Solutions03.warmupCosineLearningRate
        @Sendable func compare(
            steps: [Int], total: Int, warmup: Int, peak: Float, floor: Float,
            expected: [Float]? = nil
        ) throws {
            try expectClose(
                steps.map { rate($0, total, warmup, peak, floor) },
                expected ?? steps.map { reference($0, total, warmup, peak, floor) },
                input: "steps \(abbreviated(steps, limit: 12)), totalSteps \(total), warmupSteps \(warmup), "
                    + "peak \(formatted(peak)), floor \(formatted(floor))",
                position: { "step \(steps[$0])" })
        }
        return ExerciseChecks(
            id: "learning-rate-schedule", lesson: 3, file: "LearningRateSchedule.swift",
            function: "warmupCosineLearningRate(step:totalSteps:warmupSteps:peak:floor:)",
            checks: [
                Check(id: "learning-rate-schedule/example", name: "warms up over 2 steps, then decays to 0 at step 6") {
                    try compare(
                        steps: Array(0...6), total: 6, warmup: 2, peak: 0.1, floor: 0,
                        expected: [0, 0.05, 0.1, 0.085355, 0.05, 0.014645, 0])
                },
                Check(
                    id: "learning-rate-schedule/no-warmup",
                    name: "starts at peak without warm-up and stays at floor after the end"
                ) {
                    try compare(
                        steps: [0, 5, 10, 11, 50], total: 10, warmup: 0, peak: 1e-3, floor: 1e-5,
                        expected: [1e-3, 5.05e-4, 1e-5, 1e-5, 1e-5])
                },
                Check(id: "learning-rate-schedule/random", name: "matches the reference on 30 random schedules") {
                    try trials(30, seed: 111) { generator in
                        let total = generator.int(in: 2...200)
                        let warmup = generator.int(in: 0...total / 2)
                        let steps = (0..<10).map { _ in generator.int(in: 0...total + 5) }
                        try compare(
                            steps: steps, total: total, warmup: warmup, peak: generator.float(in: 1e-4...0.1),
                            floor: generator.float(in: 0...1e-4))
                    }
                },
            ])
    }
}
