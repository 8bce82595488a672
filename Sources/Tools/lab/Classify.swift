import ArgumentParser
import Checkpoint
import Foundation
import Imaging
import NN
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the top ImageNet classes of photos.",
        discussion: """
            A photo of any size is framed and resized as the model requires; a 224x224 photo is used as is.
            Examples:
              swift run lab classify Assets/photos/chelsea.png
              swift run lab classify a.jpg b.png --top 3 --json
              swift run lab classify cat.png --model efficientnet-lite0 --weights my-finetuned.safetensors
            """)

    @Argument(help: "PNG or JPEG photos to classify.")
    var photos: [String]

    @Option(help: "The architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model = Architecture.efficientNetLite0.rawValue

    @Option(help: "A checkpoint (.pth or .safetensors) for the architecture instead of its pretrained weights.")
    var weights: String?

    @Option(help: "How many classes to show per photo (1-1000).")
    var top = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard !photos.isEmpty else { throw ValidationError("give at least one photo") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be between 1 and 1000, got \(top)") }
        guard Architecture(rawValue: model) != nil else { throw ValidationError("\(ZooError.unknownArchitecture(model))") }
    }

    func run() throws {
        let network = try loadClassifier(model, weights: weights)
        var results: [(photo: String, top: [Prediction])] = []
        var failures = 0
        for photo in photos {
            do {
                let image = try Image(contentsOf: photo)
                results.append((photo, network.classify(image, top: top)))
                if !json { printTable(photo: photo, predictions: results.last!.top) }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("lab: \(error)\n".utf8))
            }
        }
        if json { try printJSON(model: network.name, results: results) }
        if failures > 0 { throw ExitCode.failure }
    }

    private func printTable(photo: String, predictions: [Prediction]) {
        print(photo)
        for (rank, prediction) in predictions.enumerated() {
            let label = prediction.label.padding(toLength: 28, withPad: " ", startingAt: 0)
            let bar = String(repeating: "█", count: Int((prediction.probability * 30).rounded()))
            print(String(format: "  %d. %4d  %@ %6.2f%%  %@", rank + 1, prediction.index, label,
                         prediction.probability * 100, bar))
        }
    }

    private func printJSON(model: String, results: [(photo: String, top: [Prediction])]) throws {
        struct Result: Encodable { let image: String; let top: [Prediction] }
        struct Output: Encodable { let model: String; let results: [Result] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = Output(model: model, results: results.map { Result(image: $0.photo, top: $0.top) })
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    }
}

/// The named architecture with its pretrained weights, or with the user's checkpoint.
func loadClassifier(_ name: String, weights: String?) throws -> any ImageClassifier {
    guard let architecture = Architecture(rawValue: name) else { throw ZooError.unknownArchitecture(name) }
    guard let weights else {
        guard architecture.hasPretrainedWeights else { throw ZooError.noPretrainedWeights(architecture) }
        return try architecture.pretrained()
    }
    let network = try trainedClassifier(architecture, weights: weights) ?? architecture.build()
    do {
        try network.loadWeights(from: weights)
    } catch let error as StateLoadingError {
        throw LabFailure(description: "\(weights): \(error)")
    }
    return network
}

/// The network a `lab train` checkpoint describes — its architecture with one output per class it names in its
/// metadata — or nil for any other checkpoint (which then loads into the plain architecture).
func trainedClassifier(_ architecture: Architecture, weights: String) throws -> (any ImageClassifier)? {
    guard weights.hasSuffix(".safetensors") else { return nil }
    let metadata = try CheckpointFile.load(from: weights).metadata
    guard let text = metadata["classes"] else { return nil }
    guard let classes = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), classes.count >= 2 else {
        throw LabFailure(description: "\(weights): the class names in its metadata are not a JSON list of names")
    }
    if let trainedFrom = metadata["model"], trainedFrom != architecture.rawValue {
        throw LabFailure(description: "\(weights) was trained from \(trainedFrom); pass --model \(trainedFrom)")
    }
    guard architecture == .efficientNetLite0 else { return nil }
    return EfficientNetLite0(classCount: classes.count, labels: classes)
}
