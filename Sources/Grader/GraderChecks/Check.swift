import ExerciseSupport

/// One named check of one exercise: runs the student's function on some inputs and throws a
/// `CheckFailure` saying what went wrong. A check never crashes on a wrong answer (wrong lengths,
/// NaN, out-of-range indices are all reported); only the student's own code can crash, which the
/// grader catches by running every check in a child process.
public struct Check: Sendable {
    /// Stable and unique within the course: "cosine-similarity/zero-vector".
    public let id: String
    /// What a student reads next to ✓ or ✗: "returns 0 when a vector is all zeros".
    public let name: String
    /// Runs the check; returns normally when it passes.
    public let run: @Sendable () throws -> Void
    /// The wall-clock limit of a heavy check (one that runs the real network), in seconds; nil for the
    /// grader's default (`--time-limit`, 10 s). The grader uses the larger of the two and prints it.
    public let timeLimit: Double?
    /// The address-space limit of a heavy check, in megabytes; nil for the grader's default (2048 MB).
    public let memoryLimitMegabytes: Int?

    public init(
        id: String, name: String, timeLimit: Double? = nil, memoryLimitMegabytes: Int? = nil,
        run: @escaping @Sendable () throws -> Void
    ) {
        self.id = id
        self.name = name
        self.timeLimit = timeLimit
        self.memoryLimitMegabytes = memoryLimitMegabytes
        self.run = run
    }

    /// True for a check with limits of its own: it loads the real model or trains on real data.
    public var isHeavy: Bool { timeLimit != nil || memoryLimitMegabytes != nil }
}

/// Why a check failed, in the words the grader prints: the input (abbreviated), what the reference
/// answer is, what the student's function returned, and a detail such as the largest error.
public struct CheckFailure: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    public var input: String
    public var expected: String
    public var got: String
    public var detail: String?

    public init(input: String, expected: String, got: String, detail: String? = nil) {
        self.input = input
        self.expected = expected
        self.got = got
        self.detail = detail
    }

    public var description: String {
        "input: \(input); expected: \(expected); got: \(got)" + (detail.map { "; \($0)" } ?? "")
    }
}

/// The checks of one exercise, with what the grader needs to find and name it.
public struct ExerciseChecks: Sendable {
    /// Unique in the course, used on the command line: "cosine-similarity".
    public let id: String
    /// The lesson number, 1...6.
    public let lesson: Int
    /// The file under Exercises/lesson-NN: "CosineSimilarity.swift".
    public let file: String
    /// The function the student writes, as `todo(_:)` names it: "cosineSimilarity(_:_:)".
    public let function: String
    public let checks: [Check]

    public init(id: String, lesson: Int, file: String, function: String, checks: [Check]) {
        self.id = id
        self.lesson = lesson
        self.file = file
        self.function = function
        self.checks = checks
    }

    /// "lesson-02/CosineSimilarity.swift": the path under Exercises/ or Solutions/.
    public var relativePath: String { "\(lessonDirectory(lesson))/\(file)" }
}

/// The checks of one lesson's exercises, in the order the grader prints them.
public struct LessonChecks: Sendable {
    public let number: Int
    public let title: String
    public let exercises: [ExerciseChecks]

    public init(number: Int, title: String, exercises: [ExerciseChecks]) {
        self.number = number
        self.title = title
        self.exercises = exercises
    }

    /// "lesson-04": the directory name and the grader's argument.
    public var name: String { lessonDirectory(number) }

    /// Every check of every exercise, in order.
    public var allChecks: [Check] { exercises.flatMap(\.checks) }
}

/// "lesson-04" for 4.
public func lessonDirectory(_ number: Int) -> String {
    number < 10 ? "lesson-0\(number)" : "lesson-\(number)"
}
