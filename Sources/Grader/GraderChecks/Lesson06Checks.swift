import ExerciseSupport
import Solutions06

/// Checks for lesson 06, variation loss: total variation, its gradient, jitter and the ideal-image step.
public enum Lesson06 {
    public typealias Roll = @Sendable (_ picture: Picture, _ right: Int, _ down: Int) -> Picture
    public typealias IdealImageStep =
        @Sendable (
            _ image: Picture, _ classGradient: Picture, _ tvWeight: Float,
            _ learningRate: Float
        ) -> Picture

    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var totalVariation: @Sendable (Picture) -> Float
        public var totalVariationGradient: @Sendable (Picture) -> Picture
        public var rolled: Roll
        public var idealImageStep: IdealImageStep
        public var smoothIdealImage: SmoothIdealImage

        public init(
            totalVariation: @escaping @Sendable (Picture) -> Float,
            totalVariationGradient: @escaping @Sendable (Picture) -> Picture,
            rolled: @escaping Roll, idealImageStep: @escaping IdealImageStep,
            smoothIdealImage: @escaping SmoothIdealImage
        ) {
            self.totalVariation = totalVariation
            self.totalVariationGradient = totalVariationGradient
            self.rolled = rolled
            self.idealImageStep = idealImageStep
            self.smoothIdealImage = smoothIdealImage
        }

