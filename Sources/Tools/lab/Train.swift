import ArgumentParser
import Foundation
import Imaging
import NN
import Notebook
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Teach the pretrained network your own classes from a folder of photos.",
        discussion: """
            DIR holds one sub-folder per class (DIR/cat/1.jpg, DIR/dog/7.png, …), at least two classes and three \
            readable pictures per class. The pictures are split per class into 70% training, 15% validation and \
            15% test; a new head is trained on the frozen network, then its last blocks are fine-tuned with \
            discriminative rates and a cosine decay (kept only if the validation loss improves). Files that are not \
            pictures, or that cannot be decoded, are skipped and listed. The model is written atomically with its \
            class names, and an HTML report with the curves, the confusion matrix and the misclassified test \
            pictures is written beside it.
            Examples:
              swift run lab train my-photos --output my-model.safetensors
              swift run lab train my-photos --fine-tune-blocks 6 --epochs 8
              swift run lab classify --weights my-model.safetensors new-photo.jpg
            """)

    @Argument(help: "A folder with one sub-folder of photos per class.")
    var folder: String

    @Option(help: "The pretrained architecture to start from (only efficientnet-lite0 has weights offline).")
    var model = Architecture.efficientNetLite0.rawValue

    @Option(help: "How many of the 16 blocks to fine-tune after the head (0: train the head only).")
    var fineTuneBlocks = 3

    @Option(help: "Fine-tuning epochs.")
    var epochs = 6

    @Option(help: "Seed of the split, the new head and the shuffling.")
    var seed: UInt64 = 0

    @Option(name: [.short, .customLong("output")], help: "Where to write the trained model (.safetensors).")
    var output = "model.safetensors"

    @Option(help: "The folder for the HTML report (default: the output's name with -report).")
    var report: String?

    func validate() throws {
        guard Architecture(rawValue: model) != nil else { throw ValidationError("\(ZooError.unknownArchitecture(model))") }
        guard (0...16).contains(fineTuneBlocks) else {
            throw ValidationError("--fine-tune-blocks must lie in 0-16, got \(fineTuneBlocks)")
        }
        guard epochs >= 0 else { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
        guard output.hasSuffix(".safetensors") else {
            throw ValidationError("--output must name a .safetensors file, got \(output)")
        }
    }

    func run() throws {
        guard let architecture = Architecture(rawValue: model), architecture == .efficientNetLite0 else {
            throw LabFailure(description: "lab train starts from pretrained weights; only efficientnet-lite0 has "
                             + "them offline, not \(model)")
        }
        let network = try EfficientNetLite0.pretrained()
        let size = network.preprocessing.inputSize
        let bars = StageProgress()
        let photos = try PhotoFolder(folder, size: size) { bars.update("reading \(folder)", done: $0, total: $1) }
        for (path, reason) in photos.skipped { FileHandle.standardError.write(Data("lab: skipped \(path): \(reason)\n".utf8)) }
        print("\(photos.pixels.count) pictures of \(photos.classNames.count) classes: "
              + zip(photos.classNames, photos.classCounts).map { "\($0) \($1)" }.joined(separator: ", "))

        var training = FolderTraining()
        (training.fineTuneBlocks, training.epochs, training.seed) = (fineTuneBlocks, epochs, seed)
        training.progress = { bars.update($0, done: $1, total: $2) }
        let outcome = try training.train(network, on: photos)
        bars.finishAll()

        try FileManager.default.createDirectory(atPath: (output as NSString).deletingLastPathComponent.isEmpty
            ? "." : (output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let classes = String(decoding: try JSONEncoder().encode(photos.classNames), as: UTF8.self)
        try network.saveWeights(to: output, metadata: ["classes": classes, "model": architecture.rawValue,
                                                       "trained_by": "lab train"])
        let reportFolder = report ?? String(output.dropLast(".safetensors".count)) + "-report"
        try TrainingReport(folder: folder, photos: photos, outcome: outcome, output: output).write(to: reportFolder)
        let interval = outcome.test.accuracyInterval
        print("test accuracy \(outcome.test.accuracy.formatted(.percent(1))) on \(outcome.split.test.count) held-back "
              + "pictures (95% interval \(interval.lowerBound.formatted(.percent(0)))–"
              + "\(interval.upperBound.formatted(.percent(0)))); "
              + (outcome.keptFineTuning ? "fine-tuned \(fineTuneBlocks) blocks" : "kept the head-only model"))
        print("wrote \(output) and \(reportFolder)/index.html")
        if !photos.skipped.isEmpty { print("skipped \(photos.skipped.count) file(s), listed above") }
    }
}

