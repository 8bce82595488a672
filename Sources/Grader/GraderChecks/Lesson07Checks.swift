import ExerciseSupport
import Solutions07

/// Checks for lesson 07, advanced techniques: the distillation loss, a residual block, SWA's running average and
/// gradient accumulation.
public enum Lesson07 {
    public typealias DistillationLoss = @Sendable (
        _ studentLogits: [Float], _ teacherLogits: [Float], _ label: Int, _ temperature: Float, _ softWeight: Float
    ) -> Float
    public typealias ResidualBlock = @Sendable (
        _ x: [Float], _ first: [[Float]], _ second: [[Float]], _ projection: [[Float]]?
    ) -> [Float]
    public typealias UpdatedAverage = @Sendable (_ average: [Float], _ weights: [Float], _ count: Int) -> [Float]
    public typealias AccumulatedGradient = @Sendable (_ batchGradients: [[Float]], _ batchSizes: [Int]) -> [Float]

    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var distillationLoss: DistillationLoss
        public var residualBlock: ResidualBlock
        public var updatedAverage: UpdatedAverage
        public var accumulatedGradient: AccumulatedGradient

        public init(
            distillationLoss: @escaping DistillationLoss, residualBlock: @escaping ResidualBlock,
            updatedAverage: @escaping UpdatedAverage, accumulatedGradient: @escaping AccumulatedGradient
        ) {
            self.distillationLoss = distillationLoss
            self.residualBlock = residualBlock
            self.updatedAverage = updatedAverage
            self.accumulatedGradient = accumulatedGradient
        }

