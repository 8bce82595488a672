import Foundation
import Imaging
@testable import Notebook
import Testing

private struct Broken: Error, CustomStringConvertible {
    var description: String { "the weights file is truncated" }
}

/// A fresh output folder, removed by the caller.
private func temporaryRoot() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("notebook-tests-\(UUID().uuidString)")
}

private func options(root: URL) -> NotebookOptions {
    var options = NotebookOptions()
    options.outputRoot = root.path
    options.seed = 7
    return options
}

@Suite("Runner")
struct RunnerTests {
    @Test("the page shows every code cell verbatim (escaped) and references every figure")
    func pageContents() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let book = Notebook(
            name: "lesson-07", lesson: 7, title: "Tests & <pages>", options: options(root: root),
            echoing: false)
        book.section("First section")
        book.prose("Some `code` and **bold** text.")
        let answer = book.cell {
            let greeting = "<b>\"quoted\" & 'single'</b>"
            return greeting.count + 2 * 3
        }
        #expect(answer == 32)
        book.cell {
            let plot = LinePlot(series: [LineSeries(name: "loss", values: [3.0, 2.0, 1.5])])
            book.figure(plot, name: "loss", caption: "Loss goes <down>")
        }
        book.figure(Image(width: 4, height: 4, red: 1, green: 0, blue: 0), name: "red-square")
        book.table(headers: ["model", "params"], rows: [["Lite0", "4.7M"]])
        try book.writeReport()

