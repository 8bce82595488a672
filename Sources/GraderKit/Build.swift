import Foundation

/// One compiler message: "Exercises/lesson-04/Cutout.swift:12:5: error: cannot find 'size' in scope".
public struct Diagnostic: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Relative to the package root when the file is inside it.
    public var file: String
    public var line: Int
    public var column: Int
    /// "error" or "warning".
    public var severity: String
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(severity): \(message)" }
}

/// What `swift build` said about one product.
public struct BuildResult: Sendable {
    public var succeeded: Bool
    /// Every distinct error and warning with a file and line, in the order the compiler printed them.
    public var diagnostics: [Diagnostic]
    /// The end of the build's output, for failures that name no file (a linker error, a broken toolchain).
    public var logTail: String

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == "error" } }
}

/// Builds grader products with SwiftPM into the grader's own scratch path, so it never waits for (or
/// disturbs) the `.build` of a `swift run grader` or an editor that is using the package at the same time.
public struct Builder: Sendable {
    public var packageRoot: URL
    public var scratchPath: String
    public var timeLimit: Double

    public init(packageRoot: URL, scratchPath: String, timeLimit: Double = 900) {
        self.packageRoot = packageRoot
        self.scratchPath = scratchPath
        self.timeLimit = timeLimit
    }

    /// Builds `product` with the exercises compiled from `exercisesDirectory` (relative to the package root).
    public func build(product: String, exercisesDirectory: String) throws -> BuildResult {
        guard let swift = findExecutable("swift") else { throw GraderError.toolMissing("swift") }
        var environment = ProcessInfo.processInfo.environment
        environment["TRANSFERLAB_EXERCISES"] = exercisesDirectory
        let outcome = try runChild(swift, arguments: [
            "build", "--package-path", packageRoot.path, "--scratch-path", scratchURL.path, "--product", product,
        ], environment: environment, directory: packageRoot, timeLimit: timeLimit)
        let log = outcome.standardOutput + "\n" + outcome.standardError
        let diagnostics = Self.parseDiagnostics(log, packageRoot: packageRoot)
        let tail = log.split(separator: "\n", omittingEmptySubsequences: true).suffix(15).joined(separator: "\n")
        if case .timedOut(let seconds) = outcome.termination {
            return BuildResult(succeeded: false, diagnostics: diagnostics,
                               logTail: "swift build timed out after \(Int(seconds)) s\n" + tail)
        }
        return BuildResult(succeeded: outcome.termination == .exited(0), diagnostics: diagnostics, logTail: tail)
    }

    /// Where the built runners are: `<scratch>/debug`.
    public var binaryDirectory: URL { scratchURL.appendingPathComponent("debug") }

    var scratchURL: URL {
        scratchPath.hasPrefix("/") ? URL(fileURLWithPath: scratchPath) : packageRoot.appendingPathComponent(scratchPath)
    }

    /// Finds "path:line:column: error: message" lines; drops duplicates (SwiftPM often prints an error twice,
    /// once per compile job) and makes paths relative to the package root.
    public static func parseDiagnostics(_ log: String, packageRoot: URL) -> [Diagnostic] {
        let rootPrefix = packageRoot.standardizedFileURL.path + "/"
        var seen = Set<Diagnostic>()
        var diagnostics: [Diagnostic] = []
        for line in log.split(separator: "\n") {
            guard let diagnostic = parseDiagnostic(String(line), rootPrefix: rootPrefix) else { continue }
            if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
        }
        return diagnostics
    }

    private static func parseDiagnostic(_ line: String, rootPrefix: String) -> Diagnostic? {
        for severity in ["error", "warning"] {
            guard let marker = line.range(of: ": \(severity): ") else { continue }
            let location = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard location.count >= 3, let lineNumber = Int(location[location.count - 2]),
                  let column = Int(location[location.count - 1]) else { continue }
            var file = location.dropLast(2).joined(separator: ":")
            guard file.hasSuffix(".swift") else { continue }
            if file.hasPrefix(rootPrefix) { file.removeFirst(rootPrefix.count) }
            return Diagnostic(file: file, line: lineNumber, column: column, severity: severity,
                              message: String(line[marker.upperBound...]))
        }
        return nil
    }
}

/// Something that stops the grader itself (not a student's mistake, which is always just a report).
public enum GraderError: Error, CustomStringConvertible, Equatable {
    case toolMissing(String)
    case packageNotFound(String)
    case unknownLesson(String)
    case unknownExercise(String)
    case unreadableFile(String, reason: String)

    public var description: String {
        switch self {
        case .toolMissing(let tool): "\(tool) is not on PATH; the grader needs it to build the exercises"
        case .packageNotFound(let start):
            "no TransferLab package (a Package.swift next to Exercises/) at or above \(start); use --package-path"
        case .unknownLesson(let name): "no lesson '\(name)': use lesson-01 … lesson-06 (or 1 … 6)"
        case .unknownExercise(let name):
            "no exercise '\(name)': use an id such as 'cutout', a file name such as Cutout.swift, or see --list"
        case .unreadableFile(let path, let reason): "\(path): \(reason)"
        }
    }
}
