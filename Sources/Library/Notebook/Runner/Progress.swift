import Foundation

/// A progress report for a long loop: a bar with rate and time left redrawn in place on a terminal, and plain
/// lines every 10% (at most one a second) or every 5 s otherwise, so CI logs stay readable. `finish()` prints one
/// summary line, which also goes into the cell's output on the page.
///
/// ```swift
/// let progress = Progress(total: steps, label: "training")
/// for step in 0..<steps { ...; progress.advance(status: "loss \(loss)") }
/// progress.finish()
/// ```
public final class Progress {
    public let total: Int
    public let label: String
    public private(set) var completed = 0
    private let started = Date()
    private var lastDraw = Date()
    private var lastLineDecile = 0
    private var status: String?
    private var isFinished = false
    private let console = Console.shared
    /// Redraws in place when standard output is a terminal.
    let isInteractive: Bool

    public init(total: Int, label: String) {
        self.total = max(total, 0)
        self.label = label
        isInteractive = console.isTerminal
    }

    /// Counts `count` more items done; `status` (e.g. "loss 0.31") is shown beside the bar.
    public func advance(by count: Int = 1, status: String? = nil) {
        completed += count
        if let status { self.status = status }
        let now = Date()
        if isInteractive {
            if now.timeIntervalSince(lastDraw) >= 0.1 || completed >= total {
                lastDraw = now
                console.emit("\r" + barLine() + "\u{1B}[K")
            }
        } else if total > 0 {
            let decile = completed * 10 / total
            // Every 10% (but not more than once a second, so quick loops stay quiet) or every 5 s.
            let sinceLast = now.timeIntervalSince(lastDraw)
            if (decile > lastLineDecile && completed < total && sinceLast >= 1) || sinceLast >= 5 {
                lastLineDecile = decile
                lastDraw = now
                console.line(plainLine())
            }
        }
    }

    /// Ends the report with one summary line ("training: 500 in 4.2 s, 119/s, loss 0.31").
    public func finish() {
        guard !isFinished else { return }
        isFinished = true
        if isInteractive { console.emit("\r\u{1B}[K") }
        print(summaryLine())
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    private var rate: Double { elapsed > 0 ? Double(completed) / elapsed : 0 }

    private var remaining: Double? {
        guard rate > 0, completed > 0, total > completed else { return nil }
        return Double(total - completed) / rate
    }

    func barLine(width: Int = 24) -> String {
        let fraction = total > 0 ? min(Double(completed) / Double(total), 1) : 0
        // Eighth blocks give the bar sub-character resolution.
        let eighths = Int((fraction * Double(width * 8)).rounded(.down))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        let filled = String(repeating: "█", count: eighths / 8) + partial
        let bar = filled + String(repeating: " ", count: max(0, width - filled.count))
        var parts = [String(format: "%3.0f%%", fraction * 100), "\(completed)/\(total)", formatRate(rate)]
        if let remaining { parts.append("ETA " + formatClock(remaining)) }
        if let status { parts.append(status) }
        var text = parts.joined(separator: " · ")
        // A line wider than the terminal would wrap, and "\r" could no longer redraw it in place.
        let room = (console.columns ?? 80) - 1 - label.count - 2 - width
        if text.count > room { text = room > 1 ? String(text.prefix(room - 1)) + "…" : "" }
        return "\(label) \(console.styled(bar, "36"))▏" + text
    }

    func plainLine() -> String {
        let percent = total > 0 ? Double(completed) / Double(total) * 100 : 0
        var line = String(format: "%@: %.0f%% (%d/%d), %@", label, percent, completed, total, formatRate(rate))
        if let remaining { line += ", ETA " + formatClock(remaining) }
        if let status { line += ", " + status }
        return line
    }

    func summaryLine() -> String {
        var line = "\(label): \(completed) in \(formatSeconds(elapsed)), \(formatRate(rate))"
        if let status { line += ", " + status }
        return line
    }

    private func formatRate(_ rate: Double) -> String {
        rate >= 10
            ? String(format: "%.0f/s", rate)
            : rate >= 1
                ? String(format: "%.1f/s", rate)
                : rate > 0 ? String(format: "%.1f s each", 1 / rate) : "–/s"
    }

    private func formatClock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// A collection iterated with a `Progress` that advances per element and finishes at the end.
public struct ProgressSequence<Base: Collection>: Sequence {
    let base: Base
    let progress: Progress

    public struct Iterator: IteratorProtocol {
        var base: Base.Iterator
        let progress: Progress
        var started = false

        public mutating func next() -> Base.Element? {
            if started { progress.advance() }
            started = true
            guard let element = base.next() else {
                progress.finish()
                return nil
            }
            return element
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: base.makeIterator(), progress: progress) }
}
