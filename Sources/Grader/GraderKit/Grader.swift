import ExerciseSupport
import Foundation
import GraderChecks

/// Grades lessons: builds each lesson's check runner, runs every check in a child process with a time
/// and memory limit, and collects what happened. A student's mistake of any kind — a wrong answer, a
/// crash, an endless loop, a file that does not compile — becomes part of the report, never an error
/// of the grader.
public struct Grader: Sendable {
    public var configuration: GraderConfiguration
    /// Told what the grader is doing ("building lesson-04 …"), for a status line; nil to stay quiet.
    public var onProgress: (@Sendable (String) -> Void)?

    public init(configuration: GraderConfiguration, onProgress: (@Sendable (String) -> Void)? = nil) {
        self.configuration = configuration
        self.onProgress = onProgress
    }

    /// Grades the given lessons (numbers 1...7), in order.
    public func grade(lessons numbers: [Int]) throws -> GradeReport {
        let lessons = try numbers.map { number in
            guard let lesson = Catalog.lessons.first(where: { $0.number == number }) else {
                throw GraderError.unknownLesson("\(number)")
            }
            return lesson
        }
        if configuration.gradeSolutions {
            return GradeReport(mode: "solutions", lessons: try gradeSolutions(lessons))
        }
        return GradeReport(mode: "exercises", lessons: try lessons.map(gradeExercises))
    }

    var builder: Builder { Builder(packageRoot: configuration.packageRoot, scratchPath: configuration.scratchPath) }

    // MARK: - Building

    private func gradeExercises(_ lesson: LessonChecks) throws -> LessonReport {
        let product = "grader-runner-\(lesson.name.dropFirst("lesson-".count))"
        let runner = builder.binaryDirectory.appendingPathComponent(product)
        onProgress?("building \(lesson.name) …")
        let build = try builder.buildIfNeeded(
            product: product, exercisesDirectory: configuration.exercisesDirectory,
            inputs: buildInputs(runner: "\(lesson.name)") + [
                "\(configuration.exercisesDirectory)/\(lesson.name)"
            ])
        if build.succeeded {
            return run(lesson, runner: runner, directory: configuration.exercisesDirectory)
        }
        // Attribute the errors to the lesson's files; anything else means this lesson cannot be graded.
        let lessonPrefix = "\(configuration.exercisesDirectory)/\(lesson.name)/"
        let errorsByFile = Dictionary(grouping: build.errors.filter { $0.file.hasPrefix(lessonPrefix) }, by: \.file)
        guard !errorsByFile.isEmpty else {
            let reason =
                build.errors.isEmpty
                ? "swift build failed:\n" + build.logTail
                : "the build failed outside \(lessonPrefix):\n"
                    + build.errors.prefix(5).map(\.description).joined(separator: "\n")
            return blockedLesson(lesson, reason: reason)
        }
        var broken: [String: [Diagnostic]] = [:]  // exercise id → its errors
        for exercise in lesson.exercises {
            if let errors = errorsByFile[lessonPrefix + exercise.file] { broken[exercise.id] = errors }
        }
        let helpers = errorsByFile.keys.filter { file in !lesson.exercises.contains { lessonPrefix + $0.file == file } }
        let helperNote =
            helpers.isEmpty
            ? nil
            : helpers.sorted().flatMap { errorsByFile[$0]! }.map(\.description)
                .joined(separator: "\n")

        // Build again with the files that do not compile swapped for their solutions, so the rest can be graded.
        onProgress?(
            "\(errorsByFile.keys.sorted().joined(separator: ", ")) does not compile; "
                + "grading the rest of \(lesson.name) …"
        )
        try prepareOverlay(for: lesson, replacing: Set(errorsByFile.keys.map { ($0 as NSString).lastPathComponent }))
        let fallback = try builder.build(product: product, exercisesDirectory: configuration.overlayDirectory)
        var report: LessonReport
        var notes: [String] = []
        if fallback.succeeded {
            report = run(lesson, runner: runner, directory: configuration.exercisesDirectory, skipping: broken)
        } else {
            // The other files depend on the broken ones (or have errors of their own once those are gone).
            let first = (fallback.errors.first ?? build.errors.first).map { "\($0)" } ?? fallback.logTail
            report = blockedLesson(lesson, reason: nil)
            notes.append("\(lesson.name) does not build even with those files swapped for their solutions: \(first)")
        }
        for index in report.exercises.indices {
            guard let errors = broken[report.exercises[index].id] else { continue }
            report.exercises[index].status = .compileError
            report.exercises[index].diagnostics = errors
            report.exercises[index].checks = report.exercises[index].checks.map {
                notRun($0, "not run: \(report.exercises[index].file) does not compile")
            }
        }
        if let helperNote { notes.append("these files do not compile and were left out:\n" + helperNote) }
        report.buildError = notes.isEmpty ? nil : notes.joined(separator: "\n")
        return report
    }

