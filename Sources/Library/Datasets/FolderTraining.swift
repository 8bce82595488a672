// Transfer learning on a folder of one's own photos, in one call (what `lab train DIR` runs): list and decode
// the pictures (skipping and naming the bad ones), split them per class 70/15/15, train a new head on the frozen
// pretrained Lite0, then fine-tune its last blocks with discriminative rates and a cosine decay — keeping the
// fine-tuned weights only if the validation loss says they are better.

import Models
import Engine
import Foundation
import Imaging
import NN

/// Labelled photos decoded from a folder of class folders, with the files that could not be used.
public struct PhotoFolder: Sendable {
    /// Class names by label: the sorted names of the class folders.
    public let classNames: [String]
    /// The decoded pictures, framed to the model's input size, as `[N, size, size, 3]` pixels.
    public let pixels: TensorDataset
    /// The file of each picture.
    public let files: [String]
    /// Files left out, with the reason (not a picture, empty, truncated, undecodable).
    public let skipped: [(path: String, reason: String)]

    /// Lists `root` with `ImageFolder`, decodes every picture and frames it to `size`×`size` as `preprocessing`
    /// would; a file that fails to decode is skipped and listed, not fatal.
    ///
    /// - Throws: `DatasetError` when `root` is missing, not a folder or holds no readable pictures;
    ///   `FolderTrainingError` when fewer than two classes, or a class with fewer than `minimumPerClass`
    ///   pictures, remain.
    public init(_ root: String, size: Int, minimumPerClass: Int = 3, progress: ((Int, Int) -> Void)? = nil) throws {
        let listing = try ImageFolder.load(root)
        let framing = Preprocessing(inputSize: size, framing: .centerSquareThenResize, normalization: .centeredOn127)
        var values: [Float] = [], labels: [Int] = [], files: [String] = []
        var skipped = listing.skipped
        for index in 0..<listing.count {
            do {
                values += framing.framed(try listing.image(at: index)).pixels
                labels.append(listing.labels[index])
                files.append(listing.files[index])
            } catch {
                skipped.append((listing.files[index], "\(error)"))
            }
            progress?(index + 1, listing.count)
        }
        guard !labels.isEmpty else { throw DatasetError.empty(path: root) }
        var counts = [Int](repeating: 0, count: listing.classNames.count)
        for label in labels { counts[label] += 1 }
        let present = counts.indices.filter { counts[$0] > 0 }
        guard present.count >= 2 else {
            throw FolderTrainingError.singleClass(folder: root, name: listing.classNames[present[0]])
        }
        if let small = counts.indices.first(where: { counts[$0] < minimumPerClass }) {
            throw FolderTrainingError.tooFewPictures(className: listing.classNames[small], count: counts[small],
                                                     minimum: minimumPerClass)
        }
        classNames = listing.classNames
        pixels = TensorDataset(inputs: Tensor(shape: [labels.count, size, size, 3], scalars: values), labels: labels)
        self.files = files
        self.skipped = skipped
    }

    /// The number of pictures of each class, by label.
    public var classCounts: [Int] {
        pixels.labels.reduce(into: [Int](repeating: 0, count: classNames.count)) { $0[$1] += 1 }
    }
}

/// Why a folder cannot be trained on; one line each.
public enum FolderTrainingError: Error, CustomStringConvertible, Equatable {
    case singleClass(folder: String, name: String)
    case tooFewPictures(className: String, count: Int, minimum: Int)

    /// One line naming the problem and what to do.
    public var description: String {
        switch self {
        case .singleClass(let folder, let name):
            return "\(folder) has pictures of one class only (\(name)); put each class in its own sub-folder, "
                + "at least two classes"
        case .tooFewPictures(let name, let count, let minimum):
            return "class '\(name)' has \(count) readable picture\(count == 1 ? "" : "s"); the 70/15/15 split "
                + "needs at least \(minimum) per class"
        }
    }
}