        let directory = root.appendingPathComponent("lesson-07")
        let html = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
        // Highlighting wraps tokens in spans; without them the code must be exactly the escaped source.
        let plain = html.replacingOccurrences(of: "<span class=\"[a-z]\">", with: "", options: .regularExpression)
            .replacingOccurrences(of: "</span>", with: "")
        let cells = book.blocks.compactMap { block -> String? in
            if case .cell(let cell) = block { return cell.source }
            return nil
        }
        #expect(cells.count == 2)
        #expect(cells[0] == "let greeting = \"<b>\\\"quoted\\\" & 'single'</b>\"\nreturn greeting.count + 2 * 3")
        for source in cells { #expect(plain.contains(HTML.escape(source))) }
        #expect(!html.contains("<b>\"quoted"), "code must be escaped")
        #expect(html.contains("<title>Lesson 7 · Tests &amp; &lt;pages&gt;</title>"))
        #expect(html.contains("Loss goes &lt;down&gt;"))
        #expect(html.contains("<code>code</code>") && html.contains("<strong>bold</strong>"))
        for file in ["loss.png", "red-square.png"] {
            #expect(html.contains("src=\"\(file)\""))
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path))
        }
        // Drawn figures show at half their pixel size; a tiny picture is enlarged with square pixels.
        #expect(html.contains("src=\"loss.png\" alt=\"Loss goes &lt;down&gt;\" width=\"720\" height=\"450\">"))
        #expect(html.contains("width=\"224\" height=\"224\" class=\"pixelated\">"))
        // The figure made inside cell 2 comes after that cell's code.
        let codeIndex = try #require(plain.range(of: "book.figure(plot")?.lowerBound)
        let figureIndex = try #require(plain.range(of: "src=\"loss.png\"")?.lowerBound)
        #expect(codeIndex < figureIndex)
        let index = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("href=\"lesson-07/index.html\"") && index.contains("Tests &amp; &lt;pages&gt;"))
    }

    @Test("metrics.json round-trips, pretty-printed with sorted keys")
    func metricsRoundTrip() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let book = Notebook(
            name: "lesson-02", lesson: 2, title: "Metrics", options: options(root: root), echoing: false)
        book.metric("top1_probability", Float(0.53))
        book.metric("epochs", 12)
        book.metric("accuracy", 0.8125)
        book.metric("best_label", "tabby")
        book.metric("converged", true)
        book.metric("losses", [Float(2.5), 1.25, 0.75])
        book.metric("diverged_at", Double.infinity)
        book.figure(BarChart(labels: ["a"], values: [1]), name: "bars")
        try book.writeReport()

        let url = root.appendingPathComponent("lesson-02/metrics.json")
        let report = try MetricsReport.load(from: url)
        #expect(report.metrics == book.metrics)
        #expect(report.metrics["top1_probability"] == .number(0.53))
        #expect(report.metrics["losses"] == .numbers([2.5, 1.25, 0.75]))
        #expect(report.figures == ["bars.png"])
        #expect(report.lesson == 2 && report.seed == 7 && report.title == "Metrics")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"top1_probability\" : 0.53"))
        let keys = ["\"accuracy\"", "\"best_label\"", "\"converged\"", "\"diverged_at\"", "\"epochs\"", "\"losses\""]
        let positions = keys.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == keys.count && positions == positions.sorted())
    }

    @Test("a throwing cell is reported with its number, place and message")
    func cellFailure() throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let book = Notebook(
            name: "lesson-03", lesson: 3, title: "Failing", options: options(root: root), echoing: false)
        let result: Result<Int, NotebookFailure> = book.evaluate(file: #filePath, line: #line, column: #column) {
            throw Broken()
        }
        guard case .failure(let failure) = result else { Issue.record("the cell should fail"); return }
        #expect(failure.description.hasPrefix("cell [1] at NotebookTests/RunnerTests.swift:"))
        #expect(failure.description.hasSuffix("failed: the weights file is truncated"))
        try book.writeReport()
        let html = try String(contentsOf: root.appendingPathComponent("lesson-03/index.html"), encoding: .utf8)
        #expect(html.contains("class=\"failure\"") && html.contains("the weights file is truncated"))
    }

    @Test("figure names must be file-name safe and unique")
    func figureNames() {
        let book = Notebook(name: "x", lesson: nil, title: "x", options: options(root: temporaryRoot()), echoing: false)
        let square = Image(width: 2, height: 2, red: 0, green: 0, blue: 0)
        if case .success = book.addFigure(name: "../escape", caption: "", render: { square }) {
            Issue.record("a path must not be accepted as a figure name")
        }
        _ = book.addFigure(name: "a", caption: "", render: { square })
        if case .success = book.addFigure(name: "a", caption: "", render: { square }) {
            Issue.record("a name used twice must be refused")
        }
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: book.options.outputRoot))
    }

    @Test("an unknown flag is a usage error naming the flag")
    func unknownFlag() {
        #expect(throws: UsageError(description: "unknown option \"--fast\" (see --help)")) {
            try NotebookOptions.parse(["lesson-01", "--fast"])
        }
        #expect(throws: UsageError.self) { try NotebookOptions.parse(["lesson-01", "--seed", "minus one"]) }
        #expect(throws: UsageError.self) { try NotebookOptions.parse(["lesson-01", "--out"]) }
    }

    @Test("the shared flags and a lesson's own options are read")
    func sharedFlags() throws {
        let extra = [LessonOption(name: "class", valueName: "INDEX", help: "target class", defaultValue: "284")]
        guard
            case .run(let options) = try NotebookOptions.parse(
                ["lesson-06", "--quick", "--seed=42", "--out", "/tmp/o", "--step"], lessonOptions: extra)
        else {
            Issue.record("expected a run"); return
        }
        #expect(options.isQuick && options.pausesAfterCells && options.seed == 42 && options.outputRoot == "/tmp/o")
        #expect(options.values["class"] == "284")
        guard case .run(let chosen) = try NotebookOptions.parse(["l", "--class", "340"], lessonOptions: extra) else {
            Issue.record("expected a run"); return
        }
        #expect(chosen.values["class"] == "340")
        #expect(try NotebookOptions.parse(["l", "--quick", "--help"]) == .help)
        let usage = NotebookOptions.usage(program: "lesson-06", title: "Variation loss", lessonOptions: extra)
        #expect(usage.contains("--class INDEX") && usage.contains("--seed N") && usage.contains("Example:"))
    }

    @Test("a lesson binary exits 2 with one line on stderr for an unknown flag, 0 for --help")
    func exitStatus() throws {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var gallery = directory.appendingPathComponent("gallery")
        // The test bundle may sit inside a .xctest directory.
        if !FileManager.default.isExecutableFile(atPath: gallery.path) {
            gallery = directory.deletingLastPathComponent().appendingPathComponent("gallery")
        }
        try #require(FileManager.default.isExecutableFile(atPath: gallery.path), "swift test builds gallery")
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            process.executableURL = gallery
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: stdout, as: UTF8.self),
                String(decoding: stderr, as: UTF8.self)
            )
        }
        let bad = try run(["--bogus"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "gallery: unknown option \"--bogus\" (see --help)\n")
        let help = try run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("Usage: swift run gallery"))
    }
}

