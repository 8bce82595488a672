import ExerciseSupport
import Solutions01

/// Checks for lesson 01, pretrained models: preprocessing and reading the predictions.
public enum Lesson01 {
    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var centerCroppedToSquare: @Sendable (Picture) -> Picture
        public var normalizedChannelsFirst: @Sendable (_ picture: Picture, _ mean: [Float], _ std: [Float]) -> [Float]
        public var softmax: @Sendable ([Float]) -> [Float]
        public var topK: @Sendable (_ scores: [Float], _ k: Int) -> [Int]
        public var classProbabilities: ClassProbabilities

        public init(
            centerCroppedToSquare: @escaping @Sendable (Picture) -> Picture,
            normalizedChannelsFirst: @escaping @Sendable (Picture, [Float], [Float]) -> [Float],
            softmax: @escaping @Sendable ([Float]) -> [Float],
            topK: @escaping @Sendable ([Float], Int) -> [Int],
            classProbabilities: @escaping ClassProbabilities
        ) {
            self.centerCroppedToSquare = centerCroppedToSquare
            self.normalizedChannelsFirst = normalizedChannelsFirst
            self.softmax = softmax
            self.topK = topK
            self.classProbabilities = classProbabilities
        }

        /// The answers in Solutions/lesson-01.
        public static let reference = Functions(
            centerCroppedToSquare: Solutions01.centerCroppedToSquare,
            normalizedChannelsFirst: Solutions01.normalizedChannelsFirst,
            softmax: Solutions01.softmax, topK: Solutions01.topK,
            classProbabilities: Solutions01.classProbabilities)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 1, title: "Pretrained models",
            exercises: [
                centerCropChecks(functions.centerCroppedToSquare),
                normalizeChecks(functions.normalizedChannelsFirst),
                softmaxChecks(functions.softmax),
                topKChecks(functions.topK),
                classifyChecks(functions.classProbabilities),
            ])
    }

    public static func centerCropChecks(_ crop: @escaping @Sendable (Picture) -> Picture) -> ExerciseChecks {
        let reference = Solutions01.centerCroppedToSquare
        @Sendable func compare(_ picture: Picture) throws {
            try expectClose(crop(picture), reference(picture), input: abbreviated(picture))
        }
        return ExerciseChecks(
            id: "center-crop", lesson: 1, file: "CenterCrop.swift", function: "centerCroppedToSquare(_:)",
            checks: [
                Check(id: "center-crop/wide", name: "keeps columns 1...3 of a wide 5x3 picture") {
                    let picture = Picture(width: 5, height: 3, channels: 1, values: (0..<15).map(Float.init))
                    let middle = Picture(width: 3, height: 3, channels: 1, values: [1, 2, 3, 6, 7, 8, 11, 12, 13])
                    try expectClose(crop(picture), middle, input: abbreviated(picture))
                },
                Check(id: "center-crop/tall", name: "rounds the top margin down on a tall 2x5 RGB picture") {
                    try compare(Picture(width: 2, height: 5, channels: 3, values: (0..<30).map(Float.init)))
                },
                Check(id: "center-crop/square", name: "leaves a square picture unchanged") {
                    var generator = SeededGenerator(seed: 11)
                    try compare(generator.picture(width: 4, height: 4, channels: 3))
                },
                Check(
                    id: "center-crop/random", name: "matches the reference on 30 random pictures with 1 to 4 channels"
                ) {
                    try trials(30, seed: 12) { generator in
                        try compare(
                            generator.picture(
                                width: generator.int(in: 1...9), height: generator.int(in: 1...9),
                                channels: generator.int(in: 1...4)))
                    }
                },
            ])
    }

    public static func normalizeChecks(_ normalize: @escaping @Sendable (Picture, [Float], [Float]) -> [Float])
        -> ExerciseChecks
    {
        let reference = Solutions01.normalizedChannelsFirst
        @Sendable func compare(_ picture: Picture, mean: [Float], std: [Float]) throws {
            try expectClose(
                normalize(picture, mean, std), reference(picture, mean, std),
                input: "\(abbreviated(picture)), mean \(abbreviated(mean)), std \(abbreviated(std))"
            ) { index in
                let plane = picture.width * picture.height
                return "channel \(index / plane), y \(index % plane / picture.width), x \(index % picture.width)"
            }
        }
        let lite0Mean = [Float](repeating: 127 / 255, count: 3)
        let lite0Std = [Float](repeating: 128 / 255, count: 3)
        return ExerciseChecks(
            id: "normalize", lesson: 1, file: "Normalize.swift",
            function: "normalizedChannelsFirst(_:mean:std:)",
            checks: [
                Check(id: "normalize/reorder", name: "puts the channels of a 2x1 RGB picture first (mean 0, std 1)") {
                    let picture = Picture(width: 2, height: 1, channels: 3, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
                    try expectClose(
                        normalize(picture, [0, 0, 0], [1, 1, 1]), [0.1, 0.4, 0.2, 0.5, 0.3, 0.6],
                        input: "\(abbreviated(picture)), mean 0, std 1")
                },
                Check(id: "normalize/lite0", name: "applies Lite0's (pixel - 127) / 128: white → 1, black → -0.99") {
                    let picture = Picture(width: 1, height: 2, channels: 3, values: [1, 1, 1, 0, 0, 0])
                    try expectClose(
                        normalize(picture, lite0Mean, lite0Std), [1, -127 / 128, 1, -127 / 128, 1, -127 / 128],
                        input: "\(abbreviated(picture)) (white over black), mean 127/255, std 128/255")
                },
                Check(id: "normalize/per-channel", name: "uses each channel's own mean and std (torchvision's numbers)")
                {
                    var generator = SeededGenerator(seed: 21)
                    try compare(
                        generator.picture(width: 3, height: 2, channels: 3),
                        mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
                },
                Check(id: "normalize/random", name: "matches the reference on 30 random non-square pictures") {
                    try trials(30, seed: 22) { generator in
                        let channels = generator.int(in: 1...4)
                        try compare(
                            generator.picture(
                                width: generator.int(in: 1...8), height: generator.int(in: 1...8),
                                channels: channels),
                            mean: generator.floats(channels, in: 0...1), std: generator.floats(channels, in: 0.1...1))
                    }
                },
            ])
    }

    public static func softmaxChecks(_ softmax: @escaping @Sendable ([Float]) -> [Float]) -> ExerciseChecks {
        let reference = Solutions01.softmax
        return ExerciseChecks(
            id: "softmax", lesson: 1, file: "Softmax.swift", function: "softmax(_:)",
            checks: [
                Check(id: "softmax/example", name: "softmax([1, 2, 3]) ≈ [0.0900, 0.2447, 0.6652]") {
                    try expectClose(softmax([1, 2, 3]), [0.09003057, 0.24472848, 0.66524094], input: "[1, 2, 3]")
                },
                Check(id: "softmax/large", name: "stays finite for huge logits [1000, 999, 998]") {
                    try expectClose(
                        softmax([1000, 999, 998]), [0.66524094, 0.24472848, 0.09003057],
                        input: "[1000, 999, 998]")
                },
                Check(id: "softmax/single", name: "gives probability 1 to a single logit") {
                    try expectClose(softmax([-3.5]), [1], input: "[-3.5]")
                },
                Check(id: "softmax/random", name: "matches the reference on 20 random 1000-class logit vectors") {
                    try trials(20, seed: 31) { generator in
                        let logits = generator.floats(1000, in: -20...40)
                        try expectClose(softmax(logits), reference(logits), input: abbreviated(logits))
                    }
                },
            ])
    }

    public static func topKChecks(_ topK: @escaping @Sendable ([Float], Int) -> [Int]) -> ExerciseChecks {
        let reference = Solutions01.topK
        return ExerciseChecks(
            id: "top-k", lesson: 1, file: "TopK.swift", function: "topK(_:k:)",
            checks: [
                Check(
                    id: "top-k/example",
                    name: "topK([0.1, 0.5, 0.2, 0.5], k: 3) == [1, 3, 2] (ties: smaller index first)"
                ) {
                    try expectEqual(topK([0.1, 0.5, 0.2, 0.5], 3), [1, 3, 2], input: "[0.1, 0.5, 0.2, 0.5], k 3")
                },
                Check(id: "top-k/too-many", name: "returns every index when k exceeds the number of scores") {
                    try expectEqual(topK([0.3, -1, 2], 5), [2, 0, 1], input: "[0.3, -1, 2], k 5")
                },
                Check(id: "top-k/zero", name: "returns no index for k = 0") {
                    try expectEqual(topK([0.3, -1, 2], 0), [], input: "[0.3, -1, 2], k 0")
                },
                Check(id: "top-k/random", name: "matches the reference on 30 random score vectors, many with ties") {
                    try trials(30, seed: 41) { generator in
                        // Rounding to tenths makes ties common, which is where ordering mistakes show.
                        let scores = generator.floats(generator.int(in: 1...1000), in: 0...1).map {
                            ($0 * 10).rounded() / 10
                        }
                        let k = generator.int(in: 1...10)
                        try expectEqual(topK(scores, k), reference(scores, k), input: "\(abbreviated(scores)), k \(k)")
                    }
                },
            ])
    }
}
