// The zoo's promise: torchvision's architectures with torchvision's parameter counts and state_dict keys, so a
// user's torchvision checkpoint loads by name. The expected counts are torchvision's published `num_params`; the
// key names and shapes below were read off torchvision's model sources (vgg.py, resnet.py, mobilenetv2.py,
// mobilenetv3.py, efficientnet.py, ops/misc.py).

import Engine
import Foundation
import NN
import Testing
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

@Suite("Model zoo", .serialized)
struct ZooTests {
    static let torchvisionParameterCounts: [(Architecture, Int)] = [
        (.vgg16, 138_357_544), (.vgg19, 143_667_240), (.resNet50, 25_557_032), (.mobileNetV2, 3_504_872),
        (.mobileNetV3Large, 5_483_032), (.mobileNetV3Small, 2_542_856), (.efficientNetB0, 5_288_548),
    ]

    /// The four cheap-to-run torchvision models (ResNet-50 is ~4 GFLOP at 224, fine once).
    static let smallArchitectures: [Architecture] = [.mobileNetV2, .mobileNetV3Large, .mobileNetV3Small,
                                                     .efficientNetB0, .resNet50]

    @Test("built layers have torchvision's parameter counts", arguments: torchvisionParameterCounts)
    func parameterCounts(architecture: Architecture, expected: Int) {
        let start = Date()
        let model = architecture.build(seed: 0)
        let seconds = Date().timeIntervalSince(start)
        print("zoo \(architecture.rawValue): \(model.parameterCount) parameters, built in "
              + String(format: "%.2f s", seconds))
        #expect(model.parameterCount == expected)
        #expect(architecture.parameterCount == expected)
        #expect(model.name == architecture.rawValue)
        #expect(model.labels.count == 1000)
        #expect(model.preprocessing.normalization == .imageNet)
        #expect(model.preprocessing.framing == .resizeThenCenterCrop(shorterSide: 256))
    }

    /// Keys and shapes checked against torchvision's sources, per model.
    static let torchvisionKeys: [(Architecture, [(String, [Int])])] = [
        (.vgg16, [("features.0.weight", [64, 3, 3, 3]), ("features.0.bias", [64]),
                  ("features.28.weight", [512, 512, 3, 3]), ("classifier.0.weight", [4096, 25088]),
                  ("classifier.3.weight", [4096, 4096]), ("classifier.6.weight", [1000, 4096]),
                  ("classifier.6.bias", [1000])]),
        (.vgg19, [("features.34.weight", [512, 512, 3, 3]), ("classifier.6.bias", [1000])]),
        (.resNet50, [("conv1.weight", [64, 3, 7, 7]), ("bn1.running_mean", [64]),
                     ("layer1.0.conv1.weight", [64, 64, 1, 1]), ("layer1.0.downsample.0.weight", [256, 64, 1, 1]),
                     ("layer1.0.downsample.1.running_var", [256]), ("layer2.0.conv2.weight", [128, 128, 3, 3]),
                     ("layer4.2.bn3.weight", [2048]), ("fc.weight", [1000, 2048]), ("fc.bias", [1000])]),
        (.mobileNetV2, [("features.0.0.weight", [32, 3, 3, 3]), ("features.0.1.running_var", [32]),
                        ("features.1.conv.0.0.weight", [32, 1, 3, 3]), ("features.1.conv.1.weight", [16, 32, 1, 1]),
                        ("features.2.conv.0.0.weight", [96, 16, 1, 1]), ("features.2.conv.3.running_mean", [24]),
                        ("features.18.0.weight", [1280, 320, 1, 1]), ("classifier.1.weight", [1000, 1280])]),
        (.mobileNetV3Large, [("features.0.0.weight", [16, 3, 3, 3]), ("features.1.block.0.0.weight", [16, 1, 3, 3]),
                             ("features.1.block.1.0.weight", [16, 16, 1, 1]),
                             ("features.4.block.2.fc1.weight", [24, 72, 1, 1]), ("features.4.block.2.fc1.bias", [24]),
                             ("features.4.block.2.fc2.weight", [72, 24, 1, 1]),
                             ("features.16.0.weight", [960, 160, 1, 1]), ("classifier.0.weight", [1280, 960]),
                             ("classifier.3.weight", [1000, 1280])]),
        (.mobileNetV3Small, [("features.1.block.0.0.weight", [16, 1, 3, 3]),
                             ("features.1.block.1.fc1.weight", [8, 16, 1, 1]),
                             ("features.1.block.2.0.weight", [16, 16, 1, 1]), ("features.12.0.weight", [576, 96, 1, 1]),
                             ("classifier.0.weight", [1024, 576]), ("classifier.3.bias", [1000])]),
        (.efficientNetB0, [("features.0.0.weight", [32, 3, 3, 3]), ("features.1.0.block.0.0.weight", [32, 1, 3, 3]),
                           ("features.1.0.block.1.fc1.weight", [8, 32, 1, 1]),
                           ("features.1.0.block.2.0.weight", [16, 32, 1, 1]),
                           ("features.2.0.block.2.fc1.weight", [4, 96, 1, 1]),
                           ("features.6.3.block.1.0.weight", [1152, 1, 5, 5]),
                           ("features.8.0.weight", [1280, 320, 1, 1]), ("features.8.1.running_var", [1280]),
                           ("classifier.1.weight", [1000, 1280])]),
    ]

