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
    /// Wall-clock seconds before a build is given up: only a backstop for a hung compiler. The first build of a
    /// grader compiles the whole library and takes several minutes on a slow or busy machine.
    public var timeLimit: Double

    public init(packageRoot: URL, scratchPath: String, timeLimit: Double = 3600) {
        self.packageRoot = packageRoot
        self.scratchPath = scratchPath
        self.timeLimit = timeLimit
    }

    /// Builds `product` unless it was built from the same exercises directory after the last change to any
    /// file under `inputs` (paths relative to the package root). Even a no-op `swift build` costs seconds,
    /// which `grader --all` would pay six times.
    public func buildIfNeeded(product: String, exercisesDirectory: String, inputs: [String]) throws -> BuildResult {
        let stampsURL = scratchURL.appendingPathComponent("grader-build-stamps.json")
        var stamps = (try? JSONDecoder().decode([String: BuildStamp].self, from: Data(contentsOf: stampsURL))) ?? [:]
        let binary = binaryDirectory.appendingPathComponent(product)
        if let stamp = stamps[product], stamp.exercisesDirectory == exercisesDirectory,
            FileManager.default.fileExists(atPath: binary.path),
            latestModification(of: inputs.map { packageRoot.appendingPathComponent($0) }) < stamp.started
        {
            return BuildResult(succeeded: true, diagnostics: [], logTail: "up to date")
        }
        let started = Date().timeIntervalSince1970
        stamps[product] = nil
        let result = try build(product: product, exercisesDirectory: exercisesDirectory)
        if result.succeeded { stamps[product] = BuildStamp(exercisesDirectory: exercisesDirectory, started: started) }
        try? JSONEncoder().encode(stamps).write(to: stampsURL, options: .atomic)
        return result
    }

    /// When a product was last built successfully, and from which exercises directory.
    private struct BuildStamp: Codable {
        var exercisesDirectory: String
        var started: TimeInterval
    }

    /// The newest modification time of any file or directory at or below `urls` (a deleted file shows
    /// as a newer directory).
    private func latestModification(of urls: [URL]) -> TimeInterval {
        var latest: TimeInterval = 0
        let keys: [URLResourceKey] = [.contentModificationDateKey]
        func note(_ url: URL) {
            let modified = (try? url.resourceValues(forKeys: Set(keys)))?.contentModificationDate?.timeIntervalSince1970
            latest = max(latest, modified ?? .infinity)  // unreadable: treat as changed
        }
        for url in urls {
            note(url)
            let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: keys)
            while let item = enumerator?.nextObject() as? URL { note(item) }
        }
        return latest
    }

    /// Builds `product` with the exercises compiled from `exercisesDirectory` (relative to the package root).
    public func build(product: String, exercisesDirectory: String) throws -> BuildResult {
        guard let swift = findExecutable("swift") else { throw GraderError.toolMissing("swift") }
        var environment = ProcessInfo.processInfo.environment
        environment["TRANSFERLAB_EXERCISES"] = exercisesDirectory
        let outcome = try runChild(
            swift,
            arguments: [
                "build", "--package-path", packageRoot.path, "--scratch-path", scratchURL.path, "--product", product,
            ], environment: environment, directory: packageRoot, timeLimit: timeLimit)
        let log = outcome.standardOutput + "\n" + outcome.standardError
        let diagnostics = Self.parseDiagnostics(log, packageRoot: packageRoot)
        let tail = log.split(separator: "\n", omittingEmptySubsequences: true).suffix(15).joined(separator: "\n")
        if case .timedOut(let seconds) = outcome.termination {
            return BuildResult(
                succeeded: false, diagnostics: diagnostics,
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
        // File by file in the order first mentioned, and top to bottom within a file, as a student reads them.
        let order = Dictionary(diagnostics.enumerated().map { ($1.file, $0) }, uniquingKeysWith: min)
        return diagnostics.sorted {
            ($0.file == $1.file)
                ? ($0.line, $0.column) < ($1.line, $1.column)
                : order[$0.file]! < order[$1.file]!
        }
    }

    private static func parseDiagnostic(_ line: String, rootPrefix: String) -> Diagnostic? {
        for severity in ["error", "warning"] {
            guard let marker = line.range(of: ": \(severity): ") else { continue }
            let location = line[..<marker.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
            guard location.count >= 3, let lineNumber = Int(location[location.count - 2]),
                let column = Int(location[location.count - 1])
            else { continue }
            var file = location.dropLast(2).joined(separator: ":")
            guard file.hasSuffix(".swift") else { continue }
            if file.hasPrefix(rootPrefix) { file.removeFirst(rootPrefix.count) }
            return Diagnostic(
                file: file, line: lineNumber, column: column, severity: severity,
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
        case .unknownLesson(let name): "no lesson '\(name)': use lesson-01 … lesson-07 (or 1 … 7)"
        case .unknownExercise(let name):
            "no exercise '\(name)': use an id such as 'cutout', a file name such as Cutout.swift, or see --list"
        case .unreadableFile(let path, let reason): "\(path): \(reason)"
        }
    }
}
