import ExerciseSupport
import Solutions04

/// Checks for lesson 04, data augmentation: flip, Cutout, MixUp and CutMix.
public enum Lesson04 {
    public typealias Cutout = @Sendable (_ picture: Picture, _ centerX: Int, _ centerY: Int, _ size: Int) -> Picture
    public typealias MixUp = @Sendable (LabelledPicture, LabelledPicture, _ lambda: Float) -> LabelledPicture
    public typealias CutMix = @Sendable (LabelledPicture, LabelledPicture, Box) -> LabelledPicture

    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var horizontallyFlipped: @Sendable (Picture) -> Picture
        public var cutout: Cutout
        public var mixUp: MixUp
        public var cutMix: CutMix
        public var clothesAugmentation: ClothesAugmentation

        public init(
            horizontallyFlipped: @escaping @Sendable (Picture) -> Picture, cutout: @escaping Cutout,
            mixUp: @escaping MixUp, cutMix: @escaping CutMix, clothesAugmentation: @escaping ClothesAugmentation
        ) {
            self.horizontallyFlipped = horizontallyFlipped
            self.cutout = cutout
            self.mixUp = mixUp
            self.cutMix = cutMix
            self.clothesAugmentation = clothesAugmentation
        }

        /// The answers in Solutions/lesson-04.
        public static let reference = Functions(
            horizontallyFlipped: Solutions04.horizontallyFlipped, cutout: Solutions04.cutout,
            mixUp: Solutions04.mixUp, cutMix: Solutions04.cutMix,
            clothesAugmentation: Solutions04.clothesAugmentation)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 4, title: "Data augmentation",
            exercises: [
                flipChecks(functions.horizontallyFlipped),
                cutoutChecks(functions.cutout),
                mixUpChecks(functions.mixUp),
                cutMixChecks(functions.cutMix),
                augmentationChecks(functions.clothesAugmentation),
            ])
    }

    public static func flipChecks(_ flip: @escaping @Sendable (Picture) -> Picture) -> ExerciseChecks {
        let reference = Solutions04.horizontallyFlipped
        @Sendable func compare(_ picture: Picture) throws {
            try expectClose(flip(picture), reference(picture), input: abbreviated(picture))
        }
        return ExerciseChecks(
            id: "horizontal-flip", lesson: 4, file: "HorizontalFlip.swift",
            function: "horizontallyFlipped(_:)",
            checks: [
                Check(id: "horizontal-flip/example", name: "turns a 3x1 gray row A B C into C B A") {
                    let row = Picture(width: 3, height: 1, channels: 1, values: [0.1, 0.2, 0.3])
                    try expectClose(
                        flip(row), Picture(width: 3, height: 1, channels: 1, values: [0.3, 0.2, 0.1]),
                        input: abbreviated(row))
                },
                Check(id: "horizontal-flip/color", name: "moves whole RGB pixels, so colors survive") {
                    try compare(Picture(width: 2, height: 1, channels: 3, values: [1, 0, 0, 0, 0, 1]))
                },
                Check(id: "horizontal-flip/random", name: "matches the reference on 30 random non-square pictures") {
                    try trials(30, seed: 121) { generator in
                        try compare(
                            generator.picture(
                                width: generator.int(in: 1...9), height: generator.int(in: 1...9),
                                channels: generator.int(in: 1...4)))
                    }
                },
            ])
    }

    public static func cutoutChecks(_ cutout: @escaping Cutout) -> ExerciseChecks {
        let reference: Cutout = Solutions04.cutout
        @Sendable func compare(_ picture: Picture, centerX: Int, centerY: Int, size: Int) throws {
            try expectClose(
                cutout(picture, centerX, centerY, size), reference(picture, centerX, centerY, size),
                input: "\(abbreviated(picture)), centerX \(centerX), centerY \(centerY), size \(size)")
        }
        let gray = Picture(width: 4, height: 4, channels: 1, repeating: 1)
        return ExerciseChecks(
            id: "cutout", lesson: 4, file: "Cutout.swift", function: "cutout(_:centerX:centerY:size:)",
            checks: [
                Check(
                    id: "cutout/example",
                    name: "center (1, 1), size 2 zeroes columns 0...1 of rows 0...1 in a 4x4 picture"
                ) {
                    let expected = Picture(
                        width: 4, height: 4, channels: 1,
                        values: [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
                    try expectClose(
                        cutout(gray, 1, 1, 2), expected, input: "\(abbreviated(gray)), center (1, 1), size 2")
                },
                Check(id: "cutout/all-channels", name: "zeroes every channel of an RGB picture, odd size 3") {
                    var generator = SeededGenerator(seed: 131)
                    try compare(generator.picture(width: 5, height: 4, channels: 3), centerX: 2, centerY: 2, size: 3)
                },
                Check(id: "cutout/edges", name: "clips a square hanging over the top-left and bottom-right edges") {
                    var generator = SeededGenerator(seed: 132)
                    let picture = generator.picture(width: 6, height: 5, channels: 2)
                    try compare(picture, centerX: 0, centerY: 1, size: 4)
                    try compare(picture, centerX: 5, centerY: 4, size: 5)
                },
                Check(id: "cutout/random", name: "matches the reference on 40 random pictures, centers and sizes") {
                    try trials(40, seed: 133) { generator in
                        let picture = generator.picture(
                            width: generator.int(in: 1...10), height: generator.int(in: 1...10),
                            channels: generator.int(in: 1...3))
                        try compare(
                            picture, centerX: generator.int(in: 0...picture.width - 1),
                            centerY: generator.int(in: 0...picture.height - 1), size: generator.int(in: 0...8))
                    }
                },
            ])
    }

    /// A random labelled picture of the given shape, with a one-hot label.
    static func labelled(_ generator: inout SeededGenerator, width: Int, height: Int, channels: Int, classes: Int)
        -> LabelledPicture
    {
        var label = [Float](repeating: 0, count: classes)
        label[generator.int(in: 0...classes - 1)] = 1
        return LabelledPicture(
            picture: generator.picture(width: width, height: height, channels: channels), label: label)
    }

    /// Fails unless both the picture and the label match.
    static func expectLabelledClose(_ got: LabelledPicture, _ expected: LabelledPicture, input: String) throws {
        try expectClose(got.picture, expected.picture, input: input + " (the picture)")
        try expectClose(got.label, expected.label, input: input + " (the label)")
    }

    public static func mixUpChecks(_ mixUp: @escaping MixUp) -> ExerciseChecks {
        let reference: MixUp = Solutions04.mixUp
        let white = LabelledPicture(picture: Picture(width: 2, height: 2, channels: 3, repeating: 1), label: [1, 0])
        let black = LabelledPicture(picture: Picture(width: 2, height: 2, channels: 3, repeating: 0), label: [0, 1])
        return ExerciseChecks(
            id: "mixup", lesson: 4, file: "MixUp.swift", function: "mixUp(_:_:lambda:)",
            checks: [
                Check(
                    id: "mixup/example",
                    name: "lambda 0.7: white [1, 0] and black [0, 1] give gray 0.7 labelled [0.7, 0.3]"
                ) {
                    let gray = LabelledPicture(
                        picture: Picture(width: 2, height: 2, channels: 3, repeating: 0.7), label: [0.7, 0.3])
                    try expectLabelledClose(
                        mixUp(white, black, 0.7), gray, input: "white 2x2 [1, 0], black 2x2 [0, 1], lambda 0.7")
                },
                Check(id: "mixup/extremes", name: "lambda 1 gives the first example, lambda 0 the second") {
                    try expectLabelledClose(
                        mixUp(white, black, 1), white, input: "white [1, 0], black [0, 1], lambda 1")
                    try expectLabelledClose(
                        mixUp(white, black, 0), black, input: "white [1, 0], black [0, 1], lambda 0")
                },
                Check(id: "mixup/random", name: "matches the reference on 30 random pairs and lambdas") {
                    try trials(30, seed: 141) { generator in
                        let (width, height, channels) = (
                            generator.int(in: 1...6), generator.int(in: 1...6), generator.int(in: 1...3)
                        )
                        let first = labelled(&generator, width: width, height: height, channels: channels, classes: 5)
                        let second = labelled(&generator, width: width, height: height, channels: channels, classes: 5)
                        let lambda = generator.float(in: 0...1)
                        try expectLabelledClose(
                            mixUp(first, second, lambda), reference(first, second, lambda),
                            input: "\(first.picture) labelled \(abbreviated(first.label)), \(second.picture) "
                                + "labelled \(abbreviated(second.label)), lambda \(formatted(lambda))")
                    }
                },
            ])
    }

    public static func cutMixChecks(_ cutMix: @escaping CutMix) -> ExerciseChecks {
        let reference: CutMix = Solutions04.cutMix
        @Sendable func compare(_ first: LabelledPicture, _ second: LabelledPicture, _ box: Box) throws {
            try expectLabelledClose(
                cutMix(first, second, box), reference(first, second, box),
                input: "\(abbreviated(first.picture)) labelled \(abbreviated(first.label)), "
                    + "\(abbreviated(second.picture)) labelled \(abbreviated(second.label)), \(box)")
        }
        let white = LabelledPicture(picture: Picture(width: 4, height: 4, channels: 1, repeating: 1), label: [1, 0])
        let black = LabelledPicture(picture: Picture(width: 4, height: 4, channels: 1, repeating: 0), label: [0, 1])
        return ExerciseChecks(
            id: "cutmix", lesson: 4, file: "CutMix.swift", function: "cutMix(_:_:box:)",
            checks: [
                Check(
                    id: "cutmix/example",
                    name: "a box over the bottom-right corner pastes 4 of 16 pixels: label [0.75, 0.25]"
                ) {
                    let box = Box(x: 2, y: 2, width: 4, height: 4)
                    let expected = LabelledPicture(
                        picture: Picture(
                            width: 4, height: 4, channels: 1,
                            values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0]),
                        label: [0.75, 0.25])
                    try expectLabelledClose(
                        cutMix(white, black, box), expected, input: "white 4x4 [1, 0], black 4x4 [0, 1], \(box)")
                },
                Check(id: "cutmix/inside", name: "a 2x3 box inside an RGB picture: every channel pasted, label by area")
                {
                    var generator = SeededGenerator(seed: 151)
                    try compare(
                        labelled(&generator, width: 5, height: 4, channels: 3, classes: 3),
                        labelled(&generator, width: 5, height: 4, channels: 3, classes: 3),
                        Box(x: 1, y: 1, width: 2, height: 3))
                },
                Check(
                    id: "cutmix/random", name: "matches the reference on 40 random pairs and boxes, some over the edge"
                ) {
                    try trials(40, seed: 152) { generator in
                        let (width, height) = (generator.int(in: 1...8), generator.int(in: 1...8))
                        let box = Box(
                            x: generator.int(in: -3...width), y: generator.int(in: -3...height),
                            width: generator.int(in: 0...6), height: generator.int(in: 0...6))
                        try compare(
                            labelled(&generator, width: width, height: height, channels: 2, classes: 4),
                            labelled(&generator, width: width, height: height, channels: 2, classes: 4), box)
                    }
                },
            ])
    }
}
