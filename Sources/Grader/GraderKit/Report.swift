/// The result of one check, as printed and as written by `grader --json`.
public struct CheckReport: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        /// The student's function gave the reference answer.
        case pass
        /// It ran and gave a wrong answer.
        case fail
        /// It did not give an answer: not implemented yet, crashed, timed out, or was not run
        /// (its file does not compile, or an earlier check of the exercise timed out).
        case error
    }

    public var id: String
    public var name: String
    public var status: Status
    /// One line saying what went wrong; nil on a pass.
    public var message: String?
    /// For a wrong answer: the input (abbreviated), the reference answer, the student's answer, a detail.
    public var input: String?
    public var expected: String?
    public var got: String?
    public var detail: String?
    /// Where a crash happened in the student's file ("Exercises/lesson-04/Cutout.swift:31"), when known.
    public var location: String?
    /// What the student's code printed during the check (cut to a few lines).
    public var output: String?
    /// The function whose `todo(_:)` stopped the check, when that is what happened.
    public var notImplemented: String?
    /// False when the check was never started.
    public var ran: Bool
    public var seconds: Double?
    /// The time limit of a heavy check (one that runs the real network), in seconds; nil for the default.
    public var timeLimit: Double?
}

/// The result of one exercise: its checks, or why they could not run.
public struct ExerciseReport: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case pass
        case fail
        /// Every check stopped at the exercise's own `todo(_:)`.
        case notStarted = "not-started"
        /// The exercise's file does not compile.
        case compileError = "compile-error"
        /// Another file of the lesson does not compile, and the lesson could not be built without it.
        case blocked
    }

    /// "cutout"
    public var id: String
    /// "lesson-04"
    public var lesson: String
    /// "Exercises/lesson-04/Cutout.swift", relative to the package root.
    public var file: String
    public var function: String
    public var status: Status
    /// The compiler's errors in this exercise's file.
    public var diagnostics: [Diagnostic]
    /// One entry per check, in the order they are defined.
    public var checks: [CheckReport]
}

/// The result of one lesson.
public struct LessonReport: Codable, Equatable, Sendable {
    /// "lesson-04"
    public var lesson: String
    public var title: String
    /// Set when the lesson's runner could not be built for a reason that names no exercise file.
    public var buildError: String?
    public var exercises: [ExerciseReport]
}

/// Counts over exercises and checks: the summary table, and the `summary` object of `--json`.
/// Every check is exactly one of: passed, failed (both "ran"), not started, not run.
public struct Summary: Codable, Equatable, Sendable {
    public var exercises = 0
    public var passed = 0
    public var failing = 0
    public var notStarted = 0
    /// Exercises that do not compile, or could not be built because another file of the lesson does not.
    public var notCompiling = 0
    public var checks = 0
    /// Checks that reached the student's code and ended: a pass, a wrong answer, a crash, a time-out.
    public var checksRun = 0
    public var checksPassed = 0
    /// Checks that ran and did not pass.
    public var checksFailed = 0
    /// Checks stopped at the exercise's own `todo(_:)`.
    public var checksNotStarted = 0
    /// Checks never started: a file that does not compile, or skipped after a time-out.
    public var checksNotRun = 0

    public init() {}

    public init(_ exercises: [ExerciseReport]) {
        for exercise in exercises {
            self.exercises += 1
            switch exercise.status {
            case .pass: passed += 1
            case .fail: failing += 1
            case .notStarted: notStarted += 1
            case .compileError, .blocked: notCompiling += 1
            }
            for check in exercise.checks {
                checks += 1
                if !check.ran {
                    checksNotRun += 1
                } else if check.notImplemented == exercise.function {
                    checksNotStarted += 1
                } else {
                    checksRun += 1
                    if check.status == .pass { checksPassed += 1 } else { checksFailed += 1 }
                }
            }
        }
    }
}

/// Everything one grading run found: what `--json` prints (documented in README.md, section "`--json`").
public struct GradeReport: Codable, Equatable, Sendable {
    /// Bumped when a field changes meaning.
    public var version = 1
    /// "exercises", or "solutions" for `--solutions`.
    public var mode: String
    /// "pass" when every exercise graded passes, "fail" when some do not, "error" when no check could even
    /// be started (nothing compiled).
    public var status: String
    public var summary: Summary
    public var lessons: [LessonReport]

    public init(mode: String, lessons: [LessonReport]) {
        self.mode = mode
        self.lessons = lessons
        let exercises = lessons.flatMap(\.exercises)
        summary = Summary(exercises)
        if summary.checksNotRun == summary.checks {
            status = "error"
        } else {
            status = summary.passed == summary.exercises ? "pass" : "fail"
        }
    }
}
