import Foundation
import GraderChecks
import GraderKit
import Testing

/// The author's self-check of rustlings: every exercise has a stub with a TODO, a solution with the same API,
/// and hints; the stub and the solution differ only in the function's body.
@Suite("Exercises, Solutions and hints line up")
struct LayoutTests {
    func read(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("every exercise has 1 to 3 hints, and every hint belongs to an exercise")
    func hints() throws {
        let hints = try Hints.load(from: packageRoot.appendingPathComponent("Exercises/hints.json"))
        for exercise in Catalog.exercises {
            #expect((1...3).contains(hints.hints(for: exercise.id).count), "\(exercise.id)")
        }
        #expect(Set(hints.byExercise.keys).subtracting(Catalog.exercises.map(\.id)) == [])
    }

    @Test("Exercises/ and Solutions/ hold the same files, and nothing else")
    func sameFiles() throws {
        let manager = FileManager.default
        for lesson in Catalog.lessons {
            let expected = Set(lesson.exercises.map(\.file))
            let exercises = try manager.contentsOfDirectory(
                atPath: packageRoot.appendingPathComponent("Exercises/\(lesson.name)").path)
            let solutions = try manager.contentsOfDirectory(
                atPath: packageRoot.appendingPathComponent("Solutions/\(lesson.name)").path)
            #expect(Set(exercises) == expected, "\(lesson.name)")
            #expect(Set(solutions) == expected, "\(lesson.name)")
        }
    }

    @Test(
        "each stub is its solution with the body replaced by a TODO and todo(\"function\")",
        arguments: Catalog.exercises.map(\.relativePath))
    func stubMirrorsSolution(path: String) throws {
        let exercise = try #require(Catalog.exercises.first { $0.relativePath == path })
        let stub = try read("Exercises/\(path)").split(separator: "\n", omittingEmptySubsequences: false)
        let solution = try read("Solutions/\(path)").split(separator: "\n", omittingEmptySubsequences: false)
        let todo = try #require(stub.firstIndex { $0.hasPrefix("    // TODO: ") }, "\(path) has no // TODO:")
        #expect(stub[todo + 1] == "    todo(\"\(exercise.function)\")")
        #expect(Array(stub[..<todo]) == Array(solution[..<todo]), "the doc comment and signature differ")
        #expect(Array(stub[(todo + 2)...]) == Array(solution.suffix(stub.count - todo - 2)), "the endings differ")
        #expect(stub[todo - 1].hasSuffix("{") && stub.contains { $0.hasPrefix("///") })
        let signature = stub[..<todo].first { $0.hasPrefix("public func ") } ?? ""
        let baseName = exercise.function.prefix { $0 != "(" }
        #expect(signature.hasPrefix("public func \(baseName)("), "\(signature)")
    }
}
