// Lessons are smoke-tested as a student runs them: the real executable (built by `swift build`, which
// Scripts/test runs before `swift test`) with --quick, writing into a temporary folder.

import Foundation
import Notebook
import Testing

enum LessonRunner {
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    struct Run {
        let status: Int32
        let output: String
        let errors: String
        let directory: URL
        /// The lesson's metrics.json.
        func metrics() throws -> MetricsReport {
            try MetricsReport.load(from: directory.appendingPathComponent("metrics.json"))
        }
        func fileExists(_ name: String) -> Bool {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
    }

    /// Runs `.build/debug/<lesson> --quick --out <temporary folder> <arguments>` and waits for it.
    static func run(_ lesson: String, _ arguments: [String] = ["--quick"]) throws -> Run {
        let executable = packageRoot.appendingPathComponent(".build/debug/\(lesson)")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw LessonTestError("\(executable.path) is not built; run `swift build` first (Scripts/test does)")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("transferlab-\(lesson)-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["--out", out.path]
        process.currentDirectoryURL = packageRoot
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting, so a full pipe cannot block the child.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                   errors: String(decoding: errors, as: UTF8.self), directory: out.appendingPathComponent(lesson))
    }
}

struct LessonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
