import Foundation

/// A vertical color scale, lowest value (dark for viridis) at the bottom, with ticks on its right.
struct ColorBar {
    var colormap: Colormap
    var lower: Double
    var upper: Double
    var format: NumberFormat = .automatic

    static let barWidth = 16.0

    /// How much room the bar and its tick labels need beside a figure.
    func width(on canvas: Canvas) -> Double {
        let labels = axis.labels.map { canvas.textWidth($0, size: Style.tickSize) }.max() ?? 0
        return 18 + ColorBar.barWidth + Style.tickLength + 5 + labels
    }

    private var axis: Axis {
        let upper = self.upper > lower ? self.upper : lower + 1
        return Axis.fitting([lower, upper], scale: .linear, fixed: lower...upper, format: format, targetTicks: 5)
    }

    /// Draws the bar in `rect` (only its left `barWidth` is the bar itself; labels go right of it).
    func draw(on canvas: Canvas, in rect: Rect) {
        let bar = Rect(x: rect.minX + 18, y: rect.minY, width: ColorBar.barWidth, height: rect.height)
        let slices = Swift.max(2, Int(bar.height * canvas.scale))
        let sliceHeight = bar.height / Double(slices)
        for i in 0..<slices {
            let t = Double(i) / Double(slices - 1)
            canvas.fill(
                Rect(
                    x: bar.minX, y: bar.maxY - Double(i + 1) * sliceHeight, width: bar.width,
                    height: sliceHeight + 0.01), colormap.color(at: t))
        }
        canvas.stroke(bar.insetBy(-0.5), Ink.frame, width: 0.5)
        let axis = self.axis
        for (tick, label) in zip(axis.ticks, axis.labels) {
            let y = bar.maxY - axis.fraction(tick) * bar.height
            canvas.horizontalLine(y: y, from: bar.maxX, to: bar.maxX + Style.tickLength, color: Ink.spine)
            canvas.text(
                label, at: Point(x: bar.maxX + Style.tickLength + 5, y: y), size: Style.tickSize,
                color: Ink.secondaryText, anchor: .left)
        }
    }

    /// The rectangle of the colored bar inside `rect` as passed to `draw` (for tests).
    static func barRect(in rect: Rect) -> Rect {
        Rect(x: rect.minX + 18, y: rect.minY, width: barWidth, height: rect.height)
    }
}
