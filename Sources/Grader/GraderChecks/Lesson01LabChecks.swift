import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 01's lab: the student's photo → probabilities path on the real Lite0, compared with the library's
/// `classify(_:)` on every sample photo and on pictures of odd sizes the student does not choose.
extension Lesson01 {
    /// A photo and the pretrained model → 1000 class probabilities.
    public typealias ClassProbabilities = @Sendable (_ photo: Image, _ model: EfficientNetLite0) -> [Float]

    /// The largest difference from the reference probabilities that still counts as the same path (a different
    /// but exact order of operations moves them by ~1e-6).
    static let probabilityTolerance: Float = 2e-3

    public static func classifyChecks(_ classify: @escaping ClassProbabilities) -> ExerciseChecks {
        ExerciseChecks(
            id: "classify-photo", lesson: 1, file: "ClassifyPhoto.swift", function: "classProbabilities(of:with:)",
            checks: [
                Check(
                    id: "classify-photo/chelsea",
                    name: "chelsea.png (451×300): the same top-5 and probabilities as the library's classify",
                    timeLimit: 60, memoryLimitMegabytes: 3072
                ) {
                    let model = try Lab.pretrainedModel()
                    try compare(classify, on: try Lab.photo("chelsea.png"), named: "chelsea.png", model: model)
                },
                Check(
                    id: "classify-photo/all-photos", name: "every photo of Assets/photos, each framed as Lite0 wants",
                    timeLimit: 120, memoryLimitMegabytes: 3072
                ) {
                    let model = try Lab.pretrainedModel()
                    let names = Lab.photoNames
                    guard names.count >= 5 else { throw Assets.Failure.missing(path: "Assets/photos/*") }
                    for name in names { try compare(classify, on: try Lab.photo(name), named: name, model: model) }
                },
                Check(
                    id: "classify-photo/odd-sizes",
                    name: "pictures of odd sizes: 301×187, 97×250, and 224×224 (used as is)",
                    timeLimit: 60, memoryLimitMegabytes: 3072
                ) {
                    let model = try Lab.pretrainedModel()
                    for (name, picture) in try oddSizedPictures() {
                        try compare(classify, on: picture, named: name, model: model)
                    }
                },
            ])
    }

    /// Pictures the student does not choose, made from the sample photos so that their content — and so the
    /// answer — depends on how they are framed: a wide off-center crop, a tall squeezed copy, and an exact 224×224.
    static func oddSizedPictures() throws -> [(String, Image)] {
        let chelsea = try Lab.photo("chelsea.png"), dog = try Lab.photo("dog.jpg")
        let giraffe = try Lab.photo("giraffe.jpg")
        return [
            ("chelsea.png cropped to 301×187 at (120, 60)", chelsea.cropped(x: 120, y: 60, width: 301, height: 187)),
            ("dog.jpg resized to 97×250", dog.resized(width: 97, height: 250)),
            ("giraffe.jpg resized to 224×224", giraffe.resized(width: 224, height: 224)),
        ]
    }

    /// Fails unless the student's probabilities for `picture` match the library's, class by class.
    static func compare(
        _ classify: ClassProbabilities, on picture: Image, named name: String, model: EfficientNetLite0
    ) throws {
        let labels = model.labels
        let expected = model.classify(picture, top: 1000).sorted { $0.index < $1.index }.map(\.probability)
        let got = classify(picture, model)
        let input = "\(name) (\(picture.width)×\(picture.height))"
        func top5(_ probabilities: [Float]) -> String {
            Lab.ranking(probabilities, count: 5)
                .map { Lab.describe($0, probability: probabilities[$0], labels: labels) }.joined(separator: ", ")
        }
        guard got.count == expected.count else {
            throw CheckFailure(
                input: input, expected: "1000 probabilities; top-5 \(top5(expected))",
                got: "\(got.count) values \(abbreviated(got))", detail: "expected 1000 values, got \(got.count)")
        }
        let total = got.reduce(0, +)
        guard got.allSatisfy({ $0.isFinite && $0 >= 0 }), abs(total - 1) < 1e-3 else {
            throw CheckFailure(
                input: input, expected: "probabilities (≥ 0, summing to 1); top-5 \(top5(expected))",
                got: "values summing to \(formatted(total)): \(abbreviated(got))",
                detail: "these are not probabilities: did you apply softmax to the logits?")
        }
        let error = largestDifference(got, expected)
        guard error <= probabilityTolerance else {
            let worst = got.indices.max { abs(got[$0] - expected[$0]) < abs(got[$1] - expected[$1]) }!
            throw CheckFailure(
                input: input, expected: "top-5 \(top5(expected))", got: "top-5 \(top5(got))",
                detail: "max abs error \(formatted(error)) at class \(worst) (\(labels[worst])): expected "
                    + "\(formatted(expected[worst])), got \(formatted(got[worst])); the photo was not framed or "
                    + "prepared as Lite0 expects (largest centered square, 224×224, pixels in [0, 1])")
        }
    }
}
