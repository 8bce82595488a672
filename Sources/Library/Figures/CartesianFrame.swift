import Foundation

/// The plot area of an x-y figure and the two axes around it: layout, grid, spines, ticks, labels, title.
struct CartesianFrame {
    /// Where data is drawn, in logical units.
    var plot: Rect
    var x: Axis
    var y: Axis

    /// The canvas position of data point (`x`, `y`).
    func point(_ xValue: Double, _ yValue: Double) -> Point {
        Point(x: plot.minX + x.fraction(xValue) * plot.width, y: plot.maxY - y.fraction(yValue) * plot.height)
    }

    /// Leaves room for the title, axis labels and tick labels around the plot area of a `canvas`.
    static func layout(
        on canvas: Canvas, x: Axis, y: Axis, title: String, xLabel: String, yLabel: String,
        leftGutter: Double? = nil
    ) -> CartesianFrame {
        let tickLabelWidth = y.labels.map { canvas.textWidth($0, size: Style.tickSize) }.max() ?? 0
        var left = Style.padding
        if !yLabel.isEmpty { left += Style.labelSize + 10 }
        left += leftGutter ?? (tickLabelWidth + 6 + Style.tickLength)
        var top = Style.padding
        if !title.isEmpty { top += Style.titleSize * 1.1 + 14 } else { top += 6 }
        var bottom = Style.padding + Style.tickLength + 6 + Style.tickSize
        if !xLabel.isEmpty { bottom += 10 + Style.labelSize }
        let lastLabel = x.labels.last.map { canvas.textWidth($0, size: Style.tickSize) } ?? 0
        let right = Style.padding + Swift.max(6, lastLabel / 2)
        let plot = Rect(x: left, y: top, width: canvas.width - left - right, height: canvas.height - top - bottom)
        return CartesianFrame(plot: plot, x: x, y: y)
    }

    /// Light grid lines at the ticks, drawn before the data.
    func drawGrid(on canvas: Canvas, vertical: Bool = true, horizontal: Bool = true) {
        if vertical {
            for tick in x.ticks {
                canvas.verticalLine(x: point(tick, y.lower).x, from: plot.minY, to: plot.maxY, color: Ink.grid)
            }
        }
        if horizontal {
            for tick in y.ticks {
                canvas.horizontalLine(y: point(x.lower, tick).y, from: plot.minX, to: plot.maxX, color: Ink.grid)
            }
        }
    }

    /// Spines, ticks, tick labels, axis labels and title, drawn after the data.
    func drawAxes(
        on canvas: Canvas, title: String, xLabel: String, yLabel: String,
        showXTicks: Bool = true, showYTicks: Bool = true
    ) {
        canvas.horizontalLine(y: plot.maxY, from: plot.minX - 0.5, to: plot.maxX, color: Ink.spine)
        canvas.verticalLine(x: plot.minX, from: plot.minY, to: plot.maxY + 0.5, color: Ink.spine)
        if showXTicks {
            for (tick, label) in zip(x.ticks, x.labels) {
                let px = point(tick, y.lower).x
                canvas.verticalLine(x: px, from: plot.maxY, to: plot.maxY + Style.tickLength, color: Ink.spine)
                canvas.text(
                    label, at: Point(x: px, y: plot.maxY + Style.tickLength + 6), size: Style.tickSize,
                    color: Ink.secondaryText, anchor: .topCenter)
            }
        }
        if showYTicks {
            for (tick, label) in zip(y.ticks, y.labels) {
                let py = point(x.lower, tick).y
                canvas.horizontalLine(y: py, from: plot.minX - Style.tickLength, to: plot.minX, color: Ink.spine)
                canvas.text(
                    label, at: Point(x: plot.minX - Style.tickLength - 6, y: py), size: Style.tickSize,
                    color: Ink.secondaryText, anchor: .right)
            }
        }
        if !xLabel.isEmpty {
            canvas.text(
                xLabel, at: Point(x: plot.midX, y: canvas.height - Style.padding), size: Style.labelSize,
                anchor: TextAnchor(horizontal: .center, vertical: .bottom))
        }
        if !yLabel.isEmpty {
            canvas.text(
                yLabel, at: Point(x: Style.padding, y: plot.midY), size: Style.labelSize,
                anchor: TextAnchor(horizontal: .center, vertical: .top), angle: 90)
        }
        drawTitle(title, on: canvas, over: plot)
    }
}

/// A figure title, bold, centered over `area`.
func drawTitle(_ title: String, on canvas: Canvas, over area: Rect) {
    guard !title.isEmpty else { return }
    let text = canvas.truncated(title, toWidth: canvas.width - 2 * Style.padding, size: Style.titleSize, weight: .bold)
    let width = canvas.textWidth(text, size: Style.titleSize, weight: .bold)
    let x = Swift.min(Swift.max(area.midX, Style.padding + width / 2), canvas.width - Style.padding - width / 2)
    canvas.text(text, at: Point(x: x, y: Style.padding), size: Style.titleSize, weight: .bold, anchor: .topCenter)
}

/// One row of a legend.
struct LegendEntry {
    enum Symbol { case line(dash: [Double]?), marker }
    var name: String
    var color: Color
    var symbol: Symbol
}

/// Draws a legend in whichever corner of `plot` covers the fewest of `points` (matplotlib's "best").
func drawLegend(_ entries: [LegendEntry], on canvas: Canvas, inside plot: Rect, avoiding points: [Point]) {
    guard !entries.isEmpty else { return }
    let rowHeight = Style.legendSize * 1.7, swatch = 24.0, inset = 10.0, gap = 8.0
    let textWidth = entries.map { canvas.textWidth($0.name, size: Style.legendSize) }.max() ?? 0
    let width = inset * 2 + swatch + gap + textWidth
    let height = inset * 2 + rowHeight * Double(entries.count) - (rowHeight - Style.legendSize)
    let margin = 10.0
    let corners = [
        Rect(x: plot.maxX - width - margin, y: plot.minY + margin, width: width, height: height),
        Rect(x: plot.minX + margin, y: plot.minY + margin, width: width, height: height),
        Rect(x: plot.minX + margin, y: plot.maxY - height - margin, width: width, height: height),
        Rect(x: plot.maxX - width - margin, y: plot.maxY - height - margin, width: width, height: height),
    ]
    // Ties keep matplotlib's order of preference: upper right, upper left, lower left, lower right.
    let box = corners.min { a, b in
        points.filter { a.insetBy(-4).contains($0) }.count < points.filter { b.insetBy(-4).contains($0) }.count
    }!
    canvas.fill(box, Color.white.withOpacity(0.9))
    canvas.stroke(box, Ink.frame)
    for (row, entry) in entries.enumerated() {
        let midY = box.minY + inset + Style.legendSize / 2 + Double(row) * rowHeight
        let x0 = box.minX + inset
        switch entry.symbol {
        case .line(let dash):
            canvas.line(
                Point(x: x0, y: midY), Point(x: x0 + swatch, y: midY), color: entry.color,
                width: Style.lineWidth, dash: dash.map { d in d.map { $0 * 0.7 } })
        case .marker:
            canvas.circle(center: Point(x: x0 + swatch / 2, y: midY), radius: 4.5, fill: entry.color)
        }
        canvas.text(entry.name, at: Point(x: x0 + swatch + gap, y: midY), size: Style.legendSize, anchor: .left)
    }
}
