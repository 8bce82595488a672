import Foundation

/// How each kind of block looks in the terminal.
struct TerminalWriter {
    var console: Console

    func header(lesson: Int?, title: String, quick: Bool, seed: UInt64) {
        let width = console.wrapWidth
        let heading = (lesson.map { "Lesson \($0) · " } ?? "") + title
        console.line(
            console.styled(
                "━━ " + heading + " " + String(repeating: "━", count: max(3, width - heading.count - 4)),
                "1"))
        var settings = ["seed \(seed)"]
        if quick { settings.insert("quick mode", at: 0) }
        console.line(console.styled(settings.joined(separator: " · "), "2"))
    }

    func section(number: String, title: String) {
        let text = "\(number)  \(title)"
        console.line()
        console.line(console.styled(text, "1"))
        console.line(console.styled(String(repeating: "─", count: min(text.count, console.wrapWidth)), "2"))
    }

    func prose(_ text: String) {
        for paragraph in Markup.paragraphs(text) {
            console.line()
            console.line(Markup.terminal(paragraph, width: console.wrapWidth, console: console))
        }
    }

    func note(_ text: String) {
        console.line()
        let body = Markup.terminal(text, width: console.wrapWidth, indent: "  │ ", console: console)
        console.line(console.styled("  │ Note", "1;33") + "\n" + body)
    }

    func list(title: String, items: [String]) {
        console.line()
        console.line(console.styled(title, "1"))
        for item in items {
            let wrapped = Markup.terminal(item, width: console.wrapWidth, indent: "    ", console: console)
            console.line("  • " + wrapped.dropFirst(4))
        }
    }

    /// The cell's code, before it runs.
    func cellSource(number: Int, source: String, location: String) {
        console.line()
        let gutter = console.styled("[\(number)]", "2")
        let bar = console.styled("│", "2")
        let lines = Highlighter.terminal(source, console: console).split(
            separator: "\n", omittingEmptySubsequences: false)
        let pad = String(repeating: " ", count: "[\(number)]".count)
        for (i, line) in lines.enumerated() { console.line("\(i == 0 ? gutter : pad) \(bar) \(line)") }
        _ = location
    }

    /// Declarations shown from the lesson's source.
    func listing(name: String, source: String) {
        console.line()
        console.line(console.styled("listing \(name)", "2"))
        let bar = console.styled("┆", "2")
        for line in Highlighter.terminal(source, console: console).split(separator: "\n", omittingEmptySubsequences: false) {
            console.line("    \(bar) \(line)")
        }
    }

    /// The line after a cell: its running time when that is worth knowing.
    func cellFinished(seconds: Double) {
        if seconds >= 0.5 { console.line(console.styled("    (\(formatSeconds(seconds)))", "2")) }
    }

    func table(headers: [String], rows: [[String]], caption: String?) {
        console.line()
        if let caption { console.line(console.styled(caption, "1")) }
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        let cells = ([headers] + rows).map { row in (0..<columns).map { $0 < row.count ? row[$0] : "" } }
        let widths = (0..<columns).map { c in cells.map { $0[c].count }.max() ?? 0 }
        // A column whose body cells all look like numbers is right-aligned.
        let numeric = (0..<columns).map { c in
            !rows.isEmpty && rows.allSatisfy { looksNumeric(c < $0.count ? $0[c] : "") }
        }
        func render(_ row: [String]) -> String {
            "  "
                + row.enumerated().map { c, text in
                    let padding = String(repeating: " ", count: widths[c] - text.count)
                    return numeric[c] ? padding + text : text + padding
                }.joined(separator: "  ")
        }
        if !headers.isEmpty {
            console.line(console.styled(render(cells[0]), "1"))
            console.line(
                console.styled("  " + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "), "2"))
        }
        for row in cells.dropFirst() { console.line(render(row)) }
    }

    func figure(number: Int, caption: String, path: String) {
        console.line()
        let label = console.styled("Figure \(number).", "1;34")
        let text = caption.isEmpty ? "" : " " + Markup.runs(caption).map(\.1).joined()
        console.line("  ▣ \(label)\(text)")
        console.line("    " + console.styled("→ " + path, "2"))
    }

    func failure(_ message: String) {
        console.error(console.styled("error:", "1;31") + " " + message)
    }
}

func formatSeconds(_ seconds: Double) -> String {
    if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    return String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
}

/// "1,234", "-0.53", "53.2%", "138M", "20 MB" all count as numbers for alignment.
func looksNumeric(_ text: String) -> Bool {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard let first = trimmed.first, first.isNumber || first == "-" || first == "−" || first == "+" || first == "."
    else {
        return false
    }
    return trimmed.allSatisfy { $0.isNumber || ".,%+-−eE xkKMGBTbs×/()".contains($0) }
}