    @Test("state_dict keys and shapes are torchvision's", arguments: torchvisionKeys)
    func keysAndShapes(architecture: Architecture, keys: [(String, [Int])]) {
        let named = architecture.build().namedParameters
        let shapes = Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.parameter.shape) })
        for (key, shape) in keys {
            #expect(shapes[key] == shape, "\(architecture.rawValue): \(key)")
        }
        // Whole-model key counts that follow from the sources: VGG16 has 13 convolutions and 3 linear layers;
        // ResNet-50 has 53 convolutions, 53 BatchNorms (4 tensors each) and fc.
        if architecture == .vgg16 { #expect(shapes.count == 32) }
        if architecture == .resNet50 { #expect(shapes.count == 267) }
        #expect(!shapes.keys.contains { $0.hasSuffix("num_batches_tracked") })
    }

    @Test("only blocks whose shapes change get a projection shortcut (ResNet-50)")
    func resNetDownsampleOnlyWhereNeeded() {
        let keys = Set(ResNet50().namedParameters.map(\.name))
        #expect(keys.filter { $0.hasSuffix("downsample.0.weight") }.sorted()
                == ["layer1.0.downsample.0.weight", "layer2.0.downsample.0.weight", "layer3.0.downsample.0.weight",
                    "layer4.0.downsample.0.weight"])
    }

    @Test("BatchNorm settings follow torchvision: ε 0.001 and momentum 0.01 in MobileNetV3 only")
    func batchNormSettings() {
        func norms(_ model: any Layer) -> [BatchNorm] { model.namedLayers.compactMap { $0.layer as? BatchNorm } }
        #expect(norms(MobileNetV3(.small)).allSatisfy { $0.epsilon == 0.001 && $0.momentum == 0.01 })
        for model in [EfficientNetB0(), MobileNetV2(), ResNet50()] as [any Layer] {
            #expect(norms(model).allSatisfy { $0.epsilon == 1e-5 && $0.momentum == 0.1 })
        }
    }

    @Test("a 224×224 batch gives [1, 1000] finite logits and a pooled embedding", arguments: smallArchitectures)
    func forwardShape(architecture: Architecture) throws {
        let model = try #require(architecture.build(seed: 3) as? any TransferableClassifier)
        let pixels = Tensor.random(uniform: [1, 224, 224, 3], seed: 7)
        let start = Date()
        let logits = withoutGradients { model(pixels) }
        let seconds = Date().timeIntervalSince(start)
        print("zoo \(architecture.rawValue): forward at 224 in " + String(format: "%.2f s", seconds))
        #expect(logits.shape == [1, 1000])
        #expect(logits.scalars.allSatisfy { $0.isFinite })
        #expect(logits.max() > logits.min())
        let features = withoutGradients { model.features(pixels) }
        #expect(features.shape == [1, model.featureCount])
    }

    @Test("VGG-16 runs on a small input: the adaptive pool repeats its 1×1 map to 7×7")
    func vggForwardOnSmallInput() throws {
        let model = VGG(.vgg16, seed: 1)
        let pixels = Tensor.random(uniform: [2, 32, 32, 3], seed: 2)
        #expect(model.featureMaps(of: pixels).shape == [2, 1, 1, 512])
        let logits = withoutGradients { model(pixels) }
        #expect(logits.shape == [2, 1000])
        #expect(logits.scalars.allSatisfy { $0.isFinite })
        #expect(model.features(pixels).shape == [2, 4096])
    }

    @Test("feature counts of the embeddings", arguments: [
        (Architecture.resNet50, 2048), (.mobileNetV2, 1280), (.efficientNetB0, 1280), (.mobileNetV3Large, 1280),
        (.mobileNetV3Small, 1024), (.efficientNetLite0, 1280),
    ])
    func featureCounts(architecture: Architecture, expected: Int) throws {
        let model = try #require(architecture.build() as? any TransferableClassifier)
        #expect(model.featureCount == expected)
    }

    @Test("checkpoint round trip: seed 1 saved to safetensors and loaded into seed 2 gives identical outputs",
          arguments: smallArchitectures)
    func checkpointRoundTrip(architecture: Architecture) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("\(architecture.rawValue).safetensors").path
        let original = architecture.build(seed: 1)
        try original.saveWeights(to: path)
        let copy = architecture.build(seed: 2)
        let pixels = Tensor.random(uniform: [1, 64, 64, 3], seed: 5)
        let before = withoutGradients { copy(pixels) }
        try copy.loadWeights(from: path)
        let expected = withoutGradients { original(pixels) }
        let loaded = withoutGradients { copy(pixels) }
        #expect(before != expected, "different seeds must give different models")
        #expect(loaded == expected)
    }

    @Test("a checkpoint of another architecture is refused with the missing and unexpected keys")
    func wrongArchitectureIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("v2.safetensors").path
        try MobileNetV2().saveWeights(to: path)
        let target = MobileNetV3(.small)
        let error = try #require(throws: StateLoadingError.self) { try target.loadWeights(from: path) }
        #expect(error.missing.contains("features.1.block.1.fc1.weight"))
        #expect(error.unexpected.contains("features.1.conv.0.0.weight"))
        #expect(error.description.contains("missing keys"))
        #expect(error.description.contains("unexpected keys"))
    }

    @Test("replacing the classifier keeps the key names and changes the class count")
    func replaceClassifier() {
        let model = MobileNetV3(.small)
        model.replaceClassifier(classCount: 10, seed: 1)
        let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter.shape) })
        #expect(shapes["classifier.3.weight"] == [10, 1024])
        #expect(shapes["classifier.0.weight"] == [1024, 576])
        #expect(model.labels == (0..<10).map { "class \($0)" })
        #expect(withoutGradients { model(Tensor(zeros: [1, 32, 32, 3])) }.shape == [1, 10])
    }

    @Test("architectures without offline weights say so; the three Lite variants have them")
    func noPretrainedWeights() {
        let offline: [Architecture] = [.efficientNetLite0, .efficientNetLite1, .efficientNetLite2]
        let everyLiteHasWeights = offline.allSatisfy { $0.hasPretrainedWeights }
        #expect(everyLiteHasWeights)
        for architecture in Architecture.allCases where !offline.contains(architecture) {
            #expect(!architecture.hasPretrainedWeights)
            #expect(throws: ZooError.self) { try architecture.pretrained() }
        }
        #expect("\(ZooError.noPretrainedWeights(.vgg16))".contains("no pretrained weights for vgg16"))
    }
}

