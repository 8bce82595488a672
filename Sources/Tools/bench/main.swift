// `swift run -c release bench [--quick]`: the engine's kernels (sgemm GFLOPS, convolution timings).
// `swift run -c release bench models [--threads N] [--json] [--quick]`: EfficientNet-Lite0 end to end against
// PyTorch CPU and ONNX Runtime CPU (Benchmarks/python_side.py, in the environment `Scripts/setup --bench` makes)
// at 1 and 2 threads, or N only. `--json` prints one JSON array (see ModelComparison.swift).
//
// Thread counts are fixed per process — the engine reads TRANSFERLAB_NUM_THREADS once (its matrix products use
// the same threads) — so every figure runs in a fresh worker process (`bench models-worker`), whose peak RSS is
// then that figure's.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")

func value(after flag: String) -> String? {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
    exit(status)
}

switch arguments.first {
case "models":
    var threadCounts = [1, 2]
    if let text = value(after: "--threads") {
        guard let threads = Int(text), threads >= 1 else { fail("--threads needs a positive number, got '\(text)'", status: 2) }
        threadCounts = [threads]
    }
    runModelComparison(threadCounts: threadCounts, json: arguments.contains("--json"), quick: quick)
case "models-worker":
    // Child process: its environment already holds the thread counts; measure one figure and print it as JSON.
    guard let name = value(after: "--only"), var figure = measureModelFigure(name, quick: quick) else {
        fail("models-worker needs --only FIGURE with a known figure", status: 2)
    }
    figure.peakResidentMegabytes = peakResidentMegabytes()
    let data = try JSONEncoder().encode(figure)
    print(String(decoding: data, as: UTF8.self))
case nil, "--quick":
    runKernels(quick: quick)
case let other?:
    fail("unknown command '\(other)' (use: bench [--quick] | bench models [--threads N] [--json] [--quick])", status: 2)
}
