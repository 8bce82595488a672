import Foundation

/// Where things are and how strict the grader is. Paths are relative to the package root unless absolute.
public struct GraderConfiguration: Sendable {
    /// The directory holding Package.swift, Exercises/ and Solutions/.
    public var packageRoot: URL
    /// What the student edits; the tests point it at a copy.
    public var exercisesDirectory = "Exercises"
    /// The reference answers (used to stand in for a file that does not compile).
    public var solutionsDirectory = "Solutions"
    /// The grader's own SwiftPM scratch path, apart from `.build`, so `swift run grader` can build from inside.
    public var scratchPath = ".build/grader"
    /// A copy of the exercises in which files that do not compile are swapped for their solutions.
    public var overlayDirectory = ".grader/overlay"
    /// What heavy checks compute once and reuse (frozen features, reference runs); safe to delete.
    public var cacheDirectory = ".grader/cache"
    /// Progress and hints shown so far.
    public var progressFile = ".grader/progress.json"
    /// The hints, one list per exercise id.
    public var hintsFile = "Exercises/hints.json"
    /// Wall-clock limit of one check, in seconds (a heavy check that needs longer says so, and gets its own).
    public var timeLimit: Double = 10
    /// Address-space limit of one check's process, in megabytes (heavy checks may ask for more).
    public var memoryLimitMegabytes = 2048
    /// How many checks run at once (exercises in parallel, the checks of one exercise in order).
    public var parallelism = 2
    /// Grade Solutions/ instead of Exercises/ (the authors' self-check).
    public var gradeSolutions = false

    public init(packageRoot: URL) {
        self.packageRoot = packageRoot
    }

    /// The package root at or above `start`: the first directory with both Package.swift and Exercises/.
    public static func findPackageRoot(from start: URL) throws -> URL {
        var directory = start.standardizedFileURL
        while true {
            let manager = FileManager.default
            if manager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                manager.fileExists(atPath: directory.appendingPathComponent("Exercises").path)
            {
                return directory
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { throw GraderError.packageNotFound(start.path) }
            directory = parent
        }
    }

    func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : packageRoot.appendingPathComponent(path)
    }
}
