import Foundation

/// Finds a marked region of a lesson's source file for `Notebook.listing(_:)`.
///
/// The markers are whole comment lines, so the region stays ordinary Swift:
///
/// ```swift
/// // listing: scratch-cnn
/// func scratchCNN(classes: Int) -> Sequential { ... }
/// // end listing
/// ```
///
/// The lines between the markers are shown with their common indentation removed. Names are unique in a file.
enum ListingSource {
    /// The shown code and the 1-based line numbers it spans in its file.
    struct Region: Equatable {
        var source: String
        var lines: ClosedRange<Int>
    }

    /// What is wrong with a listing request, as one line.
    struct Problem: Error, CustomStringConvertible, Equatable {
        var description: String
    }

    static func load(name: String, file: String) -> Result<Region, Problem> {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(Problem(description: "the source file is not readable"))
        }
        return extract(name: name, from: String(decoding: data, as: UTF8.self))
    }

    static func extract(name: String, from text: String) -> Result<Region, Problem> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let opening = "// listing: \(name)"
        let starts = lines.indices.filter { lines[$0] == opening }
        guard let start = starts.first else {
            return .failure(Problem(description: "no line \"\(opening)\" marks its start"))
        }
        guard starts.count == 1 else {
            return .failure(Problem(description: "\"\(opening)\" appears \(starts.count) times"))
        }
        guard let end = lines[(start + 1)...].firstIndex(where: { $0 == "// end listing" || $0.hasPrefix("// listing:") }),
              lines[end] == "// end listing"
        else {
            return .failure(Problem(description: "no \"// end listing\" line closes it"))
        }
        let raw = text.split(separator: "\n", omittingEmptySubsequences: false)[(start + 1)..<end].map(String.init)
        guard raw.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return .failure(Problem(description: "the region is empty"))
        }
        let indent = raw.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
        let source = raw.map { String($0.dropFirst(min(indent, $0.prefix(while: { $0 == " " }).count))) }
            .joined(separator: "\n")
        return .success(Region(source: source, lines: (start + 2)...end))
    }
}
