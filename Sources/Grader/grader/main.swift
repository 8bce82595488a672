// grader — the `swift run grader` command line.
//
// Job: parse `grader lesson-04`, `--all`, `--json`, `--hint`, `--watch`, `--solutions` (swift-argument-parser) and
// hand them to GraderKit; exit 1 when a check fails, 2 for a usage error. It may import GraderKit and GraderChecks.

import ArgumentParser
import Foundation
import GraderChecks
import GraderKit

/// `swift run grader`: grades the exercises (see README.md, "Exercises").
@main
struct GraderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grader",
        abstract: "Check your answers to TransferLab's exercises.",
        discussion: """
            Every check runs in its own process with a time limit, so a crash, an endless loop or a file that \
            does not compile is reported as that exercise's failure.

            Examples:
              swift run grader lesson-04            grade lesson 4
              swift run grader --all                grade every lesson (same as no lesson)
              swift run grader --hint cutout        reveal the next hint of an exercise
              swift run grader --watch lesson-04    grade again each time you save
              swift run grader --json lesson-04     results as JSON (format: README.md, "--json")
              swift run grader --solutions --all    grade the reference Solutions/ (authors' self-check)
            """)

    @Argument(help: "Lessons to grade: lesson-04, 04 or 4. None: every lesson.")
    var lessons: [String] = []

    @Flag(help: "Grade every lesson.")
    var all = false

    @Flag(help: "Print the results as JSON on standard output.")
    var json = false

    @Option(
        name: .customLong("hint"), help: ArgumentHelp("Reveal the next hint of an exercise.", valueName: "exercise"))
    var hintExercise: String?

    @Flag(help: "Grade again whenever a file under Exercises/ changes (polls once a second; Ctrl-C stops).")
    var watch = false

    @Flag(help: "Grade the reference answers in Solutions/ instead of Exercises/.")
    var solutions = false

    @Flag(help: "List the exercises with their last result and hints shown.")
    var list = false

    @Option(help: ArgumentHelp("CPU-time limit of one check.", valueName: "seconds"))
    var timeLimit: Double = 10

    @Option(name: .customLong("memory-limit"), help: ArgumentHelp("Memory limit of one check.", valueName: "MB"))
    var memoryLimit: Int = 2048

    @Option(help: ArgumentHelp("The package (default: found from the current directory).", valueName: "path"))
    var packagePath: String?

    @Flag(help: "Do not color the output (also: NO_COLOR=1).")
    var noColor = false

    func validate() throws {
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
        guard memoryLimit >= 64 else { throw ValidationError("--memory-limit must be at least 64 (MB)") }
        guard !(json && watch) else { throw ValidationError("--json and --watch do not go together") }
        _ = try lessonNumbers()
    }

    /// ArgumentParser exits 64 for usage errors; our CLIs use 2 (and 1 for every other failure).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            if let error = error as? GraderError {
                FileHandle.standardError.write(Data("grader: error: \(error)\n".utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }

    func run() throws {
        let start = URL(fileURLWithPath: packagePath ?? FileManager.default.currentDirectoryPath)
        var configuration = GraderConfiguration(packageRoot: try GraderConfiguration.findPackageRoot(from: start))
        configuration.timeLimit = timeLimit
        configuration.memoryLimitMegabytes = memoryLimit
        configuration.gradeSolutions = solutions
        let session = GradingSession(
            configuration: configuration, json: json,
            color: !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                && isatty(STDOUT_FILENO) == 1)
        if let hintExercise {
            try session.revealHint(of: hintExercise)
        } else if list {
            try session.list()
        } else if watch {
            try session.watch(lessons: try lessonNumbers())
        } else {
            let report = try session.grade(lessons: try lessonNumbers())
            if report.status != "pass" { throw ExitCode(1) }
        }
    }

    /// "lesson-04", "04", "4" → 4; none (or --all) → every lesson.
    func lessonNumbers() throws -> [Int] {
        if all || lessons.isEmpty { return Catalog.lessons.map(\.number) }
        return try lessons.map { name in
            let digits = name.hasPrefix("lesson-") ? String(name.dropFirst("lesson-".count)) : name
            guard let number = Int(digits), Catalog.lessons.contains(where: { $0.number == number }) else {
                throw ValidationError("no lesson '\(name)': use lesson-01 … lesson-07 (or 1 … 7)")
            }
            return number
        }
    }
}
