// `bench models`: Swift, PyTorch and ONNX Runtime side by side, interleaved figure by figure (so load on the
// machine hits all three alike), one fresh process per figure and runtime. The Python side runs with the
// interpreter of .venv-bench/ (made by `Scripts/setup --bench`).
//
// ratio = Swift time / other time (throughput: other images/s ÷ Swift images/s; RSS: Swift MB ÷ other MB), so
// below 1 means Swift is faster or smaller.

import Foundation

/// Runs `executable` with `arguments` and extra environment; returns its standard output, or nil on failure
/// (its standard error passes through, so the reason is seen).
func runChild(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
}

/// The package root (the folder holding Package.swift), found by walking up from this source file.
func packageRoot() -> URL {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url = url.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}

/// The bench environment's Python, or nil when `Scripts/setup --bench` has not made it (or did not finish).
func benchPython() -> String? {
    let venv = packageRoot().appendingPathComponent(".venv-bench")
    let python = venv.appendingPathComponent("bin/python").path
    let complete = FileManager.default.fileExists(atPath: venv.appendingPathComponent(".complete").path)
    return complete && FileManager.default.isExecutableFile(atPath: python) ? python : nil
}

/// One figure of one runtime as the Python side reports it.
struct OtherFigure: Decodable {
    let runtime: String, version: String, name: String, unit: String, value: Double
    let peakRssMb: Double
    let layout: String?
}