/// The settings and the outcome of transfer learning on a `PhotoFolder`.
public struct FolderTraining {
    /// How many of the 16 blocks to fine-tune after the head (0: the head only).
    public var fineTuneBlocks = 3
    /// Fine-tuning epochs (the head trains with early stopping, up to `headEpochs`).
    public var epochs = 6
    /// The most epochs the head trains for.
    public var headEpochs = 100
    /// Seeds the split, the head's initialization and the shuffling.
    public var seed: UInt64 = 0
    /// Called as training runs: a stage name, the steps done and the steps in the stage.
    public var progress: ((_ stage: String, _ done: Int, _ total: Int) -> Void)?

    /// Default settings: 3 blocks, 6 epochs.
    public init() {}

    /// What training produced.
    public struct Outcome {
        /// The trained network, its classifier replaced by one for the folder's classes.
        public let model: EfficientNetLite0
        /// Positions in the folder of the training, validation and test pictures.
        public let split: DataSplit
        /// The head's epochs (phase 1) and the fine-tuning epochs (phase 2, empty when not run).
        public let headHistory: History, fineTuningHistory: History
        /// Whether the fine-tuned weights were kept (they are when they lower the validation loss).
        public let keptFineTuning: Bool
        /// The kept model on the held-back test pictures.
        public let test: Evaluation
    }

    /// Trains `model` (pretrained, any classifier) on `folder`: replaces its classifier, trains the head on frozen
    /// features, fine-tunes the last `fineTuneBlocks` blocks, keeps the better phase by validation loss.
    public func train(_ model: EfficientNetLite0, on folder: PhotoFolder) throws -> Outcome {
        precondition((0...model.blockCount).contains(fineTuneBlocks), "fineTuneBlocks must lie in 0…16")
        let split = DataSplit(labels: folder.pixels.labels, seed: seed)
        model.replaceClassifier(labels: folder.classNames, seed: seed)
        model.freezeBase()
        let cut = model.blockCount - fineTuneBlocks, tail = model.tail(from: cut)
        // The frozen part runs once per picture; both phases train on its output.
        let batches = folder.pixels.batches(size: 16)
        var parts: [Tensor] = []
        for (index, batch) in batches.enumerated() {
            parts.append(withoutGradients { model.activations(of: batch.inputs, before: cut) })
            progress?("frozen blocks", index + 1, batches.count)
        }
        let activations = TensorDataset(inputs: concatenate(parts, alongAxis: 0), labels: folder.pixels.labels)
        let (training, validation, test) = (activations.subset(split.training), activations.subset(split.validation),
                                            activations.subset(split.test))
        let pooled = { (part: TensorDataset) in
            withoutGradients { TensorDataset(inputs: tail.features(part.inputs), labels: part.labels) }
        }
        let head = Sequential(model.dropout, model.classifier)
        let headTrainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 16, seed: seed,
                                  callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
        headTrainer.onEpochEnd = { progress?("head", $0.epoch, headEpochs) }
        let headHistory = try headTrainer.fit(pooled(training), validation: pooled(validation), epochs: headEpochs)
        guard fineTuneBlocks > 0, epochs > 0 else {
            return Outcome(model: model, split: split, headHistory: headHistory, fineTuningHistory: History(),
                           keptFineTuning: false, test: Trainer.evaluate(tail, on: test))
        }
        let afterHead = model.stateDictionary, headLoss = Trainer.evaluate(tail, on: validation).loss
        model.freezeBase(unfreezingLast: fineTuneBlocks)
        let stepsPerEpoch = (training.count + 15) / 16
        let optimizer = Adam(schedule: CosineDecay(initialRate: 1e-3, decaySteps: epochs * stepsPerEpoch))
        model.setDiscriminativeRates(on: optimizer)
        let trainer = Trainer(model: tail, optimizer: optimizer, batchSize: 16, seed: seed)
        trainer.onBatchEnd = { progress?("fine-tuning", ($0.epoch - 1) * $0.batchCount + $0.batch, epochs * $0.batchCount) }
        let history = try trainer.fit(training, validation: validation, epochs: epochs)
        let kept = (history.last?.validationLoss ?? .infinity) <= headLoss
        if !kept { try model.load(afterHead) }
        model.freeze()
        return Outcome(model: model, split: split, headHistory: headHistory, fineTuningHistory: history,
                       keptFineTuning: kept, test: Trainer.evaluate(tail, on: test))
    }
}
