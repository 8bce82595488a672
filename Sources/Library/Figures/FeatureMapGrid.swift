import Foundation
import Imaging

/// Activation maps of one layer as a grid of false-color tiles with a shared color bar.
///
/// All maps share one scale (the grid's minimum is the darkest color and its maximum the lightest), so tiles can
/// be compared with each other.
///
/// ```swift
/// FeatureMapGrid(title: "block 2, first 16 channels", maps: channels, height: 56, width: 56,
///                captions: (0..<16).map { "ch \($0)" })
/// ```
public struct FeatureMapGrid: Figure, Sendable {
    public var title: String
    /// Each map holds `height * width` values, row by row.
    public var maps: [[Float]]
    public var mapHeight: Int
    public var mapWidth: Int
    /// One short caption per map (or none).
    public var captions: [String]
    /// nil: one row up to 8 maps, otherwise about twice as wide as tall, at most 8 columns.
    public var columns: Int?
    public var colormap: Colormap

    public init(
        title: String = "", maps: [[Float]], height: Int, width: Int, captions: [String] = [],
        columns: Int? = nil, colormap: Colormap = .viridis
    ) {
        self.title = title
        self.maps = maps
        self.mapHeight = height
        self.mapWidth = width
        self.captions = captions
        self.columns = columns
        self.colormap = colormap
    }

    public func render() throws -> Image {
        try draw().image
    }

    /// The picture, the color bar's rectangle and the value range (for tests).
    func draw() throws(FigureError) -> (image: Image, colorBar: Rect, range: ClosedRange<Double>, scale: Double) {
        let name = "FeatureMapGrid \"\(title)\""
        guard !maps.isEmpty, mapHeight > 0, mapWidth > 0 else { throw .invalidData(figure: name, reason: "no maps") }
        for (i, map) in maps.enumerated() where map.count != mapHeight * mapWidth {
            throw .invalidData(
                figure: name,
                reason: "map \(i) has \(map.count) values, expected "
                    + "\(mapHeight)x\(mapWidth) = \(mapHeight * mapWidth)")
        }
        guard captions.isEmpty || captions.count == maps.count else {
            throw .invalidData(figure: name, reason: "\(maps.count) maps but \(captions.count) captions")
        }
        var lower = Float.infinity, upper = -Float.infinity
        for map in maps { for v in map where v.isFinite { lower = Swift.min(lower, v); upper = Swift.max(upper, v) } }
        if !lower.isFinite { lower = 0; upper = 1 }
        let span = upper > lower ? upper - lower : 1

        let count = maps.count
        let columns = Swift.max(
            1, self.columns ?? (count <= 8 ? count : Swift.min(8, Int(ceil((2.0 * Double(count)).squareRoot())))))
        let rows = (count + columns - 1) / columns
        let gap = 6.0
        let cell = Swift.min(120, Swift.max(40, (760 - Double(columns - 1) * gap) / Double(columns)))
        let cellHeight = cell * Double(mapHeight) / Double(mapWidth)
        let captionHeight = captions.isEmpty ? 0 : Style.tickSize * 1.6
        let top = Style.padding + (title.isEmpty ? 0 : Style.titleSize * 1.1 + 16)
        let gridWidth = Double(columns) * cell + Double(columns - 1) * gap
        let gridHeight = Double(rows) * (cellHeight + captionHeight) + Double(rows - 1) * gap
        let bar = ColorBar(colormap: colormap, lower: Double(lower), upper: Double(upper))
        // Measure the bar's labels on a scratch canvas: the real one's size depends on them.
        let barWidth = bar.width(on: try Canvas(width: 1, height: 1, scale: 1, supersampling: 1))
        let canvas = try Canvas(
            width: 2 * Style.padding + gridWidth + barWidth,
            height: top + Swift.max(gridHeight, 120) + Style.padding)

        let table = colormap.lookupTable()
        for (i, map) in maps.enumerated() {
            var pixels = [Float](repeating: 0, count: map.count * 3)
            map.withUnsafeBufferPointer { values in
                for j in 0..<values.count {
                    let t = values[j].isFinite ? (values[j] - lower) / span : 0
                    let c = table[Int((Swift.min(Swift.max(t, 0), 1) * 255).rounded())]
                    pixels[3 * j] = Float(c.0) / 255; pixels[3 * j + 1] = Float(c.1) / 255
                    pixels[3 * j + 2] = Float(c.2) / 255
                }
            }
            let column = i % columns, row = i / columns
            let rect = Rect(
                x: Style.padding + Double(column) * (cell + gap),
                y: top + Double(row) * (cellHeight + captionHeight + gap), width: cell, height: cellHeight)
            try canvas.draw(Image(width: mapWidth, height: mapHeight, pixels: pixels), in: rect, smooth: false)
            if i < captions.count {
                let text = canvas.truncated(captions[i], toWidth: cell, size: Style.tickSize)
                canvas.text(
                    text, at: Point(x: rect.midX, y: rect.maxY + 4), size: Style.tickSize,
                    color: Ink.secondaryText, anchor: .topCenter)
            }
        }
        let barArea = Rect(
            x: Style.padding + gridWidth, y: top, width: barWidth,
            height: Swift.max(gridHeight - captionHeight, 120))
        bar.draw(on: canvas, in: barArea)
        drawTitle(title, on: canvas, over: Rect(x: Style.padding, y: 0, width: gridWidth, height: 0))
        return (try canvas.makeImage(), ColorBar.barRect(in: barArea), Double(lower)...Double(upper), canvas.scale)
    }
}
