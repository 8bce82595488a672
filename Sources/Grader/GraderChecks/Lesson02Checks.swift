import ExerciseSupport
import Solutions02

/// Checks for lesson 02, feature extraction: pooled embeddings and comparing them.
public enum Lesson02 {
    /// The functions the checks call: the student's, the reference answers, or a deliberately wrong one.
    public struct Functions: Sendable {
        public var globalAveragePooled: @Sendable (FeatureMap) -> [Float]
        public var l2Normalized: @Sendable ([Float]) -> [Float]
        public var cosineSimilarity: @Sendable ([Float], [Float]) -> Float
        public var nearestNeighbors: @Sendable (_ query: [Float], _ gallery: [[Float]], _ count: Int) -> [Int]
        public var trainedHead: TrainHead

        public init(
            globalAveragePooled: @escaping @Sendable (FeatureMap) -> [Float],
            l2Normalized: @escaping @Sendable ([Float]) -> [Float],
            cosineSimilarity: @escaping @Sendable ([Float], [Float]) -> Float,
            nearestNeighbors: @escaping @Sendable ([Float], [[Float]], Int) -> [Int],
            trainedHead: @escaping TrainHead
        ) {
            self.globalAveragePooled = globalAveragePooled
            self.l2Normalized = l2Normalized
            self.cosineSimilarity = cosineSimilarity
            self.nearestNeighbors = nearestNeighbors
            self.trainedHead = trainedHead
        }

        /// The answers in Solutions/lesson-02.
        public static let reference = Functions(
            globalAveragePooled: Solutions02.globalAveragePooled, l2Normalized: Solutions02.l2Normalized,
            cosineSimilarity: Solutions02.cosineSimilarity, nearestNeighbors: Solutions02.nearestNeighbors,
            trainedHead: Solutions02.trainedHead)
    }

    /// Every check of the lesson, run against `functions`.
    public static func checks(_ functions: Functions) -> LessonChecks {
        LessonChecks(
            number: 2, title: "Feature extraction",
            exercises: [
                poolChecks(functions.globalAveragePooled),
                l2NormalizeChecks(functions.l2Normalized),
                cosineChecks(functions.cosineSimilarity),
                neighborChecks(functions.nearestNeighbors),
                trainHeadChecks(functions.trainedHead),
            ])
    }

    public static func poolChecks(_ pool: @escaping @Sendable (FeatureMap) -> [Float]) -> ExerciseChecks {
        let reference = Solutions02.globalAveragePooled
        @Sendable func compare(_ map: FeatureMap) throws {
            try expectClose(pool(map), reference(map), input: "\(map) \(abbreviated(map.values))")
        }
        @Sendable func randomMap(_ generator: inout SeededGenerator, channels: Int, height: Int, width: Int)
            -> FeatureMap
        {
            FeatureMap(
                channels: channels, height: height, width: width,
                values: generator.floats(channels * height * width, in: 0...6))
        }
        return ExerciseChecks(
            id: "global-average-pool", lesson: 2, file: "GlobalAveragePool.swift",
            function: "globalAveragePooled(_:)",
            checks: [
                Check(id: "global-average-pool/example", name: "pools channels [1, 3] and [10, 20] to [2, 15]") {
                    let map = FeatureMap(channels: 2, height: 1, width: 2, values: [1, 3, 10, 20])
                    try expectClose(pool(map), [2, 15], input: "\(map) [1, 3, 10, 20]")
                },
                Check(id: "global-average-pool/layout", name: "reads channels first (CHW) on a 3x2x5 map") {
                    var generator = SeededGenerator(seed: 51)
                    try compare(randomMap(&generator, channels: 3, height: 2, width: 5))
                },
                Check(id: "global-average-pool/single-position", name: "returns the values of a 1x1 map unchanged") {
                    try compare(FeatureMap(channels: 4, height: 1, width: 1, values: [0.5, -2, 3, 7]))
                },
                Check(
                    id: "global-average-pool/lite0", name: "matches the reference on random 1280x7x7 maps, Lite0's head"
                ) {
                    try trials(5, seed: 52) { generator in
                        try compare(randomMap(&generator, channels: 1280, height: 7, width: 7))
                    }
                },
            ])
    }

    public static func l2NormalizeChecks(_ normalize: @escaping @Sendable ([Float]) -> [Float]) -> ExerciseChecks {
        let reference = Solutions02.l2Normalized
        return ExerciseChecks(
            id: "l2-normalize", lesson: 2, file: "L2Normalize.swift", function: "l2Normalized(_:)",
            checks: [
                Check(id: "l2-normalize/example", name: "l2Normalized([3, 4]) == [0.6, 0.8]") {
                    try expectClose(normalize([3, 4]), [0.6, 0.8], input: "[3, 4]")
                },
                Check(id: "l2-normalize/zero", name: "returns a vector of zeros unchanged (no NaN)") {
                    try expectClose(normalize([0, 0, 0]), [0, 0, 0], input: "[0, 0, 0]")
                },
                Check(id: "l2-normalize/empty", name: "returns an empty vector unchanged") {
                    try expectClose(normalize([]), [], input: "[]")
                },
                Check(id: "l2-normalize/random", name: "matches the reference on 20 random 1280-d embeddings") {
                    try trials(20, seed: 61) { generator in
                        let vector = generator.floats(1280, in: -3...3)
                        try expectClose(normalize(vector), reference(vector), input: abbreviated(vector))
                    }
                },
            ])
    }

