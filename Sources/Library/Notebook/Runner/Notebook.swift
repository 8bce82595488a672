import Foundation
import Imaging

/// A lesson written as a Swift program: narration, code cells that show their own source, tables, figures and
/// metrics, echoed to the terminal as they happen and written to `Output/lesson-NN/` by `finish()`.
///
/// ```swift
/// let book = Notebook(lesson: 1, title: "Pretrained models")
/// book.section("Loading the model")
/// book.prose("A pretrained network is ...")
/// let model = try book.cell { try EfficientNetLite0.pretrained() }
/// book.figure(chart, name: "top5-cat", caption: "Top-5 classes for the cat photo")
/// book.metric("top1_probability", probability)
/// book.finish()
/// ```
///
/// A failing cell, figure or write is reported on standard error with what failed and where, the page written so
/// far is saved, and the program exits with status 1.
public final class Notebook {
    public let lesson: Int?
    public let title: String
    public let options: NotebookOptions
    /// The folder this run writes to, e.g. `Output/lesson-01`.
    public let directory: URL
    /// True with `--quick`: lessons choose small settings.
    public var isQuick: Bool { options.isQuick }
    /// `--seed N` (default 0).
    public var seed: UInt64 { options.seed }

    let name: String
    private(set) var blocks: [Block] = []
    private(set) var metrics: [String: MetricValue] = [:]
    private(set) var figureFiles: [String] = []
    private var sectionCount = 0
    private var cellCount = 0
    private let started = Date()
    private let terminal: TerminalWriter
    /// Tests turn the terminal echo off.
    let isEchoing: Bool

    /// A lesson page, `Output/lesson-NN/`, configured from the command line (`--help` prints usage and exits 0; a
    /// bad option prints one line on standard error and exits 2).
    public convenience init(
        lesson: Int, title: String, arguments: [String] = CommandLine.arguments,
        lessonOptions: [LessonOption] = []
    ) {
        self.init(
            name: String(format: "lesson-%02d", lesson), lesson: lesson, title: title,
            options: Notebook.parseOrExit(arguments, title: title, lessonOptions: lessonOptions))
    }

    /// A page named `name` (e.g. "gallery") configured from the command line like a lesson.
    public convenience init(
        name: String, title: String, arguments: [String] = CommandLine.arguments,
        lessonOptions: [LessonOption] = []
    ) {
        self.init(
            name: name, lesson: nil, title: title,
            options: Notebook.parseOrExit(arguments, title: title, lessonOptions: lessonOptions))
    }

    /// A page with options given directly (tests, other programs).
    public convenience init(name: String, lesson: Int?, title: String, options: NotebookOptions) {
        self.init(name: name, lesson: lesson, title: title, options: options, echoing: true)
    }

    /// `echoing` false keeps the terminal quiet (tests, and tools such as `lab train` that write a report page).
    public init(name: String, lesson: Int?, title: String, options: NotebookOptions, echoing: Bool) {
        isEchoing = echoing
        self.name = name
        self.lesson = lesson
        self.title = title
        self.options = options
        directory = URL(fileURLWithPath: options.outputRoot, isDirectory: true).appendingPathComponent(name)
        terminal = TerminalWriter(console: Console.shared)
        echo { $0.header(lesson: lesson, title: title, quick: options.isQuick, seed: options.seed) }
    }

    private static func parseOrExit(
        _ arguments: [String], title: String, lessonOptions: [LessonOption]
    )
        -> NotebookOptions
    {
        let program = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "lesson"
        do {
            switch try NotebookOptions.parse(arguments, lessonOptions: lessonOptions) {
            case .run(let options):
                return options
            case .help:
                print(NotebookOptions.usage(program: program, title: title, lessonOptions: lessonOptions))
                exit(0)
            }
        } catch {
            Console.shared.error("\(program): \(error.description)")
            exit(2)
        }
    }

    /// The value of a lesson's own option (see `LessonOption`), or its default.
    public func value(of option: String) -> String? { options.values[option] }

    private func echo(_ body: (TerminalWriter) -> Void) {
        if isEchoing { body(terminal) }
    }

    // MARK: - Narration

    /// Starts a numbered section ("1.2 Preprocessing").
    public func section(_ title: String) {
        sectionCount += 1
        let number = lesson.map { "\($0).\(sectionCount)" } ?? "\(sectionCount)"
        blocks.append(.section(number: number, title: title, anchor: "section-\(sectionCount)"))
        echo { $0.section(number: number, title: title) }
    }

    /// A paragraph (or several, separated by blank lines); `code`, **bold** and *italic* are understood.
    public func prose(_ text: String) {
        blocks.append(.prose(text))
        echo { $0.prose(text) }
    }

    /// A highlighted remark, e.g. a pitfall.
    public func note(_ text: String) {
        blocks.append(.note(text))
        echo { $0.note(text) }
    }

