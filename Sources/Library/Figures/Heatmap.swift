import Foundation
import Imaging

/// A matrix as colored cells with the value written in each: confusion matrices, similarity matrices.
///
/// ```swift
/// Heatmap(title: "Confusion matrix", values: counts, rowLabels: classNames, columnLabels: classNames,
///         xLabel: "predicted", yLabel: "true")
/// ```
public struct Heatmap: Figure, Sendable {
    public var title: String
    /// `values[row][column]`; every row has the same length.
    public var values: [[Double]]
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var xLabel: String
    public var yLabel: String
    public var colormap: Colormap
    /// nil: whole numbers when every value is whole, otherwise two decimals.
    public var valueFormat: NumberFormat?
    /// Write each value in its cell.
    public var showsValues: Bool
    /// A fixed color range; nil uses the matrix's minimum and maximum.
    public var range: ClosedRange<Double>?
    /// Logical size of one cell.
    public var cellSize: Double

    public init(
        title: String = "", values: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [],
        xLabel: String = "", yLabel: String = "", colormap: Colormap = .blues, valueFormat: NumberFormat? = nil,
        showsValues: Bool = true, range: ClosedRange<Double>? = nil, cellSize: Double = 46
    ) {
        self.title = title
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colormap = colormap
        self.valueFormat = valueFormat
        self.showsValues = showsValues
        self.range = range
        self.cellSize = cellSize
    }

    public func render() throws -> Image {
        let name = "Heatmap \"\(title)\""
        let rows = values.count, columns = values.first?.count ?? 0
        guard rows > 0, columns > 0, values.allSatisfy({ $0.count == columns }) else {
            throw FigureError.invalidData(figure: name, reason: "needs a non-empty matrix whose rows have equal length")
        }
        guard rowLabels.isEmpty || rowLabels.count == rows, columnLabels.isEmpty || columnLabels.count == columns else {
            throw FigureError.invalidData(
                figure: name,
                reason: "\(rows)x\(columns) matrix but \(rowLabels.count) row "
                    + "and \(columnLabels.count) column labels")
        }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let lower = range?.lowerBound ?? finite.min() ?? 0
        var upper = range?.upperBound ?? finite.max() ?? 1
        if upper <= lower { upper = lower + 1 }
        let format =
            valueFormat ?? (finite.allSatisfy { $0 == $0.rounded() } ? .fixed(decimals: 0) : .fixed(decimals: 2))
        let bar = ColorBar(colormap: colormap, lower: lower, upper: upper, format: format)

        let scratch = try Canvas(width: 1, height: 1, scale: 1, supersampling: 1)
        let rowLabelWidth = rowLabels.map { scratch.textWidth($0, size: Style.tickSize) }.max() ?? 0
        let columnLabelWidth = columnLabels.map { scratch.textWidth($0, size: Style.tickSize) }.max() ?? 0
        // Column labels lie flat when they fit their cell, otherwise they are turned 45 degrees.
        let slanted = columnLabelWidth > cellSize - 6
        let columnLabelHeight = columnLabels.isEmpty ? 0 : (slanted ? columnLabelWidth * 0.71 + 10 : Style.tickSize + 4)
        let left = Style.padding + (yLabel.isEmpty ? 0 : Style.labelSize + 12) + rowLabelWidth + 8
        let top = Style.padding + (title.isEmpty ? 0 : Style.titleSize * 1.1 + 16)
        let grid = Rect(x: left, y: top, width: Double(columns) * cellSize, height: Double(rows) * cellSize)
        let bottom = 8 + columnLabelHeight + (xLabel.isEmpty ? 0 : 10 + Style.labelSize) + Style.padding
        let canvas = try Canvas(
            width: Swift.max(
                grid.maxX + bar.width(on: scratch) + Style.padding,
                left + (slanted ? columnLabelWidth * 0.71 : 0) + 40),
            height: grid.maxY + bottom)

        for r in 0..<rows {
            for c in 0..<columns {
                let value = values[r][c]
                let cell = Rect(
                    x: grid.minX + Double(c) * cellSize, y: grid.minY + Double(r) * cellSize,
                    width: cellSize, height: cellSize)
                let color = value.isFinite ? colormap.color(at: (value - lower) / (upper - lower)) : Ink.grid
                canvas.fill(cell, color)
                if showsValues {
                    let text = canvas.truncated(format.string(value), toWidth: cellSize - 4, size: Style.annotationSize)
                    canvas.text(
                        text, at: Point(x: cell.midX, y: cell.midY), size: Style.annotationSize,
                        color: color.luminance < 0.5 ? .white : Ink.text, anchor: .center)
                }
            }
        }
        canvas.stroke(grid.insetBy(-0.5), Ink.frame, width: 0.5)
        for (r, label) in rowLabels.enumerated() {
            canvas.text(
                label, at: Point(x: grid.minX - 8, y: grid.minY + (Double(r) + 0.5) * cellSize),
                size: Style.tickSize, color: Ink.secondaryText, anchor: .right)
        }
        for (c, label) in columnLabels.enumerated() {
            let x = grid.minX + (Double(c) + 0.5) * cellSize
            if slanted {
                canvas.text(
                    label, at: Point(x: x + 3, y: grid.maxY + 8), size: Style.tickSize, color: Ink.secondaryText,
                    anchor: TextAnchor(horizontal: .right, vertical: .top), angle: 45)
            } else {
                canvas.text(
                    label, at: Point(x: x, y: grid.maxY + 8), size: Style.tickSize, color: Ink.secondaryText,
                    anchor: .topCenter)
            }
        }
        if !xLabel.isEmpty {
            canvas.text(
                xLabel, at: Point(x: grid.midX, y: canvas.height - Style.padding), size: Style.labelSize,
                anchor: TextAnchor(horizontal: .center, vertical: .bottom))
        }
        if !yLabel.isEmpty {
            canvas.text(
                yLabel, at: Point(x: Style.padding, y: grid.midY), size: Style.labelSize,
                anchor: TextAnchor(horizontal: .center, vertical: .top), angle: 90)
        }
        bar.draw(on: canvas, in: Rect(x: grid.maxX, y: grid.minY, width: bar.width(on: canvas), height: grid.height))
        drawTitle(title, on: canvas, over: grid)
        return try canvas.makeImage()
    }
}
