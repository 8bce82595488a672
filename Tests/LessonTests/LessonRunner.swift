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
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("transferlab-\(lesson)-\(UUID().uuidString)")
        let (status, output, errors) = try runBuilt(lesson, arguments + ["--out", out.path])
        return Run(status: status, output: output, errors: errors, directory: out.appendingPathComponent(lesson))
    }

    /// Runs the built executable `.build/debug/<product>` with `arguments` from the package root and waits for it:
    /// its exit status, standard output and standard error.
    static func runBuilt(_ product: String, _ arguments: [String]) throws
        -> (status: Int32, output: String, errors: String) {
        let executable = packageRoot.appendingPathComponent(".build/debug/\(product)")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw LessonTestError("\(executable.path) is not built; run `swift build` first (Scripts/test does)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting, so a full pipe cannot block the child.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self),
                String(decoding: errors, as: UTF8.self))
    }
}

struct LessonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
