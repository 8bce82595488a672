import Foundation

/// The hints of every exercise, from the one metadata file Exercises/hints.json:
/// `{ "cutout": ["nudge", "approach", "near-answer"], … }`, revealed one at a time with `grader --hint`.
public struct Hints: Sendable {
    public var byExercise: [String: [String]]

    public init(byExercise: [String: [String]]) {
        self.byExercise = byExercise
    }

    /// Reads the hints file; a missing file means no hints, a malformed one is an error naming the file.
    public static func load(from url: URL) throws -> Hints {
        guard FileManager.default.fileExists(atPath: url.path) else { return Hints(byExercise: [:]) }
        do {
            return Hints(byExercise: try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: url)))
        } catch {
            throw GraderError.unreadableFile(url.path, reason: "not a JSON object of string lists (\(error))")
        }
    }

    /// The hints of `exercise`, nudge first.
    public func hints(for exercise: String) -> [String] { byExercise[exercise] ?? [] }
}
