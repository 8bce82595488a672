// What lessons 2 and 3 compute once and read back: the frozen network's output for a set of pictures, cached on
// disk by `FeatureCache` (keyed by dataset, pictures, model, input size and a fingerprint of the frozen weights),
// computed with a progress bar the first time and announced as read from the cache afterwards.

import Datasets
import Foundation
import Engine
import Models
import NN
import Notebook

extension EfficientNetLite {
    /// The pooled features (`[N, 1280]`) of the pictures `indices` of `dataset` framed to `inputSize` (the model's
    /// own by default), with their labels: read from the cache when an earlier run stored them, otherwise computed
    /// with a progress bar labelled `label` and stored.
    ///
    /// - Throws: what decoding a picture throws, or `CheckpointError` when the cache cannot be written.
    public func cachedFeatures(of dataset: PixelDataset, at indices: [Int], inputSize: Int? = nil,
                               label: String) throws -> TensorDataset {
        let size = inputSize ?? variant.inputSize
        let key = FeatureCache.Key(dataset: dataset.name, model: name, inputSize: size, indices: indices)
        let progress = Progress(total: indices.count, label: "\(label), \(name) at \(size) px")
        let (tensor, cached) = try FeatureCache.standard.tensor(for: key) {
            try extractFeatures(of: dataset, at: indices, inputSize: size) {
                progress.advance(by: $0 - progress.completed)
            }
        }
        if cached { print("\(label), \(name) at \(size) px: read from the cache") } else { progress.finish() }
        return TensorDataset(inputs: tensor, labels: indices.map { dataset.labels[$0] })
    }

    /// The activations entering block `cut` for each of `parts` (pictures and a label) at `inputSize`, with their
    /// labels: read from the cache, or computed once with a progress bar and stored (see `cachedActivations`).
    public func cachedActivations(of parts: [(pictures: DatasetSubset<PixelDataset>, label: String)], before cut: Int,
                                  inputSize: Int) throws -> [TensorDataset] {
        try parts.map { part, label in
            let progress = Progress(total: part.count, label: "\(label) at \(inputSize) px, blocks 0–\(cut - 1)")
            let (activations, cached) = try cachedActivations(of: part, before: cut, inputSize: inputSize) {
                progress.advance(by: $0 - progress.completed)
            }
            if cached { print("\(label) at \(inputSize) px: read from the cache") } else { progress.finish() }
            return activations
        }
    }

    /// The CPU milliseconds per picture the pooled features of `batch` (`[N, S, S, 3]`) take on this machine (see
    /// the free function of the same name).
    public func millisecondsPerPicture(_ batch: Tensor, runs: Int = 3) -> Double {
        Course.millisecondsPerPicture(batch, runs: runs) { features($0) }
    }
}

/// The CPU milliseconds per picture `forward` takes on `batch` (pictures along the first axis): after one untimed
/// warm-up run (weights are packed and buffers grown on first use), the fastest of `runs` runs, in inference mode
/// without gradients. CPU time (user + system, summed over the process's threads) rather than the clock: on a busy
/// machine the clock also counts the time other programs held the cores, and it made the same model look 3x slower
/// from one figure to the next.
public func millisecondsPerPicture(_ batch: Tensor, runs: Int = 3, _ forward: (Tensor) -> Tensor) -> Double {
    func pass() { _ = withLearningPhase(.inference) { withoutGradients { forward(batch) } } }
    pass()
    var seconds: [Double] = []
    for _ in 0..<max(runs, 1) {
        let start = processCPUSeconds()
        pass()
        seconds.append(processCPUSeconds() - start)
    }
    return seconds.min()! * 1000 / Double(max(batch.shape[0], 1))
}

/// The CPU time this process has used so far (user + system, all threads), in seconds.
public func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

extension Evaluation {
    /// The 95% Wilson interval of the accuracy as text, e.g. "82.7%–87.1%".
    public var accuracyIntervalText: String {
        accuracyInterval.lowerBound.formatted(.percent(1)) + "–" + accuracyInterval.upperBound.formatted(.percent(1))
    }
}

extension Notebook {
    /// A table of recipes judged on the same test pictures: name, trainable weights, test accuracy, its 95% interval,
    /// and the test pictures each one fixed and broke against `baseline`.
    public func recipeTable(_ rows: [(name: String, trainable: Int, test: Evaluation)], against baseline: Evaluation,
                            caption: String) {
        table(headers: ["recipe", "trainable weights", "test accuracy", "95% interval", "fixed / broken vs frozen"],
              rows: rows.map { row in
                  let changes = baseline.changes(to: row.test)
                  return [row.name, row.trainable.formatted(), row.test.accuracy.formatted(.percent(1)),
                          row.test.accuracyIntervalText, "\(changes.fixed) / \(changes.broken)"]
              }, caption: caption)
    }
}

extension Trainer {
    /// `fit(_:validation:epochs:)` with a progress bar labelled `label` that shows each epoch's validation loss.
    public func fit(_ training: TensorDataset, validation: TensorDataset, epochs: Int, progressLabel label: String)
        throws -> History {
        let progress = Progress(total: epochs, label: label)
        let previous = onEpochEnd
        onEpochEnd = { record in
            previous?(record)
            progress.advance(status: record.validationLoss.map { "val_loss \($0.formatted(.fixed(3)))" })
        }
        defer { onEpochEnd = previous }
        let history = try fit(training, validation: validation, epochs: epochs)
        progress.finish()
        return history
    }
}
