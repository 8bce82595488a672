/// The little inline markup prose may use: `code`, **bold** and *italic*; blank lines separate paragraphs.
enum Markup {
    enum Style { case plain, code, bold, italic }

    /// Splits `text` into styled runs.
    static func runs(_ text: String) -> [(Style, String)] {
        var runs: [(Style, String)] = []
        var current = "", i = text.startIndex
        func flush() { if !current.isEmpty { runs.append((.plain, current)); current = "" } }
        while i < text.endIndex {
            let rest = text[i...]
            var matched = false
            for (marker, style) in [("`", Style.code), ("**", .bold), ("*", .italic)] where rest.hasPrefix(marker) {
                let start = text.index(i, offsetBy: marker.count)
                // Only a span that closes on the same paragraph, with something inside, counts.
                if start < text.endIndex, let end = text[start...].range(of: marker)?.lowerBound, end > start,
                    !text[start..<end].contains("\n\n"), style == .code || !text[start].isWhitespace
                {
                    flush()
                    runs.append((style, String(text[start..<end])))
                    i = text.index(end, offsetBy: marker.count)
                    matched = true
                    break
                }
            }
            if !matched { current.append(text[i]); i = text.index(after: i) }
        }
        flush()
        return runs
    }

    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// HTML for one paragraph.
    static func html(_ text: String) -> String {
        runs(text).map { style, content in
            let escaped = HTML.escape(content)
            switch style {
            case .plain: return escaped
            case .code: return "<code>\(escaped)</code>"
            case .bold: return "<strong>\(escaped)</strong>"
            case .italic: return "<em>\(escaped)</em>"
            }
        }.joined()
    }

    /// Terminal text for one paragraph, wrapped to `width` columns after `indent`.
    static func terminal(_ text: String, width: Int, indent: String = "", console: Console) -> String {
        var words: [(visible: Int, text: String)] = []
        var glued = false  // the next piece continues the previous word (no space between)
        for (style, content) in runs(text) {
            let code: String? =
                switch style {
                case .plain: nil
                case .code: "36"
                case .bold: "1"
                case .italic: "3"
                }
            var pieces = content.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            pieces = pieces.map { $0.replacingOccurrences(of: "\n", with: " ") }
            for (n, piece) in pieces.enumerated() {
                let styled = code.map { console.styled(piece, $0) } ?? piece
                if n == 0 && glued && !words.isEmpty {
                    words[words.count - 1].visible += piece.count
                    words[words.count - 1].text += styled
                } else if !piece.isEmpty {
                    words.append((piece.count, styled))
                }
            }
            glued = !(content.last?.isWhitespace ?? true)
        }
        var lines: [String] = [], line = "", length = 0
        for word in words {
            if length > 0 && length + 1 + word.visible > width - indent.count {
                lines.append(indent + line); line = ""; length = 0
            }
            line += (length > 0 ? " " : "") + word.text
            length += (length > 0 ? 1 : 0) + word.visible
        }
        if length > 0 { lines.append(indent + line) }
        return lines.joined(separator: "\n")
    }
}

/// HTML escaping.
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(c)
            }
        }
        return result
    }
}
