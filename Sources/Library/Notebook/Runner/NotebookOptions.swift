import Foundation

/// A command-line option a particular lesson adds to the shared ones, e.g. `--class 284`.
public struct LessonOption: Sendable, Equatable {
    /// Without dashes: "class" for `--class`.
    public var name: String
    /// Shown in the usage line, e.g. "INDEX".
    public var valueName: String
    public var help: String
    public var defaultValue: String?

    public init(name: String, valueName: String = "VALUE", help: String, defaultValue: String? = nil) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.defaultValue = defaultValue
    }
}

/// A command line the notebook cannot run with; `description` is the one line printed on standard error.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

/// The settings every lesson understands: `--quick`, `--out DIR`, `--step`, `--seed N`, `--help`.
public struct NotebookOptions: Sendable, Equatable {
    /// Small settings (few steps, small data) for tests and a first look.
    public var isQuick = false
    /// The directory lesson folders go in.
    public var outputRoot = "Output"
    /// Pause after every cell (only when standard input is a terminal).
    public var pausesAfterCells = false
    /// The seed every random choice of the lesson derives from.
    public var seed: UInt64 = 0
    /// Values of the lesson's own options, by name (defaults filled in).
    public var values: [String: String] = [:]

    public init() {}

    /// What a command line asks for.
    public enum Request: Equatable, Sendable {
        case run(NotebookOptions)
        case help
    }

    /// Reads `arguments` (the whole command line, program name first).
    public static func parse(_ arguments: [String], lessonOptions: [LessonOption] = []) throws(UsageError) -> Request {
        var options = NotebookOptions()
        for option in lessonOptions { if let value = option.defaultValue { options.values[option.name] = value } }
        var remaining = ArraySlice(arguments.dropFirst())
        while let argument = remaining.popFirst() {
            // Both "--seed 3" and "--seed=3".
            var name = argument, inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst(), !next.hasPrefix("--") else {
                    throw UsageError(description: "option \(name) needs a value (see --help)")
                }
                return next
            }
            switch name {
            case "--help", "-h":
                return .help
            case "--quick":
                options.isQuick = true
            case "--step":
                options.pausesAfterCells = true
            case "--out":
                let directory = try value()
                guard !directory.isEmpty else { throw UsageError(description: "option --out needs a directory") }
                options.outputRoot = directory
            case "--seed":
                let text = try value()
                guard let seed = UInt64(text) else {
                    throw UsageError(description: "option --seed needs a whole number from 0 up, got \"\(text)\"")
                }
                options.seed = seed
            default:
                if name.hasPrefix("--"), let option = lessonOptions.first(where: { "--" + $0.name == name }) {
                    options.values[option.name] = try value()
                } else {
                    throw UsageError(description: "unknown option \"\(argument)\" (see --help)")
                }
            }
        }
        return .run(options)
    }

    /// The text `--help` prints.
    public static func usage(program: String, title: String, lessonOptions: [LessonOption] = []) -> String {
        var rows: [(String, String)] = [
            ("--quick", "small settings: fewer steps and images, for tests and a first look"),
            ("--out DIR", "write figures and the HTML page under DIR (default: Output)"),
            ("--step", "pause after each code cell until Return is pressed"),
            ("--seed N", "seed for every random choice (default: 0)"),
        ]
        rows += lessonOptions.map { option in
            (
                "--\(option.name) \(option.valueName)",
                option.help + (option.defaultValue.map { " (default: \($0))" } ?? "")
            )
        }
        rows.append(("--help", "show this help"))
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        return """
            \(title)

            Usage: swift run \(program) [options]

            Options:
            \(lines.joined(separator: "\n"))

            Example: swift run \(program) --quick --out /tmp/lessons
            """
    }
}