@Suite("torchvision building blocks")
struct TorchvisionBlockTests {
    @Test("_make_divisible rounds to multiples of 8 without losing more than 10 %")
    func makeDivisibleMatchesTorchvision() {
        // Values from torchvision's use: SE widths in MobileNetV3 (expanded // 4) and EfficientNet's widths.
        #expect(makeDivisible(4) == 8)
        #expect(makeDivisible(18) == 24)
        #expect(makeDivisible(30) == 32)
        #expect(makeDivisible(120) == 120)
        #expect(makeDivisible(35.2) == 32)   // int(39.2) // 8 · 8, within 10 %
        #expect(makeDivisible(11) == 16)   // 8 would lose more than 10 %
    }

    @Test("hard sigmoid is relu6(x + 3) / 6")
    func hardSigmoidValues() {
        let y = hardSigmoid(Tensor([-4, -3, 0, 1.5, 3, 5]))
        #expect(y.isAlmostEqual(to: Tensor([0, 0, 0.5, 0.75, 1, 1])))
    }

    @Test("adaptive average pooling follows PyTorch's cells, including overlapping ones")
    func adaptivePooling() {
        // One channel, 5×5 input of 0…24 pooled to 3×3: PyTorch's rows are 0..<2, 1..<4, 3..<5.
        let x = Tensor(shape: [1, 5, 5, 1], scalars: (0..<25).map(Float.init))
        let pooled = adaptiveAveragePool(x, height: 3, width: 3)
        #expect(pooled.shape == [1, 3, 3, 1])
        let cell = { (rows: Range<Int>, columns: Range<Int>) -> Float in
            let values = rows.flatMap { r in columns.map { c in Float(r * 5 + c) } }
            return values.reduce(0, +) / Float(values.count)
        }
        let ranges = [0..<2, 1..<4, 3..<5]
        let expected = ranges.flatMap { r in ranges.map { c in cell(r, c) } }
        #expect(pooled.isAlmostEqual(to: Tensor(shape: [1, 3, 3, 1], scalars: expected)))
        // Divisible: plain 2×2 average pooling; same size: the identity; smaller input: repetition.
        let image = Tensor.random(uniform: [2, 14, 14, 3], seed: 1)
        #expect(adaptiveAveragePool(image, height: 7, width: 7).isAlmostEqual(to: avgPool2d(image, size: 2)))
        #expect(adaptiveAveragePool(image, height: 14, width: 14) == image)
        let single = Tensor.random(uniform: [1, 1, 1, 4], seed: 2)
        #expect(adaptiveAveragePool(single, height: 7, width: 7) == single.broadcasted(to: [1, 7, 7, 4]))
    }