        /// The answers in Solutions/lesson-07.
        public static let reference = Functions(
            distillationLoss: { Solutions07.distillationLoss(studentLogits: $0, teacherLogits: $1, label: $2,
                                                             temperature: $3, softWeight: $4) },
            residualBlock: { Solutions07.residualBlock($0, first: $1, second: $2, projection: $3) },
            updatedAverage: { Solutions07.updatedAverage($0, with: $1, count: $2) },
            accumulatedGradient: { Solutions07.accumulatedGradient($0, batchSizes: $1) })
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 7, title: "Advanced techniques",
            exercises: [
                distillationChecks(functions.distillationLoss),
                residualChecks(functions.residualBlock),
                averageChecks(functions.updatedAverage),
                accumulationChecks(functions.accumulatedGradient),
            ])
    }

    static func matrix(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> [[Float]] {
        (0..<rows).map { _ in generator.floats(columns) }
    }

    public static func distillationChecks(_ loss: @escaping DistillationLoss) -> ExerciseChecks {
        let reference = Functions.reference.distillationLoss
        @Sendable func compare(_ s: [Float], _ t: [Float], _ label: Int, _ temperature: Float, _ weight: Float) throws {
            try expectClose(loss(s, t, label, temperature, weight), reference(s, t, label, temperature, weight),
                            input: "student \(abbreviated(s)), teacher \(abbreviated(t)), label \(label), "
                                + "temperature \(formatted(temperature)), softWeight \(formatted(weight))")
        }
        return ExerciseChecks(
            id: "distillation-loss", lesson: 7, file: "DistillationLoss.swift",
            function: "distillationLoss(studentLogits:teacherLogits:label:temperature:softWeight:)",
            checks: [
                Check(id: "distillation-loss/example", name: "equal logits [0, 0], softWeight 0.5: half of log 2") {
                    try expectClose(loss([0, 0], [0, 0], 0, 3, 0.5), 0.34657359,
                                    input: "student [0, 0], teacher [0, 0], label 0, temperature 3, softWeight 0.5")
                },
                Check(id: "distillation-loss/hard-only", name: "softWeight 0 is the plain cross-entropy at T = 1") {
                    try compare([2, -1, 0.5], [-3, 4, 1], 2, 5, 0)
                },
                Check(id: "distillation-loss/temperature-squared",
                      name: "softWeight 1 at T = 4 is 16 times the KL divergence of the softened distributions") {
                    try compare([1, 0, -1], [0, 2, 0], 0, 4, 1)
                },
                Check(id: "distillation-loss/random", name: "matches the reference on 40 random logits, T and weights") {
                    try trials(40, seed: 701) { generator in
                        let classes = generator.int(in: 2...10)
                        try compare(generator.floats(classes, in: -5...5), generator.floats(classes, in: -8...8),
                                    generator.int(in: 0...(classes - 1)), generator.float(in: 0.5...10),
                                    generator.float(in: 0...1))
                    }
                },
            ])
    }

    public static func residualChecks(_ block: @escaping ResidualBlock) -> ExerciseChecks {
        let reference = Functions.reference.residualBlock
        @Sendable func compare(_ x: [Float], _ first: [[Float]], _ second: [[Float]], _ projection: [[Float]]?) throws {
            try expectClose(block(x, first, second, projection), reference(x, first, second, projection),
                            input: "x \(abbreviated(x)), first \(first.count)x\(x.count), second "
                                + "\(second.count)x\(first.count), projection "
                                + (projection.map { "\($0.count)x\(x.count)" } ?? "none"))
        }
        return ExerciseChecks(
            id: "residual-block", lesson: 7, file: "ResidualBlock.swift",
            function: "residualBlock(_:first:second:projection:)",
            checks: [
                Check(id: "residual-block/example", name: "the worked example: x [1, -2] with a projection gives [0]") {
                    try expectClose(block([1, -2], [[1, 0], [0, 1]], [[1, 1]], [[1, 1]]), [0],
                                    input: "x [1, -2], first [[1, 0], [0, 1]], second [[1, 1]], projection [[1, 1]]")
                },
                Check(id: "residual-block/identity",
                      name: "zero weights and no projection pass relu(x) through the identity shortcut") {
                    try compare([0.5, -1, 2], Array(repeating: [0, 0, 0], count: 2), Array(repeating: [0, 0], count: 3),
                                nil)
                },
                Check(id: "residual-block/random",
                      name: "matches the reference on 30 random blocks, with and without a projection") {
                    try trials(30, seed: 711) { generator in
                        let (n, h) = (generator.int(in: 1...6), generator.int(in: 1...6))
                        let projected = generator.int(in: 0...1) == 1
                        let m = projected ? generator.int(in: 1...6) : n
                        try compare(generator.floats(n), matrix(h, n, &generator), matrix(m, h, &generator),
                                    projected ? matrix(m, n, &generator) : nil)
                    }
                },
            ])
    }

    public static func averageChecks(_ update: @escaping UpdatedAverage) -> ExerciseChecks {
        let reference = Functions.reference.updatedAverage
        return ExerciseChecks(
            id: "weight-average", lesson: 7, file: "WeightAverage.swift", function: "updatedAverage(_:with:count:)",
            checks: [
                Check(id: "weight-average/example", name: "[2, 4] of 1 snapshot with [4, 0] becomes [3, 2]") {
                    try expectClose(update([2, 4], [4, 0], 1), [3, 2], input: "average [2, 4], weights [4, 0], count 1")
                },
                Check(id: "weight-average/first", name: "the first snapshot (count 0) is the average") {
                    try expectClose(update([9, 9], [1, -1], 0), [1, -1], input: "average [9, 9], weights [1, -1], count 0")
                },
                Check(id: "weight-average/mean", name: "five snapshots added one by one give their arithmetic mean") {
                    var generator = SeededGenerator(seed: 721)
                    let snapshots = (0..<5).map { _ in generator.floats(4) }
                    var average: [Float] = [0, 0, 0, 0]
                    for (count, weights) in snapshots.enumerated() { average = update(average, weights, count) }
                    let mean = (0..<4).map { i in snapshots.reduce(0) { $0 + $1[i] } / 5 }
                    try expectClose(average, mean, input: "5 snapshots of 4 weights, added in order")
                },
                Check(id: "weight-average/random", name: "matches the reference on 30 random averages and counts") {
                    try trials(30, seed: 722) { generator in
                        let size = generator.int(in: 1...8), count = generator.int(in: 0...20)
                        let (average, weights) = (generator.floats(size), generator.floats(size))
                        try expectClose(update(average, weights, count), reference(average, weights, count),
                                        input: "average \(abbreviated(average)), weights \(abbreviated(weights)), "
                                            + "count \(count)")
                    }
                },
            ])
    }

    public static func accumulationChecks(_ accumulate: @escaping AccumulatedGradient) -> ExerciseChecks {
        let reference = Functions.reference.accumulatedGradient
        @Sendable func compare(_ gradients: [[Float]], _ sizes: [Int]) throws {
            try expectClose(accumulate(gradients, sizes), reference(gradients, sizes),
                            input: "\(gradients.count) batch gradients of \(gradients[0].count) values, sizes "
                                + abbreviated(sizes))
        }
        return ExerciseChecks(
            id: "gradient-accumulation", lesson: 7, file: "GradientAccumulation.swift",
            function: "accumulatedGradient(_:batchSizes:)",
            checks: [
                Check(id: "gradient-accumulation/example", name: "[1, 2] of 3 examples and [5, 6] of 1 give [2, 3]") {
                    try expectClose(accumulate([[1, 2], [5, 6]], [3, 1]), [2, 3],
                                    input: "batch gradients [[1, 2], [5, 6]], sizes [3, 1]")
                },
                Check(id: "gradient-accumulation/equal", name: "equal batch sizes give the plain mean") {
                    try compare([[1, -1, 0.5], [3, 1, 0.5], [-1, 0, 2], [1, 4, 1]], [16, 16, 16, 16])
                },
                Check(id: "gradient-accumulation/single", name: "one batch is its own gradient") {
                    try compare([[0.25, -0.75]], [7])
                },
                Check(id: "gradient-accumulation/random",
                      name: "matches the reference on 30 random sets of batches with a smaller last batch") {
                    try trials(30, seed: 731) { generator in
                        let (count, size) = (generator.int(in: 1...6), generator.int(in: 1...8))
                        let full = generator.int(in: 2...32)
                        let sizes = (0..<count).map { $0 == count - 1 ? generator.int(in: 1...full) : full }
                        try compare((0..<count).map { _ in generator.floats(size) }, sizes)
                    }
                },
            ])
    }
}
