import ExerciseSupport
import Foundation
import TransferLab

// Lab checks grade what a student's code achieves with the real library: the real pretrained Lite0 on the photos
// of Assets/, real training on Fashion-MNIST. They are heavy, so each states its own time limit (the grader
// prints it), and what costs most and never changes — the weights, frozen features, reference runs — is loaded
// once per process or computed once and kept under .grader/cache.

/// Where lab checks keep what they compute once: `$TRANSFERLAB_GRADER_CACHE` (the grader sets it to
/// `.grader/cache` of the package) or `.grader/cache` under the working directory.
public enum LabCache {
    /// The environment variable the grader sets for its check runners.
    public static let environmentVariable = "TRANSFERLAB_GRADER_CACHE"

    /// The cache folder (created on the first write).
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment[environmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: ".grader/cache", isDirectory: true)
    }

    /// The examples stored under `name` (a safetensors file of inputs and labels), or — when there is none or it
    /// cannot be read — the result of `compute`, written for next time (atomically, so checks running side by
    /// side never read half a file).
    public static func dataset(named name: String, compute: () throws -> TensorDataset) throws -> TensorDataset {
        let url = directory.appendingPathComponent("\(name).safetensors")
        if let file = try? CheckpointFile.load(from: url.path), let inputs = file["inputs"],
            let labels = file["labels"], inputs.shape.first == labels.scalars.count
        {
            return TensorDataset(
                inputs: Tensor(shape: inputs.shape, scalars: inputs.scalars), labels: labels.scalars.map { Int($0) })
        }
        let dataset = try compute()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try CheckpointFile.writeSafetensors(
            [
                NamedTensor(
                    name: "inputs", shape: dataset.inputs.shape, dtype: .float32, scalars: dataset.inputs.scalars),
                NamedTensor(
                    name: "labels", shape: [dataset.count], dtype: .float32, scalars: dataset.labels.map(Float.init)),
            ], to: url.path, metadata: ["name": name])
        return dataset
    }
}

/// The real model, photos and data that lab checks hand to the student's code.
public enum Lab {
    /// The pretrained weights, read from disk once per process.
    private static let weights = Result { try EfficientNetLite0.pretrained().stateDictionary }

    /// A fresh pretrained EfficientNet-Lite0 (the student's code may freeze or change it; the next check gets
    /// its own). Loading copies no weights: tensors share storage until written.
    ///
    /// - Throws: the missing-asset error that names `Scripts/setup`.
    public static func pretrainedModel() throws -> EfficientNetLite0 {
        let model = EfficientNetLite0()
        try model.load(try weights.get())
        return model
    }

    /// A sample photo of `Assets/photos`, decoded.
    public static func photo(_ name: String) throws -> Image {
        try Image(contentsOf: try Assets.standard.photo(name))
    }

    /// Every sample photo's file name.
    public static var photoNames: [String] { Assets.standard.photoNames() }

    /// `photo` framed as Lite0 wants it and stored as an 8-bit PNG and read back: a picture on the 8-bit grid,
    /// as an attack starts from.
    public static func framedOn8BitGrid(_ photo: Image, model: EfficientNetLite0) throws -> Image {
        try roundTripped(model.preprocessing.framed(photo))
    }

    /// `image` written as an 8-bit PNG and decoded again (what saving an adversarial picture does to it).
    public static func roundTripped(_ image: Image) throws -> Image {
        try Image(decoding: try image.pngData(), name: "round trip")
    }

    /// Softmax probabilities of one picture `[1, H, W, 3]` (inference, no gradients).
    public static func probabilities(of pixels: Tensor, model: EfficientNetLite0) -> [Float] {
        withLearningPhase(.inference) { withoutGradients { softmax(model(pixels.detached())).scalars } }
    }

    /// "German shepherd (235) 0.52": a class with its name and probability, as feedback shows it.
    public static func describe(_ index: Int, probability: Float, labels: [String]) -> String {
        let name = index >= 0 && index < labels.count ? labels[index] : "class \(index)"
        return "\(name) (\(index)) \(formatted(probability))"
    }

    /// The top `count` classes of `probabilities`, most probable first, smaller index first on ties.
    public static func ranking(_ probabilities: [Float], count: Int) -> [Int] {
        Array(probabilities.indices.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
        }.prefix(count))
    }

    /// A shape a student can read: "[1, 224, 224, 3]".
    public static func describe(shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

/// The largest |a[i] − b[i]| of two same-length arrays (infinity when a value is not finite).
func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { worst, pair in
        let difference = abs(pair.0 - pair.1)
        return difference.isFinite ? max(worst, difference) : .infinity
    }
}
