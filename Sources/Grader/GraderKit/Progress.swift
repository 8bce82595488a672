import Foundation

/// What the grader remembers between runs, per exercise: the last result and how many hints were shown.
/// Kept in .grader/progress.json (git-ignored), written atomically so an interrupted run never leaves half a file.
public struct Progress: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        /// The exercise status of the last grading ("pass", "fail", "not-started", …), nil if never graded.
        public var status: String?
        public var checksPassed: Int?
        public var checks: Int?
        /// How many of the exercise's hints have been revealed, 0 ... count.
        public var hintsShown = 0
        /// ISO 8601 time of the last grading.
        public var lastGraded: String?
        /// ISO 8601 time of the first grading that passed.
        public var firstPassed: String?

        public init() {}
    }

    public var version = 1
    public var exercises: [String: Entry] = [:]

    public init() {}

    /// Reads `url`; a missing or unreadable file starts fresh (progress is a convenience, never a reason to stop).
    public static func load(from url: URL) -> Progress {
        guard let data = try? Data(contentsOf: url), let progress = try? JSONDecoder().decode(Progress.self, from: data)
        else { return Progress() }
        return progress
    }

    /// Writes to a temporary file next to `url`, then renames it over `url` (atomic on one file system).
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw GraderError.unreadableFile(url.path, reason: "could not replace it: \(reason)")
        }
    }

    /// Records the results of `report` (exercise mode only: grading the solutions says nothing about the student).
    public mutating func record(_ report: GradeReport, at date: Date = Date()) {
        guard report.mode == "exercises" else { return }
        let time = ISO8601DateFormatter().string(from: date)
        for exercise in report.lessons.flatMap(\.exercises) {
            var entry = exercises[exercise.id] ?? Entry()
            entry.status = exercise.status.rawValue
            entry.checks = exercise.checks.count
            entry.checksPassed = exercise.checks.filter { $0.status == .pass }.count
            entry.lastGraded = time
            if exercise.status == .pass && entry.firstPassed == nil { entry.firstPassed = time }
            exercises[exercise.id] = entry
        }
    }

    /// Reveals one more hint of `exercise` (up to `available`) and returns how many are now shown.
    @discardableResult
    public mutating func revealHint(of exercise: String, available: Int) -> Int {
        var entry = exercises[exercise] ?? Entry()
        entry.hintsShown = min(available, entry.hintsShown + 1)
        exercises[exercise] = entry
        return entry.hintsShown
    }

    public func hintsShown(of exercise: String) -> Int { exercises[exercise]?.hintsShown ?? 0 }
}