@Suite("Cell source")
struct CellSourceTests {
    @Test("the extractor returns exactly the closure body, skipping braces in strings and comments")
    func closureBody() {
        let file = """
            import Notebook

            let book = Notebook(lesson: 1, title: "x")
            let value = try book.cell {
                let text = "a } in a string { and \\"escaped\\" quotes"
                // a } in a comment
                if text.isEmpty { print("{") } else {
                    /* block } comment */
                    print(#"raw } string"#)
                }
                return text.count
            }
            book.prose("after")
            """
        let body = CellSource.extract(from: file, line: 4, column: 13)
        #expect(
            body == """
                let text = "a } in a string { and \\"escaped\\" quotes"
                // a } in a comment
                if text.isEmpty { print("{") } else {
                    /* block } comment */
                    print(#"raw } string"#)
                }
                return text.count
                """)
    }

    @Test("one-line cells, closure parameters and interpolation")
    func shortForms() {
        #expect(
            CellSource.extract(from: "let m = try book.cell { try Model.load() }\n", line: 1, column: 13)
                == "try Model.load()")
        let withSignature = "book.cell { () -> Int in\n    let x = \"\\(f { 1 })\"\n    return 1\n}\n"
        #expect(CellSource.extract(from: withSignature, line: 1, column: 1) == "let x = \"\\(f { 1 })\"\nreturn 1")
        #expect(CellSource.extract(from: "book.cell {\n", line: 1, column: 1) == nil)
        #expect(CellSource.load(file: "/nonexistent/main.swift", line: 1, column: 1) == CellSource.unavailable)
    }
}

@Suite("Text")
struct TextTests {
    @Test("prose markup becomes escaped HTML")
    func markup() {
        #expect(
            Markup.html("a `b<c>` **d & e** *f*") == "a <code>b&lt;c&gt;</code> <strong>d &amp; e</strong> <em>f</em>")
        #expect(Markup.html("2 * 3 * 4") == "2 * 3 * 4")
        #expect(Markup.paragraphs("one\n\n two \n\n\n") == ["one", "two"])
    }

    @Test("highlighting marks keywords, strings, numbers and comments")
    func highlighting() {
        let html = Highlighter.html("let x = \"hi\" // note\nreturn 42")
        #expect(
            html == "<span class=\"k\">let</span> x = <span class=\"s\">&quot;hi&quot;</span> "
                + "<span class=\"c\">// note</span>\n<span class=\"k\">return</span> <span class=\"n\">42</span>")
    }

    @Test("progress lines report percent, count, rate and the final summary")
    func progressLines() {
        let progress = Progress(total: 200, label: "training")
        progress.advance(by: 50, status: "loss 0.31")
        #expect(progress.plainLine().hasPrefix("training: 25% (50/200), "))
        #expect(progress.plainLine().hasSuffix("loss 0.31"))
        #expect(progress.summaryLine().hasPrefix("training: 50 in "))
        var seen = 0
        for _ in ProgressSequence(base: 0..<10, progress: Progress(total: 10, label: "loop")) { seen += 1 }
        #expect(seen == 10)
    }
}