    @Test("adaptive average pooling passes gradients back to every input cell it reads")
    func adaptivePoolingGradient() {
        let x = Tensor.random(uniform: [1, 5, 5, 2], seed: 3).requiringGradient()
        let gradient = adaptiveAveragePool(x, height: 3, width: 3).sum().gradient(for: x)
        // Corner (0, 0) lies in one 2×2 cell: 1/4. Center (2, 2) lies in one 3×3 cell: 1/9. (1, 1) lies in four
        // cells (rows 0..<2 and 1..<4, the same for columns): 1/4 + 1/6 + 1/6 + 1/9.
        #expect(abs(gradient[0, 0, 0, 0] - 0.25) < 1e-6)
        #expect(abs(gradient[0, 2, 2, 1] - 1 / 9) < 1e-6)
        #expect(abs(gradient[0, 1, 1, 0] - (1 / 4 + 1 / 6 + 1 / 6 + 1 / 9)) < 1e-6)
    }

    @Test("stochastic depth keeps or drops whole samples while training, and is the identity otherwise")
    func stochasticDepth() {
        let layer = StochasticDepth(rate: 0.5, seed: 4)
        let x = Tensor(ones: [64, 2, 2, 3])
        #expect(layer(x) == x)
        let y = withLearningPhase(.training) { layer(x) }
        let perSample = (0..<64).map { Set(y.scalars[($0 * 12)..<(($0 + 1) * 12)]) }
        #expect(perSample.allSatisfy { $0 == [0] || $0 == [2] })
        let kept = perSample.filter { $0 == [2] }.count
        #expect((16...48).contains(kept))
    }

    @Test("squeeze-and-excitation scales each channel by a gate from the pooled input")
    func squeezeExcitation() {
        let layer = SqueezeExcitation(channels: 4, squeezeChannels: 2, seed: 1)
        let x = Tensor.random(uniform: [1, 3, 3, 4], seed: 2)
        let y = layer(x)
        let gate = sigmoid(layer.excite(relu(layer.squeeze(x.mean(alongAxes: [1, 2])))))
        #expect(y.isAlmostEqual(to: x * gate))
        #expect(layer.namedParameters.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
    }
}
