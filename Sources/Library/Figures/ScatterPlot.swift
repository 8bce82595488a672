import Foundation
import Imaging

/// Points of one class (one color, one legend entry) in a `ScatterPlot`.
public struct ScatterGroup: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Optional text beside each point, e.g. a model name; empty strings are skipped.
    public var pointLabels: [String]
    /// nil takes the group's palette color (tab10, in order).
    public var color: Color?

    public init(name: String, x: [Double], y: [Double], pointLabels: [String] = [], color: Color? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.pointLabels = pointLabels
        self.color = color
    }
}

/// Points colored by class with a legend: 2-D projections of embeddings, accuracy against model size.
///
/// ```swift
/// ScatterPlot(title: "PCA of Lite0 embeddings", xLabel: "PC 1", yLabel: "PC 2",
///             x: projected.map { $0[0] }, y: projected.map { $0[1] }, classes: labels, classNames: names)
/// ```
public struct ScatterPlot: Figure, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var groups: [ScatterGroup]
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var xFormat: NumberFormat
    public var yFormat: NumberFormat
    /// Marker radius in logical units.
    public var pointRadius: Double = 5
    public var width: Double = 640
    public var height: Double = 480

    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", groups: [ScatterGroup],
        xScale: AxisScale = .linear, yScale: AxisScale = .linear, xRange: ClosedRange<Double>? = nil,
        yRange: ClosedRange<Double>? = nil, xFormat: NumberFormat = .automatic,
        yFormat: NumberFormat = .automatic
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.groups = groups
        self.xScale = xScale
        self.yScale = yScale
        self.xRange = xRange
        self.yRange = yRange
        self.xFormat = xFormat
        self.yFormat = yFormat
    }

    /// Points with integer class labels 0..<classNames.count, one group per class in palette order.
    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", x: [Double], y: [Double],
        classes: [Int], classNames: [String]
    ) {
        precondition(x.count == y.count && y.count == classes.count, "x, y and classes need the same length")
        let groups = classNames.indices.map { c in
            let members = classes.indices.filter { classes[$0] == c }
            return ScatterGroup(name: classNames[c], x: members.map { x[$0] }, y: members.map { y[$0] })
        }
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, groups: groups)
    }

    public func render() throws -> Image {
        try draw().image
    }

    /// The picture and where its plot area is (for tests).
    func draw() throws(FigureError) -> (image: Image, frame: CartesianFrame, scale: Double) {
        for g in groups where g.x.count != g.y.count || (!g.pointLabels.isEmpty && g.pointLabels.count != g.x.count) {
            throw .invalidData(
                figure: "ScatterPlot \"\(title)\"",
                reason: "group \"\(g.name)\" has \(g.x.count) x, \(g.y.count) y and "
                    + "\(g.pointLabels.count) labels")
        }
        let canvas = try Canvas(width: width, height: height)
        let xAxis = Axis.fitting(
            groups.flatMap(\.x), scale: xScale, fixed: xRange, padding: 0.06, format: xFormat,
            targetTicks: 7)
        let yAxis = Axis.fitting(groups.flatMap(\.y), scale: yScale, fixed: yRange, padding: 0.06, format: yFormat)
        let frame = CartesianFrame.layout(on: canvas, x: xAxis, y: yAxis, title: title, xLabel: xLabel, yLabel: yLabel)
        frame.drawGrid(on: canvas)

        var drawn: [Point] = []
        var legend: [LegendEntry] = []
        var labelled: [(Point, String)] = []
        canvas.clip(to: frame.plot)
        for (index, group) in groups.enumerated() {
            let color = group.color ?? Color.palette(index)
            for i in group.x.indices where group.x[i].isFinite && group.y[i].isFinite {
                let p = frame.point(group.x[i], group.y[i])
                canvas.circle(center: p, radius: pointRadius, fill: color, edge: .white, edgeWidth: 0.8)
                drawn.append(p)
                if i < group.pointLabels.count, !group.pointLabels[i].isEmpty {
                    labelled.append((p, group.pointLabels[i]))
                }
            }
            if !group.name.isEmpty { legend.append(LegendEntry(name: group.name, color: color, symbol: .marker)) }
        }
        canvas.clip(to: nil)
        for (p, label) in labelled {
            // Labels go to the right of their point unless that would leave the plot.
            let w = canvas.textWidth(label, size: Style.annotationSize)
            let right = p.x + pointRadius + 5 + w <= frame.plot.maxX
            canvas.text(
                label, at: Point(x: right ? p.x + pointRadius + 5 : p.x - pointRadius - 5, y: p.y),
                size: Style.annotationSize, color: Ink.text, anchor: right ? .left : .right)
            drawn.append(Point(x: right ? p.x + w : p.x - w, y: p.y))
        }
        frame.drawAxes(on: canvas, title: title, xLabel: xLabel, yLabel: yLabel)
        if legend.count > 1 { drawLegend(legend, on: canvas, inside: frame.plot, avoiding: drawn) }
        return (try canvas.makeImage(), frame, canvas.scale)
    }
}
