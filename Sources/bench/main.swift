// `swift run -c release bench [--quick]`: the engine's kernels (sgemm GFLOPS, convolution timings).
// `swift run -c release bench models [--threads N] [--json] [--quick] [--channels-last]`: EfficientNet-Lite0 end to end against
// PyTorch CPU (Benchmarks/pytorch_reference.py) at 1 and 2 threads, or N only.
//
// Thread counts are fixed per process — the engine reads TRANSFERLAB_NUM_THREADS once and OpenBLAS its own
// setting at start-up — so every thread count runs in a fresh worker process (`bench models-worker`), and the
// peak RSS of the training step in one more worker that runs nothing else.

import COpenBLAS
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")

func value(after flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

switch arguments.first {
case "models":
    let threadCounts = value(after: "--threads").flatMap(Int.init).map { [$0] } ?? [1, 2]
    runModelComparison(threadCounts: threadCounts, json: arguments.contains("--json"), quick: quick,
                       channelsLast: arguments.contains("--channels-last"))
case "models-worker":
    // Child process: its environment already holds the thread counts; measure and print JSON.
    let threads = value(after: "--threads").flatMap(Int.init) ?? 1
    openblas_set_num_threads(Int32(threads))
    var figures = measureModelFigures(quick: quick, only: value(after: "--only"))
    if value(after: "--only") == "train_step_b32_ms" {
        figures = [Figure(name: "train_step_b32_rss_mb", unit: "MB", value: peakResidentMegabytes())]
    }
    let data = try JSONEncoder().encode(figures)
    print(String(decoding: data, as: UTF8.self))
default:
    runKernels(quick: quick)
}
