import Foundation
import Imaging

/// One curve of a `LinePlot`.
public struct LineSeries: Sendable {
    /// The legend entry.
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// nil takes the next color of the palette (tab10).
    public var color: Color?
    /// Dashed lines suit a companion curve, e.g. validation beside a solid training curve of the same color.
    public var isDashed: Bool
    /// A dot at every point; good for short runs such as a few epochs.
    public var showsMarkers: Bool

    public init(
        name: String, x: [Double], y: [Double], color: Color? = nil, dashed: Bool = false,
        markers: Bool = false
    ) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.isDashed = dashed
        self.showsMarkers = markers
    }

    /// A curve over x = `start`, `start` + 1, … (epochs count from 1 by default).
    public init<Values: Sequence>(
        name: String, values: Values, startingAt start: Double = 1, color: Color? = nil,
        dashed: Bool = false, markers: Bool = false
    ) where Values.Element: BinaryFloatingPoint {
        let y = values.map { Double($0) }
        self.init(
            name: name, x: y.indices.map { start + Double($0) }, y: y, color: color, dashed: dashed,
            markers: markers)
    }
}

/// A labelled vertical line across a plot, e.g. "fine-tuning starts" or "best epoch".
public struct VerticalMarker: Sendable {
    public var x: Double
    public var label: String

    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}

/// Curves over a shared x axis with legend, ticks and grid: loss and accuracy per epoch, loss per step.
///
/// ```swift
/// LinePlot(title: "Training", xLabel: "epoch", yLabel: "loss",
///          series: [LineSeries(name: "train", values: trainLoss),
///                   LineSeries(name: "validation", values: valLoss, dashed: true)])
/// ```
public struct LinePlot: Figure, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [LineSeries]
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Fixed axis ranges; nil fits the data with a small margin.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// How y tick labels are written, e.g. `.percent(decimals: 0)` for accuracy.
    public var yFormat: NumberFormat
    public var markers: [VerticalMarker]
    /// Logical size; the picture has twice as many pixels each way.
    public var width: Double = 720
    public var height: Double = 450

    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", series: [LineSeries],
        xScale: AxisScale = .linear, yScale: AxisScale = .linear, xRange: ClosedRange<Double>? = nil,
        yRange: ClosedRange<Double>? = nil, yFormat: NumberFormat = .automatic,
        markers: [VerticalMarker] = []
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.yScale = yScale
        self.xRange = xRange
        self.yRange = yRange
        self.yFormat = yFormat
        self.markers = markers
    }

    public func render() throws -> Image {
        try draw().image
    }

    /// The picture and where its plot area is (for tests).
    func draw() throws(FigureError) -> (image: Image, frame: CartesianFrame) {
        for s in series where s.x.count != s.y.count {
            throw .invalidData(
                figure: "LinePlot \"\(title)\"",
                reason: "series \"\(s.name)\" has \(s.x.count) x values but \(s.y.count) y values")
        }
        let canvas = try Canvas(width: width, height: height)
        let xAxis = Axis.fitting(
            series.flatMap(\.x) + markers.map(\.x), scale: xScale, fixed: xRange, padding: 0.02,
            targetTicks: 8)
        let yAxis = Axis.fitting(series.flatMap(\.y), scale: yScale, fixed: yRange, format: yFormat)
        let frame = CartesianFrame.layout(on: canvas, x: xAxis, y: yAxis, title: title, xLabel: xLabel, yLabel: yLabel)
        frame.drawGrid(on: canvas)

        for marker in markers {
            let px = frame.point(marker.x, yAxis.lower).x
            canvas.line(
                Point(x: px, y: frame.plot.minY), Point(x: px, y: frame.plot.maxY), color: Ink.secondaryText,
                width: 1, dash: [4, 4])
            canvas.text(
                marker.label, at: Point(x: px + 5, y: frame.plot.minY + 4), size: Style.annotationSize,
                color: Ink.secondaryText, anchor: .topLeft)
        }

        var drawn: [Point] = []
        var legend: [LegendEntry] = []
        canvas.clip(to: frame.plot.insetBy(-Style.lineWidth))
        for (index, s) in series.enumerated() {
            let color = s.color ?? Color.palette(index)
            // Missing values (NaN, or non-positive on a log axis) break the curve instead of bending it.
            var runs: [[Point]] = [[]]
            for (xv, yv) in zip(s.x, s.y) {
                let valid = xv.isFinite && yv.isFinite && (xScale == .linear || xv > 0) && (yScale == .linear || yv > 0)
                if valid {
                    runs[runs.count - 1].append(frame.point(xv, yv))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            for run in runs {
                canvas.polyline(run, color: color, width: Style.lineWidth, dash: s.isDashed ? [7, 4] : nil)
                if s.showsMarkers || run.count == 1 {
                    for p in run { canvas.circle(center: p, radius: 3.5, fill: color, edge: .white, edgeWidth: 1) }
                }
                drawn += densified(run)
            }
            if !s.name.isEmpty {
                legend.append(LegendEntry(name: s.name, color: color, symbol: .line(dash: s.isDashed ? [7, 4] : nil)))
            }
        }
        canvas.clip(to: nil)
        frame.drawAxes(on: canvas, title: title, xLabel: xLabel, yLabel: yLabel)
        drawLegend(legend, on: canvas, inside: frame.plot, avoiding: drawn)
        return (try canvas.makeImage(), frame)
    }

    /// Points along the curves every few units, so the legend also avoids long straight segments.
    private func densified(_ points: [Point]) -> [Point] {
        var result: [Point] = []
        for (a, b) in zip(points, points.dropFirst()) {
            let steps = Swift.max(1, Int((abs(b.x - a.x) + abs(b.y - a.y)) / 6))
            for i in 0..<steps {
                let t = Double(i) / Double(steps)
                result.append(Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
            }
        }
        return result + points.suffix(1)
    }
}
