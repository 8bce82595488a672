import ExerciseSupport
import Foundation
import GraderChecks
import GraderKit
import Testing
import TransferLab

/// The package root: the first directory above this file holding Package.swift.
let packageRoot: URL = {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
        directory = directory.deletingLastPathComponent()
    }
    return directory
}()

/// Runs every check in this process; returns the names of those that failed.
func failures(of checks: [Check]) -> [String] {
    checks.compactMap { check in CheckRunner.run(check).status == "pass" ? nil : check.id }
}

@Suite("The checks against the reference answers")
struct ReferenceTests {
    @Test("every check passes on the Solutions", arguments: Catalog.lessons.map(\.number))
    func referencePasses(lesson: Int) {
        let checks = Catalog.lessons[lesson - 1].allChecks
        #expect(checks.count >= 9)
        #expect(failures(of: checks) == [])
    }

    @Test("every lesson has 4 to 6 exercises (lessons 1-6 at least one lab); drills have 3 to 5 checks, labs 2 to 5")
    func catalogShape() {
        #expect(Catalog.lessons.map(\.number) == [1, 2, 3, 4, 5, 6, 7])
        for lesson in Catalog.lessons {
            #expect((4...6).contains(lesson.exercises.count), "\(lesson.name)")
            let hasLab = lesson.exercises.contains { exercise in exercise.checks.contains { $0.isHeavy } }
            #expect(hasLab || lesson.number > 6, "\(lesson.name) has no lab")
            for exercise in lesson.exercises {
                let isLab = GradedExercises.all.first { $0.id == exercise.id }?.kind == .lab
                #expect((isLab ? 2...5 : 3...5).contains(exercise.checks.count), "\(exercise.id)")
                #expect(exercise.lesson == lesson.number)
            }
        }
    }

    @Test("the Course catalog that lessons list names the grader's exercises, in the grader's order")
    func courseCatalog() {
        let grader = Catalog.exercises.map { "\($0.lesson) \($0.id) \($0.file)" }
        let course = GradedExercises.all.map { "\($0.lesson) \($0.id) \($0.file)" }
        #expect(course == grader)
        for exercise in GradedExercises.all where exercise.kind == .lab {
            let checks = Catalog.exercises.first { $0.id == exercise.id }?.checks ?? []
            let heavy = checks.contains { $0.isHeavy }
            #expect(heavy, "\(exercise.id) is a lab but no check runs the real model")
        }
    }

    @Test("exercise ids and check ids are unique, and each check id starts with its exercise id")
    func uniqueIdentifiers() {
        let exercises = Catalog.exercises
        #expect(Set(exercises.map(\.id)).count == exercises.count)
        let checks = exercises.flatMap { exercise in exercise.checks.map { (exercise.id, $0.id) } }
        #expect(Set(checks.map(\.1)).count == checks.count)
        for (exercise, check) in checks { #expect(check.hasPrefix(exercise + "/"), "\(check)") }
    }

    @Test("a wrong answer is reported with the input, both answers and the largest error")
    func failureMessage() throws {
        let checks = Lesson01.softmaxChecks { logits in logits.map { _ in 1 / Float(logits.count) } }
        let result = CheckRunner.run(try #require(checks.checks.first))
        let failure = try #require(result.failure)
        #expect(result.status == "fail")
        #expect(failure.input == "[1, 2, 3]")
        #expect(failure.expected == "[0.09003, 0.2447, 0.6652]")
        #expect(failure.got == "[0.3333, 0.3333, 0.3333]")
        #expect(failure.detail == "max abs error 0.3319 at index 2 (expected 0.6652, got 0.3333)")
    }

    @Test("a picture of the wrong shape is reported by its shape")
    func shapeMessage() throws {
        let checks = Lesson04.flipChecks { picture in
            Picture(width: picture.height, height: picture.width, channels: picture.channels, values: picture.values)
        }
        let failure = try #require(CheckRunner.run(checks.checks[2]).failure)
        #expect(failure.detail?.hasPrefix("expected shape ") == true)
        #expect(failure.expected.hasPrefix("Picture "))
    }
}
