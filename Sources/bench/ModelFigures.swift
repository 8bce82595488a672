// The model-level figures of `bench models`, measured in a worker process whose thread counts were fixed before
// the engine first read them (`engineThreadCount` is read once). Each figure mirrors one function of
// Benchmarks/pytorch_reference.py, so the two columns time the same work.

import Engine
import Foundation
import NN
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

/// One measured figure: a name shared with the PyTorch script, its value and unit.
struct Figure: Codable {
    let name: String
    let unit: String
    let value: Double
    /// True when larger is better (throughput), so the time ratio is value(PyTorch) / value(Swift).
    var isThroughput: Bool { unit == "images/s" }
}

/// What each figure means, in the order the table prints them.
let figureDescriptions: [(name: String, label: String)] = [
    ("forward_b1_ms", "forward, batch 1"),
    ("forward_b32_ips", "forward, batch 32"),
    ("features_b32_ips", "pooled features, batch 32"),
    ("input_gradient_b1_ms", "input gradient, batch 1"),
    ("train_step_b32_ms", "train step + Adam, batch 32"),
    ("train_step_b32_rss_mb", "peak RSS, train step b32"),
]

/// Runs the model figures (or just `only`) at the current thread settings.
func measureModelFigures(quick: Bool, only: String?) -> [Figure] {
    let (smallWarmup, smallRuns) = quick ? (1, 3) : (3, 15)
    let (largeWarmup, largeRuns) = quick ? (1, 2) : (2, 5)
    func median(large: Bool, _ body: () -> Void) -> Double {
        let (warmup, runs) = large ? (largeWarmup, largeRuns) : (smallWarmup, smallRuns)
        for _ in 1..<max(warmup, 1) { body() }
        return medianSeconds(repeats: runs, body)
    }
    func pixels(_ batch: Int) -> Tensor { Tensor.random(uniform: [batch, 224, 224, 3], seed: 7) }
    var figures: [Figure] = []
    func wanted(_ name: String) -> Bool { only == nil || only == name }

    if wanted("forward_b1_ms") {
        let model = EfficientNetLite0(), x = pixels(1)
        let seconds = median(large: false) { _ = withoutGradients { model(x) } }
        figures.append(Figure(name: "forward_b1_ms", unit: "ms", value: seconds * 1000))
    }
    if wanted("forward_b32_ips") {
        let model = EfficientNetLite0(), x = pixels(32)
        let seconds = median(large: true) { _ = withoutGradients { model(x) } }
        figures.append(Figure(name: "forward_b32_ips", unit: "images/s", value: 32 / seconds))
    }
    if wanted("features_b32_ips") {
        let model = EfficientNetLite0(), x = pixels(32)
        let seconds = median(large: true) { _ = withoutGradients { model.features(x) } }
        figures.append(Figure(name: "features_b32_ips", unit: "images/s", value: 32 / seconds))
    }
    if wanted("input_gradient_b1_ms") {
        // The attack step: weights frozen (as the attacks do, and as PyTorch's requires_grad_(False)).
        let model = EfficientNetLite0(), base = pixels(1)
        model.freeze()
        let seconds = median(large: false) {
            let x = base.requiringGradient()
            _ = crossEntropy(logits: model(x), labels: [284]).gradient(for: x)
        }
        figures.append(Figure(name: "input_gradient_b1_ms", unit: "ms", value: seconds * 1000))
    }
    if wanted("train_step_b32_ms") {
        let model = EfficientNetLite0(), x = pixels(32)
        var generator = SeededGenerator(seed: 11)
        let labels = (0..<32).map { _ in Int.random(in: 0..<1000, using: &generator) }
        let optimizer = Adam(learningRate: 1e-4)
        let parameters = model.trainableParameters
        let seconds = median(large: true) {
            withLearningPhase(.training) {
                let loss = crossEntropy(logits: model(x), labels: labels)
                optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
            }
        }
        figures.append(Figure(name: "train_step_b32_ms", unit: "ms", value: seconds * 1000))
    }
    return figures
}

/// This process's peak resident set size in MB (`ru_maxrss` is in KiB on Linux).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}
