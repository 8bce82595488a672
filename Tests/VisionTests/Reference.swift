// Access to the PyTorch reference outputs in shared/ref (beside the checkout) and to the assets.

import Engine
import Foundation
import Imaging
import Vision

enum Reference {
    /// The package root: the folder holding Package.swift above this file.
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// shared/ref: beside the checkout in CI and in the developers' work tree.
    static let folder = packageRoot.appendingPathComponent("../shared/ref").standardizedFileURL

    static func url(_ relativePath: String) -> URL { folder.appendingPathComponent(relativePath) }

    /// A raw little-endian float32 file.
    static func floats(_ relativePath: String) throws -> [Float] {
        let data = try Data(contentsOf: url(relativePath))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// A reference 224×224 PNG as a `[1, 224, 224, 3]` pixel tensor.
    static func pixels(_ name: String) throws -> Tensor {
        Tensor(try Image(contentsOf: url("images/\(name).png").path))
    }

    /// An NCHW `[1, 3, H, W]` reference tensor converted to our NHWC layout.
    static func nhwc(fromNCHW values: [Float], height: Int = 224, width: Int = 224) -> Tensor {
        Tensor(shape: [1, 3, height, width], scalars: values).transposed(permutation: [0, 2, 3, 1])
    }

    static let goldenImages = ["chelsea", "coffee", "astronaut", "rocket", "motorcycle_left", "dog"]

    /// The real pretrained model, loaded once for all tests.
    static let model: EfficientNetLite0 = {
        do { return try EfficientNetLite0.pretrained(assets: Assets(root: packageRoot.appendingPathComponent("Assets"))) }
        catch { fatalError("cannot load the pretrained Lite0 (run Scripts/setup): \(error)") }
    }()
}

func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}
