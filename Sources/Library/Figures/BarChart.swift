import Foundation
import Imaging

/// Horizontal bars with a label on the left and the value written at the end of each bar, first one on top:
/// top-5 class probabilities, per-class accuracies, parameter counts.
///
/// ```swift
/// BarChart(title: "chelsea.png", labels: ["tabby", "tiger cat", "Egyptian cat"], values: [0.53, 0.21, 0.14],
///          valueFormat: .percent(decimals: 1), xRange: 0...1)
/// ```
public struct BarChart: Figure, Sendable {
    public var title: String
    public var labels: [String]
    public var values: [Double]
    public var xLabel: String
    /// How the values at the bar ends and the axis ticks are written.
    public var valueFormat: NumberFormat
    /// A fixed value axis, e.g. 0...1 for probabilities; nil fits 0 and the values.
    public var xRange: ClosedRange<Double>?
    /// Indices of bars drawn in the accent color, e.g. the true class.
    public var highlighted: Set<Int>
    public var color: Color
    public var accentColor: Color
    /// Logical width; the height follows from the number of bars.
    public var width: Double = 640

    public init(
        title: String = "", labels: [String], values: [Double], xLabel: String = "",
        valueFormat: NumberFormat = .automatic, xRange: ClosedRange<Double>? = nil,
        highlighted: Set<Int> = [], color: Color = Color.palette(0), accentColor: Color = Color.palette(1)
    ) {
        self.title = title
        self.labels = labels
        self.values = values
        self.xLabel = xLabel
        self.valueFormat = valueFormat
        self.xRange = xRange
        self.highlighted = highlighted
        self.color = color
        self.accentColor = accentColor
    }

    public func render() throws -> Image {
        try draw().image
    }

    /// The picture and the rectangle of every bar (for tests).
    func draw() throws(FigureError) -> (image: Image, bars: [Rect], scale: Double) {
        guard labels.count == values.count, !values.isEmpty else {
            throw .invalidData(
                figure: "BarChart \"\(title)\"",
                reason: "needs one label per value, got \(labels.count) labels and \(values.count) values")
        }
        let rowHeight = 34.0
        var top = Style.padding + (title.isEmpty ? 4 : Style.titleSize * 1.1 + 16)
        let bottom = Style.padding + Style.tickLength + 6 + Style.tickSize + (xLabel.isEmpty ? 0 : 10 + Style.labelSize)
        let height = top + rowHeight * Double(values.count) + 8 + bottom
        let canvas = try Canvas(width: width, height: height)

        let finite = values.map { $0.isFinite ? $0 : 0 }
        let axis = Axis.fitting(finite + [0], scale: .linear, fixed: xRange, padding: 0, format: valueFormat)
        let annotations = finite.map { valueFormat.string($0, step: Swift.abs(finite.max() ?? 1) / 100) }
        let maxLabel = width * 0.4
        let shownLabels = labels.map { canvas.truncated($0, toWidth: maxLabel, size: Style.labelSize) }
        let labelWidth = shownLabels.map { canvas.textWidth($0, size: Style.labelSize) }.max() ?? 0
        let annotationWidth = annotations.map { canvas.textWidth($0, size: Style.annotationSize) }.max() ?? 0
        let left = Style.padding + labelWidth + 12
        let right = Style.padding + annotationWidth + 10
        top += 4
        let plot = Rect(x: left, y: top, width: width - left - right, height: rowHeight * Double(values.count))
        let frame = CartesianFrame(
            plot: plot, x: axis, y: Axis(lower: 0, upper: 1, scale: .linear, ticks: [], labels: []))
        frame.drawGrid(on: canvas, horizontal: false)

        var bars: [Rect] = []
        let zero = frame.point(0, 0).x
        for (i, value) in finite.enumerated() {
            let rowTop = plot.minY + Double(i) * rowHeight
            let end = frame.point(Swift.min(Swift.max(value, axis.lower), axis.upper), 0).x
            let bar = Rect(
                x: Swift.min(zero, end), y: rowTop + rowHeight * 0.18, width: Swift.abs(end - zero),
                height: rowHeight * 0.64)
            bars.append(bar)
            canvas.fill(bar, highlighted.contains(i) ? accentColor : color)
            canvas.text(shownLabels[i], at: Point(x: left - 12, y: bar.midY), size: Style.labelSize, anchor: .right)
            let outside = value >= 0 ? Point(x: bar.maxX + 6, y: bar.midY) : Point(x: bar.minX - 6, y: bar.midY)
            canvas.text(
                annotations[i], at: outside, size: Style.annotationSize, color: Ink.secondaryText,
                anchor: value >= 0 ? .left : .right)
        }
        frame.drawAxes(on: canvas, title: title, xLabel: xLabel, yLabel: "", showYTicks: false)
        return (try canvas.makeImage(), bars, canvas.scale)
    }
}