    /// A copy of every lesson's exercises in the overlay directory, with `files` of `lesson` replaced by
    /// their solutions (or left out, for a file that has no solution, such as a helper the student added).
    private func prepareOverlay(for lesson: LessonChecks, replacing files: Set<String>) throws {
        let manager = FileManager.default
        let overlay = configuration.url(configuration.overlayDirectory)
        try? manager.removeItem(at: overlay)
        try manager.createDirectory(at: overlay, withIntermediateDirectories: true)
        for other in Catalog.lessons {
            try manager.copyItem(
                at: configuration.url(configuration.exercisesDirectory).appendingPathComponent(other.name),
                to: overlay.appendingPathComponent(other.name))
        }
        for file in files {
            let target = overlay.appendingPathComponent(lesson.name).appendingPathComponent(file)
            try manager.removeItem(at: target)
            let solution = configuration.url(configuration.solutionsDirectory).appendingPathComponent(lesson.name)
                .appendingPathComponent(file)
            if manager.fileExists(atPath: solution.path) { try manager.copyItem(at: solution, to: target) }
        }
    }

    private func gradeSolutions(_ lessons: [LessonChecks]) throws -> [LessonReport] {
        let product = "grader-runner-solutions"
        onProgress?("building the solutions …")
        let build = try builder.buildIfNeeded(
            product: product, exercisesDirectory: configuration.exercisesDirectory,
            inputs: buildInputs(runner: "solutions"))
        guard build.succeeded else {
            let reason =
                "swift build failed:\n"
                + (build.errors.isEmpty
                    ? build.logTail
                    : build.errors.prefix(5).map(\.description).joined(separator: "\n"))
            return lessons.map { blockedLesson($0, reason: reason, directory: configuration.solutionsDirectory) }
        }
        let runner = builder.binaryDirectory.appendingPathComponent(product)
        return lessons.map { run($0, runner: runner, directory: configuration.solutionsDirectory) }
    }

    /// What a runner is built from, besides the lesson's exercises: lab exercises use the whole library.
    private func buildInputs(runner: String) -> [String] {
        ["Package.swift", "Exercises/Support", configuration.solutionsDirectory, "Sources"]
    }

    private func blockedLesson(_ lesson: LessonChecks, reason: String?, directory: String? = nil) -> LessonReport {
        let directory = directory ?? configuration.exercisesDirectory
        return LessonReport(
            lesson: lesson.name, title: lesson.title, buildError: reason,
            exercises: lesson.exercises.map {
                ExerciseReport(
                    id: $0.id, lesson: lesson.name, file: "\(directory)/\($0.relativePath)", function: $0.function,
                    status: .blocked, diagnostics: [],
                    checks: $0.checks.map {
                        notRun(
                            CheckReport(id: $0.id, name: $0.name, status: .error, ran: false),
                            "not run: \(lesson.name) could not be built")
                    })
            })
    }

    private func notRun(_ check: CheckReport, _ message: String) -> CheckReport {
        CheckReport(id: check.id, name: check.name, status: .error, message: message, ran: false)
    }

    // MARK: - Running checks

    /// Runs every check of `lesson` (except the exercises in `skipping`): exercises in parallel, the checks
    /// of one exercise in order, each in its own process.
    private func run(
        _ lesson: LessonChecks, runner: URL, directory: String,
        skipping: [String: [Diagnostic]] = [:]
    ) -> LessonReport {
        onProgress?("grading \(lesson.name) …")
        let results = LockedArray<ExerciseReport?>(repeating: nil, count: lesson.exercises.count)
        let gate = DispatchSemaphore(value: max(1, configuration.parallelism))
        DispatchQueue.concurrentPerform(iterations: lesson.exercises.count) { index in
            let exercise = lesson.exercises[index]
            let file = "\(directory)/\(exercise.relativePath)"
            if skipping[exercise.id] != nil {
                results[index] = ExerciseReport(
                    id: exercise.id, lesson: lesson.name, file: file, function: exercise.function,
                    status: .compileError, diagnostics: [],
                    checks: exercise.checks.map {
                        CheckReport(id: $0.id, name: $0.name, status: .error, ran: false)
                    })
                return
            }
            gate.wait()
            defer { gate.signal() }
            results[index] = run(exercise, lesson: lesson, file: file, runner: runner)
        }
        return LessonReport(
            lesson: lesson.name, title: lesson.title, buildError: nil, exercises: results.values.map { $0! })
    }

