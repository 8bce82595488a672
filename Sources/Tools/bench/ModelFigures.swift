// The model-level figures of `bench models`, measured in a worker process whose thread counts were fixed before
// the engine first read them (`engineThreadCount` is read once). One worker measures one figure, so its peak RSS
// is that figure's. Each figure mirrors one function of Benchmarks/python_side.py, so the columns time the same
// work: the pretrained Lite0 (random weights only when the assets are missing), pixels in [0, 1].

import Engine
import Foundation
import NN
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

/// One measured figure: a name shared with the Python side, its value and unit, and the worker's peak RSS.
struct Figure: Codable {
    let name: String
    let unit: String
    let value: Double
    var peakResidentMegabytes: Double?
    /// True when larger is better (throughput, GFLOPS), so the time ratio is value(other) / value(Swift).
    var isThroughput: Bool { unit == "images/s" || unit == "GFLOPS" }
}

/// The timed figures, in the order the table prints them, with their labels and the runtimes that have them.
let timedFigures: [(name: String, label: String, onnxRuntime: Bool)] = [
    ("forward_b1_ms", "forward, batch 1", true),
    ("forward_b32_ips", "forward, batch 32", true),
    ("features_b32_ips", "pooled features, batch 32", false),
    ("input_gradient_b1_ms", "input gradient, batch 1", false),
    ("train_step_b32_ms", "train step + Adam, batch 32", false),
]

/// The figures whose peak RSS the table reports, and the label of that row.
let memoryFigures: [(name: String, label: String)] = [
    ("forward_b32_ips", "peak RSS, forward b32"),
    ("train_step_b32_ms", "peak RSS, train step b32"),
]

/// The model every figure runs: the real weights when `Scripts/setup` has fetched them.
func benchModel() -> EfficientNetLite0 {
    (try? EfficientNetLite0.pretrained()) ?? EfficientNetLite0()
}

/// Measures `name` (one of `timedFigures`, or `sgemm_gflops`) at the current thread settings.
func measureModelFigure(_ name: String, quick: Bool) -> Figure? {
    let (smallWarmup, smallRuns) = quick ? (2, 3) : (5, 15)
    let (largeWarmup, largeRuns) = quick ? (1, 2) : (2, 5)
    func median(large: Bool, _ body: () -> Void) -> Double {
        let (warmup, runs) = large ? (largeWarmup, largeRuns) : (smallWarmup, smallRuns)
        for _ in 1..<max(warmup, 1) { body() }
        return medianSeconds(repeats: runs, body)
    }
    func pixels(_ batch: Int) -> Tensor { Tensor.random(uniform: [batch, 224, 224, 3], seed: 7) }
    switch name {
    case "sgemm_gflops":
        // The ceiling: OpenBLAS's best square sgemm at these threads.
        let best = [512, 1024].map { n -> Double in
            let a = Tensor.random(uniform: [n, n], seed: 1), b = Tensor.random(uniform: [n, n], seed: 2)
            return 2 * pow(Double(n), 3) / medianSeconds(repeats: quick ? 3 : 10) { _ = matmul(a, b) } / 1e9
        }.max()!
        return Figure(name: name, unit: "GFLOPS", value: best)
    case "forward_b1_ms", "forward_b32_ips", "features_b32_ips":
        let batch = name == "forward_b1_ms" ? 1 : 32
        let model = benchModel(), x = pixels(batch)
        let seconds = median(large: batch > 1) {
            _ = withoutGradients { name == "features_b32_ips" ? model.features(x) : model(x) }
        }
        return Figure(name: name, unit: batch == 1 ? "ms" : "images/s", value: batch == 1 ? seconds * 1000 : 32 / seconds)
    case "input_gradient_b1_ms":
        // The attack step: weights frozen (as the attacks do, and as PyTorch's requires_grad_(False)).
        let model = benchModel(), base = pixels(1)
        model.freeze()
        let seconds = median(large: false) {
            let x = base.requiringGradient()
            _ = crossEntropy(logits: model(x), labels: [284]).gradient(for: x)
        }
        return Figure(name: name, unit: "ms", value: seconds * 1000)
    case "train_step_b32_ms":
        let model = benchModel(), x = pixels(32)
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
        return Figure(name: name, unit: "ms", value: seconds * 1000)
    default:
        return nil
    }
}

/// This process's peak resident set size in MB (`ru_maxrss` is in KiB on Linux).
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Multiply-adds of one 224×224 Lite0 forward pass, counted from the model's layers.
func lite0MultiplyAdds() -> Double {
    Double(withoutGradients { EfficientNetLite0().folded().multiplyAddCount(imageSize: 224) })
}