/// Runs Benchmarks/python_side.py for one figure; nil (after its error on stderr) when it failed.
func otherFigure(_ runtime: String, _ name: String, threads: Int, quick: Bool, layout: String? = nil,
                 python: String) -> OtherFigure? {
    let script = packageRoot().appendingPathComponent("Benchmarks/python_side.py").path
    let arguments = [script, "--runtime", runtime, "--figure", name, "--threads", String(threads)]
        + (quick ? ["--quick"] : []) + (layout.map { ["--layout", $0] } ?? [])
    guard let output = runChild(python, arguments),
          let line = output.split(separator: "\n").last else {
        FileHandle.standardError.write(Data("bench: \(runtime) failed on \(name)\n".utf8))
        return nil
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try? decoder.decode(OtherFigure.self, from: Data(line.utf8))
}

/// One Swift figure from a fresh worker process at `threads`.
func swiftFigure(_ name: String, threads: Int, quick: Bool) -> Figure? {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
    // The engine threads its own sgemm calls; OpenBLAS then needs no thread pool of its own.
    let environment = ["TRANSFERLAB_NUM_THREADS": String(threads), "OPENBLAS_NUM_THREADS": "1"]
    guard let output = runChild(me, ["models-worker", "--threads", String(threads), "--only", name]
                                    + (quick ? ["--quick"] : []), environment: environment),
          let line = output.split(separator: "\n").last,
          let figure = try? JSONDecoder().decode(Figure.self, from: Data(line.utf8)) else {
        FileHandle.standardError.write(Data("bench: the Swift worker failed on \(name)\n".utf8))
        return nil
    }
    return figure
}

/// A row of the comparison: one figure at one thread count, per runtime.
struct ComparisonRow: Encodable {
    let name: String, label: String, threads: Int, unit: String
    let swift: Double
    let pytorch: Double?, onnxruntime: Double?
    /// Swift relative to each (below 1: Swift better).
    let ratioPytorch: Double?, ratioOnnxruntime: Double?
    /// The PyTorch memory layout that was faster for this figure.
    let pytorchLayout: String?
    /// Achieved GFLOPS over the sgemm ceiling at these threads (forward figures only).
    let ceilingSwift: Double?, ceilingPytorch: Double?, ceilingOnnxruntime: Double?
}

/// Swift relative to another runtime's value of the same figure; below 1 means Swift is better.
func ratio(_ swift: Double, _ other: Double?, throughput: Bool) -> Double? {
    guard let other, swift > 0, other > 0 else { return nil }
    return throughput ? other / swift : swift / other
}

/// Measures every figure at every thread count, interleaved, and prints the table (or one JSON array).
func runModelComparison(threadCounts: [Int], json: Bool, quick: Bool) {
    func load() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
    let python = benchPython()
    let before = load()
    let missing = "note: the bench environment is missing, so Swift's column only; install it with: Scripts/setup --bench"
    if json {
        if python == nil { FileHandle.standardError.write(Data((missing + "\n").utf8)) }
    } else {
        print("EfficientNet-Lite0, 224×224: Swift (NHWC) vs PyTorch CPU vs ONNX Runtime CPU; load average before: "
              + before)
        if python == nil { print(missing) }
    }
    let gigaFlopsPerImage = 2 * lite0MultiplyAdds() / 1e9
    var rows: [ComparisonRow] = []
    var versions: [String: String] = [:]
    let widths = [28, 10, 10, 10, 9, 8, 8, 7]
    for threads in threadCounts {
        let ceiling = swiftFigure("sgemm_gflops", threads: threads, quick: quick)?.value
        if !json {
            print("\n\(threads) thread(s); sgemm ceiling " + (ceiling.map { String(format: "%.1f GFLOPS", $0) } ?? "?")
                  + String(format: "; Lite0 is %.3f GFLOP per image", gigaFlopsPerImage))
            print(row(["figure", "Swift", "PyTorch", "ORT", "unit", "÷PyTorch", "÷ORT", "ceiling"], widths: widths))
        }
        var memory: [(name: String, label: String, swift: Double?, pytorch: Double?, onnx: Double?)] = []
        for figure in timedFigures {
            guard let mine = swiftFigure(figure.name, threads: threads, quick: quick) else { continue }
            let torch = python.flatMap { otherFigure("pytorch", figure.name, threads: threads, quick: quick, python: $0) }
            let onnx = figure.onnxRuntime
                ? python.flatMap { otherFigure("onnxruntime", figure.name, threads: threads, quick: quick, python: $0) }
                : nil
            for other in [torch, onnx].compactMap({ $0 }) { versions[other.runtime] = other.version }
            // Images per second (or ms per image at batch 1) as a share of the sgemm ceiling.
            func share(_ value: Double?) -> Double? {
                guard let value, let ceiling, figure.name.hasPrefix("forward") else { return nil }
                let imagesPerSecond = mine.unit == "ms" ? 1000 / value : value
                return imagesPerSecond * gigaFlopsPerImage / ceiling
            }
            let record = ComparisonRow(
                name: figure.name, label: figure.label, threads: threads, unit: mine.unit, swift: mine.value,
                pytorch: torch?.value, onnxruntime: onnx?.value,
                ratioPytorch: ratio(mine.value, torch?.value, throughput: mine.isThroughput),
                ratioOnnxruntime: ratio(mine.value, onnx?.value, throughput: mine.isThroughput),
                pytorchLayout: torch?.layout, ceilingSwift: share(mine.value), ceilingPytorch: share(torch?.value),
                ceilingOnnxruntime: share(onnx?.value))
            rows.append(record)
            if !json { printRow(record, widths: widths) }
            if let memoryRow = memoryFigures.first(where: { $0.name == figure.name }) {
                // PyTorch's timing process held both layouts: its memory comes from a run of the winner alone.
                let torchMemory = python.flatMap { python in
                    torch.flatMap { otherFigure("pytorch", figure.name, threads: threads, quick: true,
                                                layout: $0.layout, python: python)?.peakRssMb }
                }
                memory.append((memoryRow.name, memoryRow.label, mine.peakResidentMegabytes, torchMemory,
                               onnx?.peakRssMb))
            }
        }
        for entry in memory {
            guard let swift = entry.swift else { continue }
            let name = entry.name.replacingOccurrences(of: "_ips", with: "").replacingOccurrences(of: "_ms", with: "")
            let record = ComparisonRow(
                name: name + "_rss_mb", label: entry.label, threads: threads, unit: "MB", swift: swift,
                pytorch: entry.pytorch, onnxruntime: entry.onnx,
                ratioPytorch: ratio(swift, entry.pytorch, throughput: false),
                ratioOnnxruntime: ratio(swift, entry.onnx, throughput: false), pytorchLayout: nil,
                ceilingSwift: nil, ceilingPytorch: nil, ceilingOnnxruntime: nil)
            rows.append(record)
            if !json { printRow(record, widths: widths) }
        }
    }
    let after = load()
    if json {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        struct Run: Encodable {
            let loadBefore: String, loadAfter: String, versions: [String: String], gflopPerImage: Double
            let rows: [ComparisonRow]
        }
        // One JSON object per run, its rows one array: `bench models --json | jq '.rows[]'`.
        let run = Run(loadBefore: before, loadAfter: after, versions: versions, gflopPerImage: gigaFlopsPerImage,
                      rows: rows)
        if let data = try? encoder.encode([run]) { print(String(decoding: data, as: UTF8.self)) }
    } else {
        print("\nPyTorch \(versions["pytorch"] ?? "—"), ONNX Runtime \(versions["onnxruntime"] ?? "—"). "
              + "÷X = Swift time / X time (throughput: X ÷ Swift; RSS: Swift ÷ X), below 1: Swift better.")
        print("ceiling = achieved GFLOPS ÷ sgemm GFLOPS at the same threads, Swift / PyTorch / ORT. "
              + "PyTorch runs in its faster layout per figure (letter after its value: n = NCHW, c = channels-last).")
        print("load average after: \(after)")
    }
}

/// Prints one table row.
func printRow(_ record: ComparisonRow, widths: [Int]) {
    func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "—" }
    func times(_ value: Double?) -> String { value.map { String(format: "%.2f×", $0) } ?? "—" }
    let layout = record.pytorchLayout.map { $0 == "NCHW" ? " n" : " c" } ?? ""
    let shares = [record.ceilingSwift, record.ceilingPytorch, record.ceilingOnnxruntime]
    let ceiling = shares.contains { $0 != nil }
        ? shares.map { $0.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }.joined(separator: " / ") : ""
    print(row([record.label, number(record.swift), number(record.pytorch) + layout, number(record.onnxruntime),
               record.unit, times(record.ratioPytorch), times(record.ratioOnnxruntime)], widths: widths)
          + "  " + ceiling)
}