    /// A titled bullet list.
    public func list(_ title: String, _ items: [String]) {
        blocks.append(.list(title: title, items: items))
        echo { $0.list(title: title, items: items) }
    }

    /// The lesson's closing summary.
    public func summary(_ points: [String]) { list("Summary", points) }

    /// Pointers to the lesson's exercises.
    public func exercises(_ items: [String]) { list("Exercises", items) }

    /// A table; cells are shown as given, numeric columns right-aligned.
    public func table(headers: [String], rows: [[String]], caption: String? = nil) {
        blocks.append(.table(headers: headers, rows: rows, caption: caption))
        echo { $0.table(headers: headers, rows: rows, caption: caption) }
    }

    // MARK: - Cells

    /// Runs `body` as a code cell: shows its source (read from this file at run time), runs it, records what it
    /// prints and returns its result. `body` may throw; `cell` itself never does: the error is reported with the
    /// cell and the program exits 1, so a call needs no `try` (`let model = book.cell { try ... }`).
    @discardableResult
    public func cell<Result>(
        file: String = #filePath, line: Int = #line, column: Int = #column,
        _ body: () throws -> Result
    ) -> Result {
        switch evaluate(file: file, line: line, column: column, body) {
        case .success(let result): return result
        case .failure(let failure): exitAfter(failure)
        }
    }

    /// The work of `cell` without exiting, for tests.
    func evaluate<Result>(
        file: String, line: Int, column: Int,
        _ body: () throws -> Result
    ) -> Swift.Result<Result, NotebookFailure> {
        cellCount += 1
        let number = cellCount
        let source = CellSource.load(file: file, line: line, column: column)
        let path = URL(fileURLWithPath: file)
        let location = "\(path.deletingLastPathComponent().lastPathComponent)/\(path.lastPathComponent):\(line)"
        echo { $0.cellSource(number: number, source: source, location: location) }
        // The cell's place on the page is taken now, so figures it makes come after its code.
        let index = blocks.count
        blocks.append(.cell(CellRecord(number: number, source: source, location: location, output: "", seconds: 0)))
        let capture = isEchoing ? OutputCapture.begin() : nil
        let start = Date()
        var outcome: Swift.Result<Result, NotebookFailure>
        do {
            outcome = .success(try body())
        } catch {
            outcome = .failure(NotebookFailure(description: "cell [\(number)] at \(location) failed: \(error)"))
        }
        let output = capture?.end() ?? ""
        let seconds = Date().timeIntervalSince(start)
        blocks[index] = .cell(
            CellRecord(
                number: number, source: source, location: location, output: output,
                seconds: seconds))
        echo { $0.cellFinished(seconds: seconds) }
        if case .failure(let failure) = outcome { record(failure) }
        if case .success = outcome, options.pausesAfterCells, isatty(STDIN_FILENO) == 1 {
            Console.shared.emit(Console.shared.styled("    ⏎ Return to continue ", "2"))
            _ = readLine()
        }
        return outcome
    }

    /// Shows the declarations between the lines `// listing: name` and `// end listing` of the calling file (the
    /// lesson's own source) as code on the page, without running anything. The region stays ordinary Swift, so
    /// a lesson can declare a model or a function at the top level and still show it where the prose needs it.
    /// A missing or unterminated marker is reported like a failing cell (exit 1).
    public func listing(_ name: String, file: String = #filePath) {
        let path = URL(fileURLWithPath: file)
        let shortPath = "\(path.deletingLastPathComponent().lastPathComponent)/\(path.lastPathComponent)"
        switch ListingSource.load(name: name, file: file) {
        case .success(let region):
            let record = ListingRecord(name: name, source: region.source,
                                       location: "\(shortPath):\(region.lines.lowerBound)-\(region.lines.upperBound)")
            blocks.append(.listing(record))
            echo { $0.listing(name: name, source: region.source) }
        case .failure(let error):
            exitAfter(NotebookFailure(description: "listing \"\(name)\" in \(shortPath): \(error.description)"))
        }
    }

    // MARK: - Figures and metrics

    /// Renders `figure`, writes it as `<name>.png` next to the page and shows it there with `caption`.
    public func figure(_ figure: some Figure, name: String, caption: String = "") {
        let result = addFigure(name: name, caption: caption, pixelsPerPoint: 2) { try figure.render() }
        if case .failure(let failure) = result {
            exitAfter(failure)
        }
    }

    /// Writes a picture (a photo, an ideal image) as `<name>.png` and shows it with `caption`.
    public func figure(_ image: Image, name: String, caption: String = "") {
        let result = addFigure(name: name, caption: caption, pixelsPerPoint: 1) { image }
        if case .failure(let failure) = result {
            exitAfter(failure)
        }
    }

