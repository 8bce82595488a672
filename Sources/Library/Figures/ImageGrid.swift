import Foundation
import Imaging

/// Pictures in rows with a caption under each: augmentations of one photo, dataset samples, ideal images.
///
/// ```swift
/// ImageGrid(title: "Augmentations", images: [photo, flipped, rotated], captions: ["original", "flip", "rotate 15°"])
/// ```
public struct ImageGrid: Figure, Sendable {
    public var title: String
    public var images: [Image]
    /// One per image (or none); a "\n" starts a second line.
    public var captions: [String]
    /// nil: all in one row up to 6, otherwise rows of 5.
    public var columns: Int?
    /// The logical width of each picture; heights follow the tallest aspect ratio.
    public var cellWidth: Double

    public init(
        title: String = "", images: [Image], captions: [String] = [], columns: Int? = nil,
        cellWidth: Double = 160
    ) {
        self.title = title
        self.images = images
        self.captions = captions
        self.columns = columns
        self.cellWidth = cellWidth
    }

    public func render() throws -> Image {
        guard !images.isEmpty else {
            throw FigureError.invalidData(figure: "ImageGrid \"\(title)\"", reason: "no images")
        }
        guard captions.isEmpty || captions.count == images.count else {
            throw FigureError.invalidData(
                figure: "ImageGrid \"\(title)\"",
                reason: "\(images.count) images but \(captions.count) captions")
        }
        let columns = Swift.max(1, self.columns ?? (images.count <= 6 ? images.count : 5))
        return try drawPanels(
            title: title, images: images, captions: captions, columns: columns,
            cellWidth: cellWidth, separators: [])
    }
}

/// Pictures side by side, optionally joined by operators: original + perturbation = adversarial.
///
/// ```swift
/// ImageComparison(title: "FGSM, ε = 4/255", images: [dog, noise, adversarial],
///            captions: ["original\nSaluki 93%", "perturbation ×50", "result\ntabby 87%"], separators: ["+", "="])
/// ```
public struct ImageComparison: Figure, Sendable {
    public var title: String
    public var images: [Image]
    /// One per image; the first line is set in bold, further lines ("\n") in regular type.
    public var captions: [String]
    /// Drawn large between neighboring panels, e.g. ["+", "="] or ["→"]; empty for plain gaps.
    public var separators: [String]
    public var panelWidth: Double

    public init(
        title: String = "", images: [Image], captions: [String] = [], separators: [String] = [],
        panelWidth: Double = 240
    ) {
        self.title = title
        self.images = images
        self.captions = captions
        self.separators = separators
        self.panelWidth = panelWidth
    }

    public func render() throws -> Image {
        guard !images.isEmpty, captions.isEmpty || captions.count == images.count,
            separators.isEmpty || separators.count == images.count - 1
        else {
            throw FigureError.invalidData(
                figure: "Comparison \"\(title)\"",
                reason: "needs images, one caption per image and one separator between "
                    + "neighbors; got \(images.count), \(captions.count), \(separators.count)")
        }
        return try drawPanels(
            title: title, images: images, captions: captions, columns: images.count,
            cellWidth: panelWidth, separators: separators, boldFirstLine: true)
    }
}

/// The layout shared by `ImageGrid` and `Comparison`.
private func drawPanels(
    title: String, images: [Image], captions: [String], columns: Int, cellWidth: Double,
    separators: [String], boldFirstLine: Bool = false
) throws(FigureError) -> Image {
    let rows = (images.count + columns - 1) / columns
    let aspect = images.map { Double($0.height) / Double($0.width) }.max() ?? 1
    let cellHeight = cellWidth * Swift.min(aspect, 2)
    let captionLines = captions.map { $0.split(separator: "\n", omittingEmptySubsequences: false).count }.max() ?? 0
    let lineHeight = Style.labelSize * 1.35
    let captionHeight = captionLines == 0 ? 0 : 8 + Double(captionLines) * lineHeight
    let gap = separators.isEmpty ? 14.0 : 44.0
    let top = Style.padding + (title.isEmpty ? 0 : Style.titleSize * 1.1 + 16)
    let width = 2 * Style.padding + Double(columns) * cellWidth + Double(columns - 1) * gap
    let rowGap = 16.0
    let height = top + Double(rows) * (cellHeight + captionHeight) + Double(rows - 1) * rowGap + Style.padding
    let canvas = try Canvas(width: width, height: height)

    for (i, picture) in images.enumerated() {
        let column = i % columns, row = i / columns
        let cell = Rect(
            x: Style.padding + Double(column) * (cellWidth + gap),
            y: top + Double(row) * (cellHeight + captionHeight + rowGap), width: cellWidth, height: cellHeight)
        // Keep the picture's aspect ratio, centered in its cell.
        let fit = Swift.min(cell.width / Double(picture.width), cell.height / Double(picture.height))
        let w = Double(picture.width) * fit, h = Double(picture.height) * fit
        let target = Rect(x: cell.midX - w / 2, y: cell.maxY - h, width: w, height: h)
        // Upscaled small pictures (28x28 digits, 7x7 maps) keep square pixels: blurring them would invent detail.
        try canvas.draw(picture, in: target, smooth: fit * canvas.scale < 2)
        canvas.stroke(target.insetBy(-0.5), Ink.frame, width: 0.5)
        if i < captions.count {
            let lines = captions[i].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (n, line) in lines.enumerated() {
                let weight: FontWeight = boldFirstLine && n == 0 ? .bold : .regular
                let text = canvas.truncated(line, toWidth: cellWidth + gap - 8, size: Style.labelSize, weight: weight)
                canvas.text(
                    text, at: Point(x: cell.midX, y: cell.maxY + 8 + Double(n) * lineHeight),
                    size: Style.labelSize, weight: weight, color: n == 0 ? Ink.text : Ink.secondaryText,
                    anchor: .topCenter)
            }
        }
        if column < columns - 1, column < separators.count, i + 1 < images.count {
            canvas.text(
                separators[column], at: Point(x: cell.maxX + gap / 2, y: cell.midY), size: 26,
                color: Ink.secondaryText, anchor: .center)
        }
    }
    drawTitle(title, on: canvas, over: Rect(x: 0, y: 0, width: width, height: height))
    return try canvas.makeImage()
}
