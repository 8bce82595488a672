/// A small Swift tokenizer: enough to color code cells and to find a closure's braces while skipping strings and
/// comments. It is not a parser; unusual code degrades to plain text, never to an error.
enum SwiftLexer {
    enum Kind: Equatable { case keyword, string, number, comment, type, attribute, punctuation, identifier, whitespace }

    struct Token: Equatable {
        var kind: Kind
        /// Character offsets into the lexed text.
        var range: Range<Int>
    }

    static let keywords: Set<String> = [
        "actor", "any", "as", "associatedtype", "async", "await", "break", "case", "catch", "class", "continue",
        "default", "defer", "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for",
        "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "mutating", "nil",
        "nonisolated", "open", "operator", "private", "protocol", "public", "repeat", "rethrows", "return", "self",
        "Self", "some", "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
        "typealias", "var", "where", "while",
    ]

    static func tokens(_ text: [Character]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let n = text.count
        func at(_ j: Int) -> Character? { j < n ? text[j] : nil }
        while i < n {
            let start = i
            let c = text[i]
            var kind = Kind.punctuation
            if c == "/" && at(i + 1) == "/" {
                while i < n && text[i] != "\n" { i += 1 }
                kind = .comment
            } else if c == "/" && at(i + 1) == "*" {
                var depth = 0
                repeat {
                    if text[i] == "/" && at(i + 1) == "*" {
                        depth += 1; i += 2
                    } else if text[i] == "*" && at(i + 1) == "/" {
                        depth -= 1; i += 2
                    } else {
                        i += 1
                    }
                } while i < n && depth > 0
                kind = .comment
            } else if c == "\"" || (c == "#" && (at(i + 1) == "\"" || at(i + 1) == "#")) {
                if let end = stringEnd(text, from: i) { i = end; kind = .string } else { i += 1 }
            } else if c.isNumber && c.isASCII {
                i += 1
                while i < n {
                    let d = text[i]
                    if d.isHexDigit || d == "_" || d == "x" || d == "o" || d == "b" {
                        i += 1
                    } else if d == ".", let next = at(i + 1), next.isNumber {
                        i += 1
                    } else if (d == "+" || d == "-"), let previous = at(i - 1), previous == "e" || previous == "E" {
                        i += 1
                    } else {
                        break
                    }
                }
                kind = .number
            } else if c.isLetter || c == "_" || c == "$" || ((c == "@" || c == "#") && (at(i + 1)?.isLetter ?? false)) {
                i += 1
                while i < n && (text[i].isLetter || text[i].isNumber || text[i] == "_") { i += 1 }
                let word = String(text[start..<i])
                if c == "@" || c == "#" {
                    kind = .attribute
                } else if keywords.contains(word) {
                    kind = .keyword
                } else if c.isUppercase {
                    kind = .type
                } else {
                    kind = .identifier
                }
            } else if c.isWhitespace {
                while i < n && text[i].isWhitespace { i += 1 }
                kind = .whitespace
            } else {
                i += 1
            }
            tokens.append(Token(kind: kind, range: start..<i))
        }
        return tokens
    }

    /// The offset just past the string literal (plain, multi-line or raw) starting at `start`.
    private static func stringEnd(_ text: [Character], from start: Int) -> Int? {
        let n = text.count
        var i = start, hashes = 0
        while i < n && text[i] == "#" { hashes += 1; i += 1 }
        guard i < n, text[i] == "\"" else { return nil }
        let multiline = i + 2 < n && text[i + 1] == "\"" && text[i + 2] == "\""
        i += multiline ? 3 : 1
        let closing =
            Array(repeating: "\"" as Character, count: multiline ? 3 : 1) + Array(repeating: "#", count: hashes)
        while i < n {
            if !multiline && text[i] == "\n" { return i }  // unterminated: stop at the line's end
            if text[i] == "\\" && text[(i + 1)...].prefix(hashes).allSatisfy({ $0 == "#" }) {
                i += 1 + hashes
                if i < n && text[i] == "(" {
                    // Interpolation: skip to the matching parenthesis, stepping over nested strings.
                    var depth = 0
                    while i < n {
                        if text[i] == "(" {
                            depth += 1
                        } else if text[i] == ")" {
                            depth -= 1
                            if depth == 0 { break }
                        } else if text[i] == "\"", let end = stringEnd(text, from: i) {
                            i = end; continue
                        }
                        i += 1
                    }
                }
                i += 1
                continue
            }
            if text[i...].starts(with: closing) { return i + closing.count }
            i += 1
        }
        return n
    }
}