    func addFigure(name: String, caption: String, pixelsPerPoint: Int = 2, render: () throws -> Image)
        -> Swift.Result<URL, NotebookFailure> {
        let stem = name.hasSuffix(".png") ? String(name.dropLast(4)) : name
        guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            return fail("figure name \"\(name)\" must use only letters, digits, '-', '_' and '.'")
        }
        let file = stem + ".png"
        guard !figureFiles.contains(file) else { return fail("figure name \"\(stem)\" is used twice") }
        let url = directory.appendingPathComponent(file)
        let image: Image
        do {
            image = try render()
            try writePNGFile(image, to: url)
        } catch {
            return fail("figure \"\(stem)\": \(error)")
        }
        figureFiles.append(file)
        var width = image.width / pixelsPerPoint, height = image.height / pixelsPerPoint
        let enlarge = max(1, 224 / max(width, 1))
        width *= enlarge
        height *= enlarge
        let record = FigureRecord(
            number: figureFiles.count, file: file, caption: caption, displayWidth: width, displayHeight: height,
            isPixelated: enlarge > 1)
        blocks.append(.figure(record))
        echo { $0.figure(number: record.number, caption: caption, path: displayPath(url)) }
        return .success(url)
    }

    /// Records a number for metrics.json (not shown on the page).
    public func metric(_ name: String, _ value: Double) { metrics[name] = .number(value) }
    /// Records a number for metrics.json; written with the Float's shortest digits (0.53, not 0.5299999713897705).
    public func metric(_ name: String, _ value: Float) { metrics[name] = .number(Double("\(value)") ?? Double(value)) }
    public func metric(_ name: String, _ value: Int) { metrics[name] = .number(Double(value)) }
    public func metric(_ name: String, _ value: String) { metrics[name] = .text(value) }
    public func metric(_ name: String, _ value: Bool) { metrics[name] = .flag(value) }
    /// Records a series, e.g. the validation accuracy of every epoch.
    public func metric<Values: Sequence>(_ name: String, _ values: Values) where Values.Element: BinaryFloatingPoint {
        metrics[name] = .numbers(values.map { Double("\($0)") ?? Double($0) })
    }

    /// The value recorded under `name`, if any.
    public func metricValue(_ name: String) -> MetricValue? { metrics[name] }

    // MARK: - Progress

    /// Iterates `sequence` while showing a progress bar (see `Progress`).
    public func progress<S: Collection>(_ sequence: S, label: String) -> ProgressSequence<S> {
        ProgressSequence(base: sequence, progress: Progress(total: sequence.count, label: label))
    }

    // MARK: - Finishing

    /// Writes index.html and metrics.json into `directory` and refreshes the index of all pages; call it last.
    public func finish() {
        do {
            try writeReport()
        } catch {
            exitAfter(NotebookFailure(description: "cannot write the report in \(displayPath(directory)): \(error)"))
        }
        let seconds = Date().timeIntervalSince(started)
        let page = displayPath(directory.appendingPathComponent("index.html"))
        let message =
            "Wrote \(page) (\(figureFiles.count) figures, \(metrics.count) metrics) in \(formatSeconds(seconds))."
        echo { writer in
            writer.console.line()
            writer.console.line(writer.console.styled(message, "1;32"))
        }
    }

    /// The page, metrics.json and the top-level index.
    func writeReport() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let seconds = Date().timeIntervalSince(started)
        let report = MetricsReport(
            lesson: lesson, title: title, quick: isQuick, seed: seed, metrics: metrics,
            figures: figureFiles, seconds: (seconds * 1000).rounded() / 1000)
        try report.jsonData().write(to: directory.appendingPathComponent("metrics.json"), options: .atomic)
        let page = HTMLReport(
            lesson: lesson, title: title, blocks: blocks, quick: isQuick, seed: seed,
            seconds: seconds, date: started
        ).page()
        try Data(page.utf8).write(to: directory.appendingPathComponent("index.html"), options: .atomic)
        try LessonIndex.write(in: directory.deletingLastPathComponent())
    }

    private func fail<T>(_ message: String) -> Swift.Result<T, NotebookFailure> {
        let failure = NotebookFailure(description: message)
        record(failure)
        return .failure(failure)
    }

    private func record(_ failure: NotebookFailure) {
        blocks.append(.failure(failure.description))
        echo { $0.failure(failure.description) }
    }

    private func exitAfter(_ failure: NotebookFailure) -> Never {
        if !blocks.contains(.failure(failure.description)) { record(failure) }
        try? writeReport()  // the page up to the failure helps to see what went wrong
        exit(1)
    }

    /// A path as the user would type it: relative to the working directory when inside it.
    private func displayPath(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let current = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(current) ? String(path.dropFirst(current.count)) : path
    }
}

/// What went wrong in a notebook: a cell that threw, a figure that could not be drawn, a report not written.
public struct NotebookFailure: Error, CustomStringConvertible, Equatable {
    public var description: String
}
