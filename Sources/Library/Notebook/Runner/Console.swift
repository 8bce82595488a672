import Foundation

/// The terminal the notebook writes to: whether it is one, how wide it is, and whether color is wanted.
///
/// The notebook's own text goes to a duplicate of the original standard output, so it still reaches the terminal
/// while a cell's standard output is being captured.
final class Console: @unchecked Sendable {
    static let shared = Console()

    /// True when standard output was a terminal when the program started.
    let isTerminal: Bool
    /// ANSI color: only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    let usesColor: Bool
    private let fd: Int32
    private let lock = NSLock()

    private init() {
        fflush(nil)
        let original = dup(STDOUT_FILENO)
        fd = original >= 0 ? original : STDOUT_FILENO
        isTerminal = isatty(STDOUT_FILENO) == 1
        let environment = ProcessInfo.processInfo.environment
        usesColor = isTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// The terminal's width in columns (COLUMNS, then the terminal itself), or nil when unknown.
    var columns: Int? {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value > 20 { return value }
        guard isTerminal else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return nil }
        return Int(size.ws_col)
    }

    /// The width prose is wrapped to: the terminal's, at most 88.
    var wrapWidth: Int { min(columns ?? 88, 88) }

    /// Writes `text` as is (no newline added), after anything still buffered in `stdout`.
    func emit(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        fflush(nil)
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }

    func line(_ text: String = "") { emit(text + "\n") }

    /// Writes `text` to standard error on a line of its own.
    func error(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `text` wrapped in an ANSI style when color is on: codes like "1" (bold), "2" (dim), "36" (cyan).
    func styled(_ text: String, _ code: String) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
