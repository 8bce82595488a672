import ArgumentParser
import Foundation

/// The shared flags (`--quick`, `--out DIR`, `--step`, `--seed N`, `--help`) together with a lesson's own typed
/// options, all parsed and validated once by swift-argument-parser.
struct LessonCommand<Lesson: ParsableArguments>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent })
    }

    @Flag(help: "Small settings: fewer steps and images, for tests and a first look.")
    var quick = false
    @Option(help: ArgumentHelp("Write figures and the HTML page under DIR.", valueName: "DIR"))
    var out = "Output"
    @Flag(help: "Pause after each code cell until Return is pressed.")
    var step = false
    @Option(help: ArgumentHelp("Seed for every random choice.", valueName: "N"))
    var seed: UInt64 = 0
    @OptionGroup var lesson: Lesson

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("option --out needs a directory") }
    }
}

extension Notebook {
    /// A lesson page and the lesson's own options, declared with swift-argument-parser and validated once:
    ///
    /// ```swift
    /// struct Options: ParsableArguments {
    ///     @Option(help: "The ImageNet class to draw (0-999).") var `class` = 284
    ///     func validate() throws {
    ///         guard (0..<1000).contains(`class`) else { throw ValidationError("--class must lie in 0...999") }
    ///     }
    /// }
    /// let (book, options) = Notebook.start(lesson: 6, title: "Variation loss", options: Options.self)
    /// ```
    ///
    /// `--help` prints usage with every option and exits 0; a bad or invalid option prints one line on standard
    /// error and exits 2.
    public static func start<Options: ParsableArguments>(
        lesson: Int, title: String, options: Options.Type, arguments: [String] = CommandLine.arguments
    ) -> (book: Notebook, options: Options) {
        let program = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "lesson"
        do {
            let (shared, own) = try parse(arguments, options: Options.self)
            let book = Notebook(name: String(format: "lesson-%02d", lesson), lesson: lesson, title: title,
                                options: shared)
            return (book, own)
        } catch {
            if LessonCommand<Options>.exitCode(for: error) == .success {
                print(title + "\n\n" + LessonCommand<Options>.helpMessage())
                exit(0)
            }
            Console.shared.error("\(program): \(LessonCommand<Options>.message(for: error))")
            exit(2)
        }
    }

    /// The shared settings and a lesson's typed options read from `arguments` (program name first); throws
    /// swift-argument-parser's errors (help requests included).
    static func parse<Options: ParsableArguments>(_ arguments: [String], options: Options.Type) throws
        -> (NotebookOptions, Options) {
        let command = try LessonCommand<Options>.parse(Array(arguments.dropFirst()))
        var shared = NotebookOptions()
        shared.isQuick = command.quick
        shared.outputRoot = command.out
        shared.pausesAfterCells = command.step
        shared.seed = command.seed
        return (shared, command.lesson)
    }

    /// The one-line message `start` prints for a parse error (for tests).
    static func message<Options: ParsableArguments>(for error: Error, options: Options.Type) -> String {
        LessonCommand<Options>.message(for: error)
    }
}
