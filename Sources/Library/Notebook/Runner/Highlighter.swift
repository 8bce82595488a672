/// Colors Swift source for the terminal and for HTML, from `SwiftLexer`'s tokens.
enum Highlighter {
    /// ANSI-colored source (plain when color is off).
    static func terminal(_ source: String, console: Console) -> String {
        guard console.usesColor else { return source }
        let characters = Array(source)
        return SwiftLexer.tokens(characters).map { token in
            let text = String(characters[token.range])
            let code: String? =
                switch token.kind {
                case .keyword: "35"
                case .string: "32"
                case .number: "36"
                case .comment: "90"
                case .attribute: "33"
                default: nil
                }
            // Style line by line, so a reset closes every line of a multi-line comment or string.
            guard let code else { return text }
            return text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : console.styled(String($0), code) }.joined(separator: "\n")
        }.joined()
    }

    /// Escaped HTML with `<span class="k|s|n|c|t|a">` around keywords, strings, numbers, comments, types, attributes.
    static func html(_ source: String) -> String {
        let characters = Array(source)
        return SwiftLexer.tokens(characters).map { token in
            let text = HTML.escape(String(characters[token.range]))
            let cls: String? =
                switch token.kind {
                case .keyword: "k"
                case .string: "s"
                case .number: "n"
                case .comment: "c"
                case .type: "t"
                case .attribute: "a"
                default: nil
                }
            return cls.map { "<span class=\"\($0)\">\(text)</span>" } ?? text
        }.joined()
    }
}
