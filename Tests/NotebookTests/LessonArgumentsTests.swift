import ArgumentParser
@testable import Notebook
import Testing

/// A lesson option as lesson 6 declares one: an ImageNet class, validated once.
private struct ClassOptions: ParsableArguments {
    @Option(help: "The ImageNet class to draw (0-999).") var `class` = 284

    func validate() throws {
        guard (0..<1000).contains(`class`) else { throw ValidationError("--class must lie in 0...999, got \(`class`)") }
    }
}

@Suite("Typed lesson options")
struct LessonArgumentsTests {
    @Test("shared flags and a typed lesson option are read together; defaults apply")
    func parsesBoth() throws {
        let (shared, options) = try Notebook.parse(["lesson-06", "--quick", "--seed", "3", "--class", "340",
                                                    "--out", "/tmp/o"], options: ClassOptions.self)
        #expect(shared.isQuick && shared.seed == 3 && shared.outputRoot == "/tmp/o" && !shared.pausesAfterCells)
        #expect(options.class == 340)
        let (defaults, own) = try Notebook.parse(["lesson-06"], options: ClassOptions.self)
        #expect(defaults == NotebookOptions() && own.class == 284)
    }

    @Test("an out-of-range value, a non-number and an unknown flag are one-line usage errors")
    func errors() {
        for arguments in [["l", "--class", "1000"], ["l", "--class", "zebra"], ["l", "--frobnicate"], ["l", "--seed", "-1"]] {
            do {
                _ = try Notebook.parse(arguments, options: ClassOptions.self)
                Issue.record("\(arguments) parsed")
            } catch {
                let message = Notebook.message(for: error, options: ClassOptions.self)
                #expect(!message.isEmpty && !message.contains("\n"), "\(message)")
            }
        }
    }
}
