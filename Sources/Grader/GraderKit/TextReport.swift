import Foundation

/// Renders a `GradeReport` for a person: one line per check with ✓ or ✗ and its name; for a failure the
/// input, the expected and the actual answer, and a hint; for a file that does not compile, the compiler's
/// errors with file and line; then a summary table. Never a raw stack trace.
public struct TextReport {
    /// The hint to show under a failing exercise: (number, count, text), or nil when it has none.
    public var hint: (String) -> (number: Int, count: Int, text: String)?
    public var color: Bool

    public init(color: Bool, hint: @escaping (String) -> (number: Int, count: Int, text: String)? = { _ in nil }) {
        self.color = color
        self.hint = hint
    }

    public func render(_ report: GradeReport) -> String {
        var lines: [String] = []
        for lesson in report.lessons {
            lines.append(bold("\(lesson.lesson) · \(lesson.title)"))
            if let note = lesson.buildError {
                lines += note.split(separator: "\n").map { "  " + red(String($0)) }
            }
            for exercise in lesson.exercises { lines += render(exercise) }
            lines.append("")
        }
        lines += summaryTable(report)
        lines.append(closingLine(report))
        return lines.joined(separator: "\n")
    }

    private func render(_ exercise: ExerciseReport) -> [String] {
        let file = (exercise.file as NSString).lastPathComponent
        let passed = exercise.checks.filter { $0.status == .pass }.count
        switch exercise.status {
        case .notStarted:
            let location = exercise.checks.first?.location.map { " (\($0))" } ?? ""
            return [
                "  " + yellow("·") + " \(file) — not started: \(exercise.function) "
                    + "is not implemented yet\(location); "
                    + "\(exercise.checks.count) checks waiting"
            ]
        case .compileError:
            return ["  " + red("✗") + " \(file) — does not compile"]
                + exercise.diagnostics.map { "      " + red($0.description) }
                + ["      (\(exercise.checks.count) checks not run)"]
        case .blocked:
            let reason = exercise.checks.first?.message ?? "not run"
            return ["  " + yellow("·") + " \(file) — \(reason)"]
        case .pass, .fail:
            var lines = [
                "  " + (exercise.status == .pass ? green("✓") : red("✗"))
                    + " \(file) — \(exercise.function): \(passed)/\(exercise.checks.count) checks pass"
            ]
            for check in exercise.checks { lines += render(check) }
            if exercise.status == .fail, let hint = hint(exercise.id) {
                lines.append("      " + cyan("hint \(hint.number)/\(hint.count):") + " \(hint.text)")
                if hint.number < hint.count {
                    lines.append("      more: swift run grader --hint \(exercise.id)")
                }
            }
            return lines
        }
    }

    private func render(_ check: CheckReport) -> [String] {
        // A heavy check says how long it took against its own limit: "(34 s of 120 s)".
        let timing = check.timeLimit.map { limit in
            " " + dim("(" + (check.seconds.map { "\(Self.seconds($0)) of " } ?? "limit ") + "\(Self.seconds(limit)))")
        } ?? ""
        if check.status == .pass { return ["      " + green("✓") + " \(check.name)" + timing] }
        var lines = ["      " + red("✗") + " \(check.name)" + timing]
        let pad = "          "
        if let input = check.input {
            lines.append(pad + "input:    \(input)")
            lines.append(pad + "expected: \(check.expected ?? "")")
            lines.append(pad + "got:      \(check.got ?? "")")
            if let detail = check.detail { lines.append(pad + detail) }
        } else if let message = check.message {
            lines.append(pad + message + (check.location.map { " at \($0)" } ?? ""))
        }
        if let output = check.output {
            lines += output.split(separator: "\n", omittingEmptySubsequences: false).map { pad + "printed: \($0)" }
        }
        return lines
    }

    private func summaryTable(_ report: GradeReport) -> [String] {
        let header = [
            "", "total", "passed", "failing", "not started", "not compiling", "total", "ran", "passed", "failed",
            "not started", "not run",
        ]
        func row(_ name: String, _ s: Summary) -> [String] {
            [name]
                + [
                    s.exercises, s.passed, s.failing, s.notStarted, s.notCompiling, s.checks, s.checksRun,
                    s.checksPassed, s.checksFailed, s.checksNotStarted, s.checksNotRun,
                ].map(String.init)
        }
        var rows = report.lessons.map { row($0.lesson, Summary($0.exercises)) }
        if report.lessons.count > 1 { rows.append(row("total", report.summary)) }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        // A group line over the two halves, so the two "passed" columns cannot be confused.
        func span(_ columns: ClosedRange<Int>, _ title: String) -> String {
            let width = columns.map { widths[$0] }.reduce(0, +) + 2 * (columns.count - 1)
            let dashes = max(2, width - title.count - 2)
            return String(repeating: "─", count: dashes / 2) + " \(title) "
                + String(repeating: "─", count: dashes - dashes / 2)
        }
        let groups = String(repeating: " ", count: widths[0]) + "  " + span(1...5, "exercises") + "  "
            + span(6...11, "checks")
        return [bold(groups), bold(format(header))] + rows.map(format)
    }

    private func closingLine(_ report: GradeReport) -> String {
        let s = report.summary
        let mode = report.mode == "solutions" ? " (grading Solutions/)" : ""
        var line =
            "\(s.passed) of \(s.exercises) exercises pass\(mode); checks: \(s.checksRun) ran (\(s.checksPassed) passed, "
            + "\(s.checksFailed) failed), \(s.checksNotStarted) not started, \(s.checksNotRun) not run."
        // Fix what is broken before starting something new.
        let exercises = report.lessons.flatMap(\.exercises)
        if let next = exercises.first(where: { [.compileError, .fail].contains($0.status) })
            ?? exercises.first(where: { $0.status != .pass })
        {
            line += "\nNext: \(next.file)"
        }
        return line
    }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    private func green(_ text: String) -> String { paint(text, "32") }
    private func red(_ text: String) -> String { paint(text, "31") }
    private func yellow(_ text: String) -> String { paint(text, "33") }
    private func cyan(_ text: String) -> String { paint(text, "36") }
    private func bold(_ text: String) -> String { paint(text, "1") }
    private func dim(_ text: String) -> String { paint(text, "2") }

    /// "0.4 s", "34 s", "120 s".
    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s"
    }
}