    private func run(_ exercise: ExerciseChecks, lesson: LessonChecks, file: String, runner: URL) -> ExerciseReport {
        var checks: [CheckReport] = []
        var timedOut = false
        for check in exercise.checks {
            if timedOut {
                checks.append(
                    CheckReport(
                        id: check.id, name: check.name, status: .error,
                        message: "not run: an earlier check of this exercise timed out", ran: false))
                continue
            }
            let report = run(check, of: exercise, runner: runner)
            timedOut = report.message?.hasPrefix("timed out") == true
            checks.append(report)
        }
        let status: ExerciseReport.Status
        if checks.allSatisfy({ $0.notImplemented == exercise.function }) {
            status = .notStarted
        } else {
            status = checks.allSatisfy { $0.status == .pass } ? .pass : .fail
        }
        return ExerciseReport(
            id: exercise.id, lesson: lesson.name, file: file, function: exercise.function,
            status: status, diagnostics: [], checks: checks)
    }

    /// The time limit is CPU time, enforced by the runner itself (`RLIMIT_CPU`), so a check is judged the same on
    /// a busy machine as on an idle one. The wall clock only catches a check that waits instead of computing.
    static func wallClockBackstop(forCPUSeconds seconds: Double) -> Double { seconds * 4 + 20 }

    private func run(_ check: Check, of exercise: ExerciseChecks, runner: URL) -> CheckReport {
        var report = CheckReport(id: check.id, name: check.name, status: .error, ran: true)
        // A heavy check (the real network, real data) brings its own, larger limits; they are printed with it.
        let timeLimit = max(configuration.timeLimit, check.timeLimit ?? 0)
        let memoryLimit = max(configuration.memoryLimitMegabytes, check.memoryLimitMegabytes ?? 0)
        if check.isHeavy { report.timeLimit = timeLimit }
        var environment = ProcessInfo.processInfo.environment
        // A short backtrace, without colors or registers, in which the student's file and line can be found.
        environment["SWIFT_BACKTRACE"] =
            "enable=yes,interactive=no,color=no,threads=crashed,registers=none,"
            + "images=none,limit=32,top=8,sanitize=no"
        // Checks run side by side, each on one core; one BLAS thread also fixes the order of every sum, so a
        // heavy check measures the same numbers on every run.
        environment["OPENBLAS_NUM_THREADS"] = "1"
        // Where heavy checks keep what they compute once (frozen features, reference runs) between runs.
        environment[LabCache.environmentVariable] = configuration.url(configuration.cacheDirectory).path
        let outcome: ChildOutcome
        do {
            outcome = try runChild(
                runner.path,
                arguments: [
                    check.id, "--time-limit", "\(Int(timeLimit.rounded(.up)))",
                    "--memory-limit-mb", "\(memoryLimit)",
                ], environment: environment, directory: configuration.packageRoot,
                timeLimit: Self.wallClockBackstop(forCPUSeconds: timeLimit))
        } catch {
            report.message = "could not start \(runner.lastPathComponent): \(error)"
            report.ran = false
            return report
        }
        report.seconds = (outcome.seconds * 1000).rounded() / 1000
        var printed: [Substring] = []
        var result: CheckRunner.Result?
        for line in outcome.standardOutput.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(CheckRunner.resultMarker) {
                result = try? JSONDecoder().decode(
                    CheckRunner.Result.self,
                    from: Data(line.dropFirst(CheckRunner.resultMarker.count).utf8))
            } else {
                printed.append(line)
            }
        }
        while printed.last?.isEmpty == true { printed.removeLast() }
        if !printed.isEmpty {
            report.output = printed.prefix(5).joined(separator: "\n") + (printed.count > 5 ? "\n…" : "")
        }
        if let result, outcome.termination == .exited(0) {
            report.status = result.status == "pass" ? .pass : .fail
            if let failure = result.failure {
                report.input = failure.input
                report.expected = failure.expected
                report.got = failure.got
                report.detail = failure.detail
                report.message = failure.detail ?? "expected \(failure.expected), got \(failure.got)"
            } else if let message = result.message {
                report.message = message
            }
            return report
        }
        let crash = CrashAnalysis(
            termination: outcome.termination, standardError: outcome.standardError,
            timeLimit: timeLimit, memoryLimitMegabytes: memoryLimit,
            sourceDirectories: [
                "/\(configuration.exercisesDirectory)/", "/\(configuration.solutionsDirectory)/",
                "/\(configuration.overlayDirectory)/",
            ],
            packageRoot: configuration.packageRoot.standardizedFileURL.path,
            renaming: [(configuration.overlayDirectory + "/", configuration.exercisesDirectory + "/")])
        report.message = crash.message
        report.location = crash.location
        report.notImplemented = crash.notImplemented
        if let name = crash.notImplemented, name != exercise.function {
            report.message = "calls \(name), which is \(notImplementedMarker)"
        }
        return report
    }
}

/// An array that threads write to by index.
final class LockedArray<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element]

    init(repeating value: Element, count: Int) {
        storage = Array(repeating: value, count: count)
    }

    subscript(index: Int) -> Element {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    var values: [Element] { lock.withLock { storage } }
}
