// EfficientNet-Lite1 (240 px) and Lite2 (260 px) against PyTorch: the same family as Lite0, deeper (21 blocks) and,
// for Lite2, wider. Their inputs are PyTorch's own framing of the photos at each model's size, saved as PNGs
// (Tests/Reference/lite1, lite2; Scripts/make-reference.py), so both implementations see the same pixels.

import Engine
import Foundation
import Imaging
import Testing
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

/// The pretrained Lite1 and Lite2, loaded once.
private let larger: [EfficientNetLiteVariant: EfficientNetLite] = {
    let assets = Assets(root: Reference.packageRoot.appendingPathComponent("Assets"))
    do { return try Dictionary(uniqueKeysWithValues: [EfficientNetLiteVariant.lite1, .lite2].map {
        ($0, try EfficientNetLite.pretrained($0, assets: assets))
    }) } catch { fatalError("cannot load the pretrained Lite1/Lite2 (run Scripts/setup): \(error)") }
}()

@Suite("EfficientNet-Lite1 and Lite2 against PyTorch", .serialized)
struct LargerLiteGoldenTests {
    static let cases: [(EfficientNetLiteVariant, String)] = [.lite1, .lite2].flatMap { variant in
        ["chelsea", "coffee", "dog"].map { (variant, $0) }
    }

    @Test("logits match PyTorch within 1e-3 and the top-5 classes are identical", arguments: cases)
    func logitsMatch(variant: EfficientNetLiteVariant, image: String) throws {
        let folder = variant == .lite1 ? "lite1" : "lite2"
        let model = try #require(larger[variant])
        let picture = try Image(contentsOf: Reference.url("\(folder)/\(image).png").path)
        #expect(picture.width == variant.inputSize && picture.height == variant.inputSize)
        let logits = withoutGradients { model(Tensor(picture)) }
        let expected = try Reference.floats("\(folder)/\(image).f32")
        #expect(logits.shape == [1, 1000])
        let error = zip(logits.scalars, expected).map { abs($0 - $1) }.max()!
        print("golden \(variant.rawValue) \(image): max |logit error| = \(error)")
        #expect(error <= 1e-3)
        let top5 = { (values: [Float]) in Array(values.indices.sorted { values[$0] > values[$1] }.prefix(5)) }
        #expect(top5(logits.scalars) == top5(expected))
    }

    @Test("parameter counts and block tables follow the checkpoints", arguments: [
        (EfficientNetLiteVariant.lite1, 5_416_680, 21, 320), (.lite2, 6_092_072, 21, 352),
    ])
    func architecture(variant: EfficientNetLiteVariant, parameters: Int, blocks: Int, lastChannels: Int) throws {
        let model = try #require(larger[variant])
        #expect(model.parameterCount == parameters)
        #expect(model.blocks.count == blocks)
        #expect(model.preprocessing.inputSize == variant.inputSize)
        let features = withoutGradients { model.featureMaps(of: Tensor(zeros: [1, 64, 64, 3]), at: .block(blocks - 1)) }
        #expect(features.shape[3] == lastChannels)
        #expect(Architecture(rawValue: variant.rawValue)?.parameterCount == parameters)
    }
}