    public static func cosineChecks(_ cosine: @escaping @Sendable ([Float], [Float]) -> Float) -> ExerciseChecks {
        let reference = Solutions02.cosineSimilarity
        return ExerciseChecks(
            id: "cosine-similarity", lesson: 2, file: "CosineSimilarity.swift",
            function: "cosineSimilarity(_:_:)",
            checks: [
                Check(id: "cosine-similarity/example", name: "cosineSimilarity([1, 0], [1, 1]) ≈ 0.7071") {
                    try expectClose(cosine([1, 0], [1, 1]), 0.70710678, input: "[1, 0], [1, 1]")
                },
                Check(id: "cosine-similarity/opposite", name: "is -1 for opposite vectors of different lengths") {
                    try expectClose(cosine([1, -2, 3], [-2, 4, -6]), -1, input: "[1, -2, 3], [-2, 4, -6]")
                },
                Check(id: "cosine-similarity/zero-vector", name: "returns 0 when a vector is all zeros") {
                    try expectClose(cosine([0, 0, 0], [1, 2, 3]), 0, input: "[0, 0, 0], [1, 2, 3]")
                    try expectClose(cosine([1, 2, 3], [0, 0, 0]), 0, input: "[1, 2, 3], [0, 0, 0]")
                },
                Check(
                    id: "cosine-similarity/random",
                    name: "matches the reference on 20 random pairs of 1280-d embeddings"
                ) {
                    try trials(20, seed: 71) { generator in
                        let a = generator.floats(1280, in: -1...3)
                        let b = generator.floats(1280, in: -1...3)
                        try expectClose(cosine(a, b), reference(a, b), input: "\(abbreviated(a)), \(abbreviated(b))")
                    }
                },
            ])
    }

    public static func neighborChecks(_ neighbors: @escaping @Sendable ([Float], [[Float]], Int) -> [Int])
        -> ExerciseChecks
    {
        let reference = Solutions02.nearestNeighbors
        @Sendable func describe(_ query: [Float], _ gallery: [[Float]], _ count: Int) -> String {
            let shown = gallery.prefix(3).map { abbreviated($0) }.joined(separator: ", ")
            return
                "query \(abbreviated(query)), gallery of \(gallery.count) "
                + "[\(shown)\(gallery.count > 3 ? ", …" : "")], "
                + "count \(count)"
        }
        return ExerciseChecks(
            id: "nearest-neighbors", lesson: 2, file: "NearestNeighbors.swift",
            function: "nearestNeighbors(of:in:count:)",
            checks: [
                Check(
                    id: "nearest-neighbors/example", name: "ranks [[0, 1], [1, 0.1], [-1, 0]] around [1, 0] as [1, 0]"
                ) {
                    let gallery: [[Float]] = [[0, 1], [1, 0.1], [-1, 0]]
                    try expectEqual(neighbors([1, 0], gallery, 2), [1, 0], input: describe([1, 0], gallery, 2))
                },
                Check(id: "nearest-neighbors/by-angle", name: "ranks by angle, not distance: [10, 10] beats [1, 0.5]")
                {
                    let gallery: [[Float]] = [[1, 0.5], [10, 10], [0, 1]]
                    try expectEqual(neighbors([1, 1], gallery, 3), [1, 0, 2], input: describe([1, 1], gallery, 3))
                },
                Check(
                    id: "nearest-neighbors/ties",
                    name: "keeps gallery order for equal similarities, all when count is large"
                ) {
                    let gallery: [[Float]] = [[0, 1], [2, 0], [0, 3], [1, 0]]
                    try expectEqual(
                        neighbors([1, 0], gallery, 10), [1, 3, 0, 2], input: describe([1, 0], gallery, 10))
                },
                Check(
                    id: "nearest-neighbors/random",
                    name: "matches the reference on 20 random galleries of 40 embeddings"
                ) {
                    try trials(20, seed: 81) { generator in
                        let query = generator.floats(16)
                        let gallery = (0..<40).map { _ in generator.floats(16) }
                        let count = generator.int(in: 1...8)
                        try expectEqual(
                            neighbors(query, gallery, count), reference(query, gallery, count),
                            input: describe(query, gallery, count))
                    }
                },
            ])
    }
}
