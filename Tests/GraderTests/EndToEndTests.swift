import Foundation
import GraderChecks
import Testing

@testable import GraderKit

/// The grader as a student meets it: real `swift build`s of the check runners and a real child process per
/// check, on a copy of the exercises under .grader/tests/ (so the student's own files are never touched),
/// built into .build/grader-tests (so a grader the student is running is never disturbed).
/// Serialized: the scenarios share that copy and that scratch path, one at a time.
@Suite("The grader end to end", .serialized)
struct EndToEndTests {
    static let exercises = ".grader/tests/exercises"

    func configuration(timeLimit: Double = 10) -> GraderConfiguration {
        var configuration = GraderConfiguration(packageRoot: packageRoot)
        configuration.exercisesDirectory = Self.exercises
        configuration.overlayDirectory = ".grader/tests/overlay"
        configuration.progressFile = ".grader/tests/progress.json"
        configuration.scratchPath = ".build/grader-tests"
        configuration.timeLimit = timeLimit
        configuration.memoryLimitMegabytes = 512
        return configuration
    }

    /// Fresh copies of every lesson's stubs, then `replacements` (file in lesson-04 → body of the function).
    func prepareExercises(lesson04 replacements: [String: String] = [:], solutions: [String] = []) throws {
        let manager = FileManager.default
        let copy = packageRoot.appendingPathComponent(Self.exercises)
        try? manager.removeItem(at: copy)
        try manager.createDirectory(at: copy, withIntermediateDirectories: true)
        for lesson in Catalog.lessons {
            try manager.copyItem(
                at: packageRoot.appendingPathComponent("Exercises/\(lesson.name)"),
                to: copy.appendingPathComponent(lesson.name))
        }
        let lesson04 = copy.appendingPathComponent("lesson-04")
        for file in solutions {
            try manager.removeItem(at: lesson04.appendingPathComponent(file))
            try manager.copyItem(
                at: packageRoot.appendingPathComponent("Solutions/lesson-04/\(file)"),
                to: lesson04.appendingPathComponent(file))
        }
        for (file, body) in replacements {
            let url = lesson04.appendingPathComponent(file)
            var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            let todo = try #require(lines.firstIndex { $0.hasPrefix("    // TODO:") })
            lines.replaceSubrange(todo...todo + 1, with: body.components(separatedBy: "\n"))
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    @Test("unchanged stubs: every exercise is 'not started', every check says 'not implemented yet'")
    func stubs() throws {
        try prepareExercises()
        let report = try Grader(configuration: configuration()).grade(lessons: Catalog.lessons.map(\.number))
        let count = Catalog.exercises.count
        #expect(count >= 34 && report.summary.exercises == count && report.summary.notStarted == count)
        #expect(report.summary.checksNotStarted == report.summary.checks && report.summary.checksRun == 0)
        for exercise in report.lessons.flatMap(\.exercises) {
            #expect(exercise.status == .notStarted, "\(exercise.id)")
            for check in exercise.checks {
                #expect(check.status == .error)
                #expect(check.message == "not implemented yet: \(exercise.function)", "\(check.id)")
                #expect(check.location?.hasPrefix("\(exercise.file):") == true, "\(check.location ?? "no location")")
            }
        }
        #expect(report.status == "fail")
    }

    @Test("--solutions: every check passes through the child-process machinery")
    func solutions() throws {
        var configuration = configuration()
        configuration.gradeSolutions = true
        let report = try Grader(configuration: configuration).grade(lessons: Catalog.lessons.map(\.number))
        #expect(report.mode == "solutions" && report.status == "pass")
        #expect(report.summary.passed == Catalog.exercises.count)
        #expect(report.summary.checksPassed == report.summary.checks)
    }

    @Test("a crash, an endless loop and a memory hog are reported as failures; the correct exercise passes")
    func crashLoopMemory() throws {
        try prepareExercises(
            lesson04: [
                "Cutout.swift":
                    "    let past = picture.values.count\n"
                    + "    return Picture(width: 1, height: 1, channels: 1, values: [picture.values[past]])",
                "MixUp.swift": "    var turns = 0\n    while lambda >= 0 { turns += 1 }\n    return first",
                "CutMix.swift":
                    "    let hog = [Float](repeating: 1, count: 1 << 30)\n    return hog.isEmpty ? second : first",
            ], solutions: ["HorizontalFlip.swift"])

        let report = try Grader(configuration: configuration(timeLimit: 2)).grade(lessons: [4])
        let exercises = Dictionary(uniqueKeysWithValues: report.lessons[0].exercises.map { ($0.id, $0) })
        #expect(exercises["horizontal-flip"]?.status == .pass)

        let cutout = try #require(exercises["cutout"])
        #expect(cutout.status == .fail)
        #expect(cutout.checks.allSatisfy { $0.status == .error && $0.message == "crashed: Index out of range" })
        #expect(cutout.checks.first?.location == "\(Self.exercises)/lesson-04/Cutout.swift:21")

        let mixUp = try #require(exercises["mixup"])
        #expect(mixUp.status == .fail)
        #expect(mixUp.checks.first?.message == "timed out after 2 s of CPU time (an endless loop?)")
        #expect(mixUp.checks.dropFirst().allSatisfy { !$0.ran })

        let cutMix = try #require(exercises["cutmix"])
        #expect(cutMix.status == .fail)
        #expect(cutMix.checks.allSatisfy { $0.message?.hasPrefix("ran out of memory (the limit is 512 MB)") == true })
    }

    @Test("a compile error is reported with file and line, and the lesson's other exercises are still graded")
    func compileError() throws {
        try prepareExercises(
            lesson04: ["HorizontalFlip.swift": "    return picture.flipped(horizontally: true)"],
            solutions: ["Cutout.swift"])
        let report = try Grader(configuration: configuration()).grade(lessons: [4])
        let exercises = Dictionary(uniqueKeysWithValues: report.lessons[0].exercises.map { ($0.id, $0) })
        let flip = try #require(exercises["horizontal-flip"])
        #expect(flip.status == .compileError)
        let error = try #require(flip.diagnostics.first)
        #expect(error.file == "\(Self.exercises)/lesson-04/HorizontalFlip.swift")
        #expect(error.line == 14 && error.severity == "error")
        #expect(error.message.contains("flipped"))
        #expect(flip.checks.allSatisfy { !$0.ran })
        #expect(exercises["cutout"]?.status == .pass)
        #expect(exercises["mixup"]?.status == .notStarted && exercises["cutmix"]?.status == .notStarted)
        #expect(report.summary.notCompiling == 1 && report.summary.passed == 1)
    }
}
