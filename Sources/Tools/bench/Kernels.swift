// `swift run -c release bench`: the engine's raw speed — sgemm GFLOPS and convolution timings — as a table.
// Each figure is the median of repeated runs after a warm-up. Thread count: the engine's
// (TRANSFERLAB_NUM_THREADS, else the machine's cores), which its sgemm uses too; run with 1 and 2 to compare.

import Dispatch
import Engine
import Foundation

/// Median wall-clock seconds of `body` over `repeats` runs after one warm-up.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).map { $0.count >= $1 ? $0 : String(repeating: " ", count: $1 - $0.count) + $0 }
        .joined(separator: "  ")
}

/// Prints sgemm GFLOPS for square sizes and conv2d timings for EfficientNet-Lite0 shapes.
func runKernels(quick: Bool) {
    print("engine threads: \(engineThreadCount), cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")

    print("sgemm (C = A·B, square, float32)")
    let gemmWidths = [6, 10, 10]
    print(row(["n", "ms", "GFLOPS"], widths: gemmWidths))
    for n in quick ? [256, 512] : [256, 512, 1024, 2048] {
        let a = Tensor.random(uniform: [n, n], seed: 1), b = Tensor.random(uniform: [n, n], seed: 2)
        let seconds = medianSeconds(repeats: n >= 2048 ? 3 : 10) { _ = matmul(a, b) }
        print(row([String(n), String(format: "%.2f", seconds * 1000), String(format: "%.1f", 2 * pow(Double(n), 3) / seconds / 1e9)],
                  widths: gemmWidths))
    }

    print("\nconv2d forward (NHWC, EfficientNet-Lite0 shapes, batch 1)")
    struct ConvCase { let name: String; let input: [Int]; let filter: [Int]; let stride: Int; let groups: Int }
    let cases = [
        ConvCase(name: "stem 3x3 s2 3→32", input: [1, 224, 224, 3], filter: [32, 3, 3, 3], stride: 2, groups: 1),
        ConvCase(name: "depthwise 3x3 96ch @112", input: [1, 112, 112, 96], filter: [96, 1, 3, 3], stride: 2, groups: 96),
        ConvCase(name: "depthwise 5x5 240ch @28", input: [1, 28, 28, 240], filter: [240, 1, 5, 5], stride: 1, groups: 240),
        ConvCase(name: "pointwise 1x1 144→24 @56", input: [1, 56, 56, 144], filter: [24, 144, 1, 1], stride: 1, groups: 1),
        ConvCase(name: "pointwise 1x1 320→1280 @7", input: [1, 7, 7, 320], filter: [1280, 320, 1, 1], stride: 1, groups: 1),
        ConvCase(name: "dense 3x3 64→64 @56", input: [1, 56, 56, 64], filter: [64, 64, 3, 3], stride: 1, groups: 1),
    ]
    let convWidths = [28, 10, 10]
    print(row(["layer", "ms", "GFLOPS"], widths: convWidths))
    for c in cases {
        let input = Tensor.random(uniform: c.input, seed: 3), filter = Tensor.random(uniform: c.filter, seed: 4)
        var output = Tensor(zeros: [1])
        let seconds = medianSeconds(repeats: 20) { output = conv2d(input, filter: filter, stride: c.stride, padding: .same, groups: c.groups) }
        let flops = 2.0 * Double(output.scalarCount) * Double(c.filter[1] * c.filter[2] * c.filter[3])
        print(row([c.name, String(format: "%.3f", seconds * 1000), String(format: "%.1f", flops / seconds / 1e9)], widths: convWidths))
    }
}