        /// The answers in Solutions/lesson-06.
        public static let reference = Functions(
            totalVariation: Solutions06.totalVariation, totalVariationGradient: Solutions06.totalVariationGradient,
            rolled: Solutions06.rolled, idealImageStep: Solutions06.idealImageStep,
            smoothIdealImage: Solutions06.smoothIdealImage)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 6, title: "Variation loss",
            exercises: [
                totalVariationChecks(functions.totalVariation),
                gradientChecks(functions.totalVariationGradient),
                rollChecks(functions.rolled),
                idealImageStepChecks(functions.idealImageStep),
                smoothIdealImageChecks(functions.smoothIdealImage),
            ])
    }

    /// A random picture of random shape, values in [0, 1].
    static func randomPicture(_ generator: inout SeededGenerator) -> Picture {
        generator.picture(
            width: generator.int(in: 1...9), height: generator.int(in: 1...9), channels: generator.int(in: 1...3))
    }

    public static func totalVariationChecks(_ tv: @escaping @Sendable (Picture) -> Float) -> ExerciseChecks {
        let reference = Solutions06.totalVariation
        @Sendable func compare(_ picture: Picture) throws {
            try expectClose(tv(picture), reference(picture), input: abbreviated(picture))
        }
        return ExerciseChecks(
            id: "total-variation", lesson: 6, file: "TotalVariation.swift",
            function: "totalVariation(_:)",
            checks: [
                Check(id: "total-variation/example", name: "a 2x1 gray picture [0.2, 0.5] has TV 0.15") {
                    let picture = Picture(width: 2, height: 1, channels: 1, values: [0.2, 0.5])
                    try expectClose(tv(picture), 0.15, input: abbreviated(picture))
                },
                Check(id: "total-variation/flat", name: "a flat picture has TV 0") {
                    try compare(Picture(width: 5, height: 4, channels: 3, repeating: 0.4))
                },
                Check(
                    id: "total-variation/both-directions", name: "counts rows and columns: a 2x2 checkerboard has TV 1"
                ) {
                    let board = Picture(width: 2, height: 2, channels: 1, values: [0, 1, 1, 0])
                    try expectClose(tv(board), 1, input: abbreviated(board))
                },
                Check(
                    id: "total-variation/random",
                    name: "matches the reference on 30 random pictures (divides by width x height x channels)"
                ) {
                    try trials(30, seed: 201) { generator in try compare(randomPicture(&generator)) }
                },
            ])
    }

    public static func gradientChecks(_ gradient: @escaping @Sendable (Picture) -> Picture) -> ExerciseChecks {
        let reference = Solutions06.totalVariationGradient
        @Sendable func compare(_ picture: Picture) throws {
            try expectClose(gradient(picture), reference(picture), input: abbreviated(picture))
        }
        return ExerciseChecks(
            id: "total-variation-gradient", lesson: 6, file: "TotalVariationGradient.swift",
            function: "totalVariationGradient(_:)",
            checks: [
                Check(
                    id: "total-variation-gradient/example",
                    name: "a 2x1 gray picture [0.2, 0.5] has gradient [-0.5, 0.5]"
                ) {
                    let picture = Picture(width: 2, height: 1, channels: 1, values: [0.2, 0.5])
                    try expectClose(
                        gradient(picture), Picture(width: 2, height: 1, channels: 1, values: [-0.5, 0.5]),
                        input: abbreviated(picture))
                },
                Check(id: "total-variation-gradient/flat", name: "a flat picture has a zero gradient (sign(0) = 0)") {
                    try compare(Picture(width: 3, height: 3, channels: 2, repeating: 0.5))
                },
                Check(
                    id: "total-variation-gradient/interior", name: "an interior value collects all four neighbor pairs"
                ) {
                    var picture = Picture(width: 3, height: 3, channels: 1, repeating: 0)
                    picture[x: 1, y: 1, channel: 0] = 1
                    try compare(picture)
                },
                Check(id: "total-variation-gradient/random", name: "matches the reference on 30 random pictures") {
                    try trials(30, seed: 211) { generator in try compare(randomPicture(&generator)) }
                },
            ])
    }

    public static func rollChecks(_ roll: @escaping Roll) -> ExerciseChecks {
        let reference: Roll = Solutions06.rolled
        @Sendable func compare(_ picture: Picture, right: Int, down: Int) throws {
            try expectClose(
                roll(picture, right, down), reference(picture, right, down),
                input: "\(abbreviated(picture)), right \(right), down \(down)")
        }
        let row = Picture(width: 3, height: 1, channels: 1, values: [0.1, 0.2, 0.3])
        return ExerciseChecks(
            id: "jitter", lesson: 6, file: "Jitter.swift", function: "rolled(_:right:down:)",
            checks: [
                Check(id: "jitter/example", name: "rolls A B C right by 1 to C A B") {
                    try expectClose(
                        roll(row, 1, 0), Picture(width: 3, height: 1, channels: 1, values: [0.3, 0.1, 0.2]),
                        input: "\(abbreviated(row)), right 1, down 0")
                },
                Check(id: "jitter/negative", name: "rolls left for a negative shift: A B C by -1 is B C A") {
                    try expectClose(
                        roll(row, -1, 0), Picture(width: 3, height: 1, channels: 1, values: [0.2, 0.3, 0.1]),
                        input: "\(abbreviated(row)), right -1, down 0")
                },
                Check(id: "jitter/rows", name: "rolls rows down and moves whole RGB pixels") {
                    var generator = SeededGenerator(seed: 221)
                    try compare(generator.picture(width: 2, height: 3, channels: 3), right: 0, down: 1)
                },
                Check(
                    id: "jitter/random", name: "matches the reference on 30 random pictures and shifts beyond the size"
                ) {
                    try trials(30, seed: 222) { generator in
                        try compare(
                            randomPicture(&generator), right: generator.int(in: -20...20),
                            down: generator.int(in: -20...20))
                    }
                },
            ])
    }

    public static func idealImageStepChecks(_ step: @escaping IdealImageStep) -> ExerciseChecks {
        let reference: IdealImageStep = Solutions06.idealImageStep
        @Sendable func compare(_ image: Picture, _ classGradient: Picture, tvWeight: Float, learningRate: Float) throws
        {
            try expectClose(
                step(image, classGradient, tvWeight, learningRate),
                reference(image, classGradient, tvWeight, learningRate),
                input: "image \(abbreviated(image)), classGradient \(abbreviated(classGradient.values)), "
                    + "tvWeight \(formatted(tvWeight)), learningRate \(formatted(learningRate))")
        }
        return ExerciseChecks(
            id: "ideal-image-step", lesson: 6, file: "IdealImageStep.swift",
            function: "idealImageStep(_:classGradient:tvWeight:learningRate:)",
            checks: [
                Check(
                    id: "ideal-image-step/no-tv", name: "with tvWeight 0 it is a plain gradient step, clipped to [0, 1]"
                ) {
                    let image = Picture(width: 3, height: 1, channels: 1, values: [0.5, 0.5, 0.05])
                    let gradient = Picture(width: 3, height: 1, channels: 1, values: [1, -2, 1])
                    try expectClose(
                        step(image, gradient, 0, 0.1),
                        Picture(width: 3, height: 1, channels: 1, values: [0.4, 0.7, 0]),
                        input: "image \(abbreviated(image)), classGradient [1, -2, 1], tvWeight 0, learningRate 0.1")
                },
                Check(id: "ideal-image-step/smoothing", name: "with no class gradient, the TV term smooths a spike") {
                    var spike = Picture(width: 3, height: 3, channels: 1, repeating: 0.5)
                    spike[x: 1, y: 1, channel: 0] = 0.9
                    try compare(
                        spike, Picture(width: 3, height: 3, channels: 1, repeating: 0), tvWeight: 1, learningRate: 0.1)
                },
                Check(
                    id: "ideal-image-step/random",
                    name: "matches the reference on 30 random images, gradients and weights"
                ) {
                    try trials(30, seed: 231) { generator in
                        let image = randomPicture(&generator)
                        let gradient = Picture(
                            width: image.width, height: image.height, channels: image.channels,
                            values: generator.floats(image.values.count, in: -0.5...0.5))
                        try compare(
                            image, gradient, tvWeight: generator.float(in: 0...2),
                            learningRate: generator.float(in: 0.01...0.5))
                    }
                },
            ])
    }
}
