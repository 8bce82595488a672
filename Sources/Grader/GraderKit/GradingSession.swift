import Foundation
import GraderChecks

/// What the `grader` command does, apart from parsing its arguments: grade and print, reveal hints,
/// list, watch. Output goes to standard output; progress ("building lesson-04 …") to standard error
/// when it is a terminal.
public struct GradingSession: Sendable {
    public var configuration: GraderConfiguration
    public var json: Bool
    public var color: Bool

    public init(configuration: GraderConfiguration, json: Bool, color: Bool) {
        self.configuration = configuration
        self.json = json
        self.color = color
    }

    /// Grades `lessons`, prints the report, and records the results and hints in the progress file.
    @discardableResult
    public func grade(lessons: [Int]) throws -> GradeReport {
        let interactive = isatty(STDERR_FILENO) == 1
        var grader = Grader(configuration: configuration)
        if interactive {
            grader.onProgress = { message in FileHandle.standardError.write(Data("\r\u{1B}[2K\(message)".utf8)) }
        }
        let report = try grader.grade(lessons: lessons)
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }

        let hints = try Hints.load(from: configuration.url(configuration.hintsFile))
        var progress = Progress.load(from: configuration.url(configuration.progressFile))
        progress.record(report)
        // A failing exercise shows its first hint by itself; `--hint` reveals the next one.
        let exercises = report.lessons.flatMap { $0.exercises }
        for exercise in exercises where exercise.status == .fail && report.mode == "exercises" {
            if progress.hintsShown(of: exercise.id) == 0 && !hints.hints(for: exercise.id).isEmpty {
                progress.revealHint(of: exercise.id, available: hints.hints(for: exercise.id).count)
            }
        }
        try? progress.save(to: configuration.url(configuration.progressFile))

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let text = TextReport(color: color) { id in
                let list = hints.hints(for: id)
                let shown = max(1, progress.hintsShown(of: id))
                return list.isEmpty ? nil : (shown, list.count, list[min(shown, list.count) - 1])
            }
            print(text.render(report))
        }
        return report
    }

    /// Reveals the next hint of an exercise named by id ("cutout"), file ("Cutout.swift") or function ("cutout").
    public func revealHint(of name: String) throws {
        let exercise = try Self.exercise(named: name)
        let hints = try Hints.load(from: configuration.url(configuration.hintsFile)).hints(for: exercise.id)
        guard !hints.isEmpty else {
            print("\(exercise.id) has no hints; its doc comment in Exercises/\(exercise.relativePath) says what to do.")
            return
        }
        var progress = Progress.load(from: configuration.url(configuration.progressFile))
        let before = progress.hintsShown(of: exercise.id)
        let shown = progress.revealHint(of: exercise.id, available: hints.count)
        try progress.save(to: configuration.url(configuration.progressFile))
        print("\(exercise.id) (Exercises/\(exercise.relativePath)) — hint \(shown) of \(hints.count)")
        for (index, hint) in hints.prefix(shown).enumerated() {
            let new = index + 1 > before ? "  ← new" : ""
            print("  \(index + 1). \(hint)\(new)")
        }
        print(shown < hints.count ? "Run the same command again for the next hint." : "That was the last hint.")
    }

    /// Prints every exercise with its last result and the hints shown so far.
    public func list() throws {
        let progress = Progress.load(from: configuration.url(configuration.progressFile))
        let hints = try Hints.load(from: configuration.url(configuration.hintsFile))
        for lesson in Catalog.lessons {
            print("\(lesson.name) · \(lesson.title)")
            for exercise in lesson.exercises {
                let entry = progress.exercises[exercise.id]
                let status = entry?.status ?? "not graded"
                let checks = entry?.checksPassed.map { ", \($0)/\(entry?.checks ?? 0) checks" } ?? ""
                print(
                    "  \(exercise.id.padding(toLength: 26, withPad: " ", startingAt: 0)) \(status)\(checks), "
                        + "hints \(progress.hintsShown(of: exercise.id))/\(hints.hints(for: exercise.id).count)"
                        + "  Exercises/\(exercise.relativePath)")
            }
        }
    }

    /// Grades, then polls the exercises once a second and grades the affected lessons again after each change.
    public func watch(lessons: [Int], pollInterval: Double = 1) throws -> Never {
        let directory = configuration.url(
            configuration.gradeSolutions
                ? configuration.solutionsDirectory
                : configuration.exercisesDirectory)
        var snapshot = FileSnapshot.take(of: directory)
        var toGrade = lessons
        while true {
            if color { print("\u{1B}[2J\u{1B}[H", terminator: "") }
            let time = DateFormatter.localizedString(from: Date(), dateStyle: .none, timeStyle: .medium)
            print("[\(time)] grading \(toGrade.map { lessonDirectory($0) }.joined(separator: ", "))\n")
            do {
                try grade(lessons: toGrade)
            } catch {
                print("grader: error: \(error)")
            }
            print("\nWatching \(directory.lastPathComponent)/ for changes (Ctrl-C to stop) …")
            fflush(nil)  // standard output may be a pipe or a file: show this round now, not at exit
            while true {
                Thread.sleep(forTimeInterval: pollInterval)
                var changed = FileSnapshot.take(of: directory).changes(since: snapshot)
                guard !changed.isEmpty else { continue }
                // Editors often write a file in several steps: wait until it settles.
                Thread.sleep(forTimeInterval: 0.2)
                let settled = FileSnapshot.take(of: directory)
                changed = settled.changes(since: snapshot)
                snapshot = settled
                toGrade = lessonsAffected(by: changed, among: lessons)
                if !toGrade.isEmpty { break }
            }
        }
    }

    /// The exercise called `name`: its id, its file name (with or without .swift) or its function's base name.
    public static func exercise(named name: String) throws -> ExerciseChecks {
        let key = name.lowercased().replacingOccurrences(of: ".swift", with: "")
        let match = Catalog.exercises.first { exercise in
            exercise.id == key || exercise.file.lowercased() == key + ".swift"
                || exercise.function.lowercased().hasPrefix(key + "(")
        }
        guard let match else { throw GraderError.unknownExercise(name) }
        return match
    }
}
