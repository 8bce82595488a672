import Foundation

/// Finds the code of a cell in the lesson's own source file, so the notebook shows exactly what runs.
enum CellSource {
    /// Shown when the source file is gone (a binary moved to another machine) or the call cannot be read.
    static let unavailable = "(source unavailable)"

    nonisolated(unsafe) private static let cache = NSCache<NSString, NSString>()

    /// The body of the closure passed in the call at `line`:`column` (1-based) of `file`.
    static func load(file: String, line: Int, column: Int) -> String {
        let text: String
        if let cached = cache.object(forKey: file as NSString) {
            text = cached as String
        } else if let data = FileManager.default.contents(atPath: file) {
            text = String(decoding: data, as: UTF8.self)
            cache.setObject(text as NSString, forKey: file as NSString)
        } else {
            return unavailable
        }
        return extract(from: text, line: line, column: column) ?? unavailable
    }

    /// The body of the first closure that opens at or after `line`:`column` (1-based) in `text`: the lines between
    /// its braces, with their common indentation removed; a one-line closure gives its trimmed content.
    static func extract(from text: String, line: Int, column: Int) -> String? {
        let characters = Array(text)
        // Find where the call starts.
        var offset = 0, currentLine = 1
        while currentLine < line {
            guard let newline = characters[offset...].firstIndex(of: "\n") else { return nil }
            offset = newline + 1
            currentLine += 1
        }
        let lineEnd = characters[offset...].firstIndex(of: "\n") ?? characters.count
        offset = min(offset + max(column - 1, 0), lineEnd)

        let tail = Array(characters[offset...])
        var open: Int?, depth = 0, close: Int?
        for token in SwiftLexer.tokens(tail) where token.kind == .punctuation {
            let c = tail[token.range.lowerBound]
            if c == "{" {
                if open == nil { open = token.range.lowerBound }
                depth += 1
            } else if c == "}" && open != nil {
                depth -= 1
                if depth == 0 { close = token.range.lowerBound; break }
            }
        }
        guard let open, let close else { return nil }
        return dedented(String(tail[(open + 1)..<close]))
    }

    private static func dedented(_ body: String) -> String {
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
        }
        if lines.count == 1 { return lines[0].trimmingCharacters(in: .whitespaces) }
        // The text after "{" on the opening line: nothing, a closure signature ("x in"), or code.
        let first = lines[0].trimmingCharacters(in: .whitespaces)
        var kept: String?
        if first.isEmpty || first.hasSuffix(" in") || first == "in" {
            lines.removeFirst()
        } else {
            kept = lines.removeFirst()
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        if kept == nil {
            while let head = lines.first, head.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
        }
        let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix(while: { $0 == " " || $0 == "\t" }).count }
        let common = indents.min() ?? 0
        let body = lines.map { line in line.count >= common ? String(line.dropFirst(common)) : "" }
        return ((kept.map { [$0.trimmingCharacters(in: .whitespaces)] } ?? []) + body).joined(separator: "\n")
    }
}
