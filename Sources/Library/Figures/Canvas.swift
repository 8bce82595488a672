import CLibGD
import Foundation
import Imaging

/// A point in a figure's logical coordinates (1 unit = 1 CSS pixel; y grows downwards).
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned rectangle in logical coordinates.
struct Rect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    func contains(_ point: Point) -> Bool {
        point.x >= minX && point.x <= maxX && point.y >= minY && point.y <= maxY
    }
    func intersects(_ other: Rect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }
    func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// Where a string sits relative to the point it is drawn at.
struct TextAnchor {
    enum Horizontal { case left, center, right }
    enum Vertical { case top, middle, baseline, bottom }
    var horizontal: Horizontal
    var vertical: Vertical

    static let topLeft = TextAnchor(horizontal: .left, vertical: .top)
    static let topCenter = TextAnchor(horizontal: .center, vertical: .top)
    static let center = TextAnchor(horizontal: .center, vertical: .middle)
    static let left = TextAnchor(horizontal: .left, vertical: .middle)
    static let right = TextAnchor(horizontal: .right, vertical: .middle)
}

enum FontWeight { case regular, bold, mono }

/// The one place that talks to libgd: a white truecolor image drawn in logical coordinates.
///
/// Everything is drawn `supersampling` times larger than the output and averaged down in `makeImage()`, which
/// antialiases thick lines, circles and polygons that libgd itself draws aliased.
final class Canvas {
    /// Logical size.
    let width: Double
    let height: Double
    /// Output pixels per logical unit.
    let scale: Double
    private let supersampling: Int
    /// Device pixels per logical unit.
    private let k: Double
    private let image: gdImagePtr
    private let fonts: FontFiles
    private var textFailure: String?

    /// Output pixels per logical unit of every figure: 2 gives crisp slides and HiDPI screens.
    static let defaultScale = 2.0

    init(
        width: Double, height: Double, scale: Double = Canvas.defaultScale, supersampling: Int = 2,
        background: Color = .white
    ) throws(FigureError) {
        fonts = try FontFiles.locate()
        let outputWidth = Int((width * scale).rounded()), outputHeight = Int((height * scale).rounded())
        guard outputWidth > 0, outputHeight > 0, outputWidth * outputHeight <= 40_000_000,
            let image = gdImageCreateTrueColor(
                Int32(outputWidth * supersampling),
                Int32(outputHeight * supersampling))
        else {
            throw .drawingFailed(reason: "cannot allocate a \(width)x\(height) canvas")
        }
        self.image = image
        // Snap the logical size to whole output pixels, so the drawing covers the picture exactly.
        self.width = Double(outputWidth) / scale
        self.height = Double(outputHeight) / scale
        self.scale = scale
        self.supersampling = supersampling
        self.k = scale * Double(supersampling)
        gdImageAlphaBlending(image, 1)
        gdImageFilledRectangle(image, 0, 0, image.pointee.sx - 1, image.pointee.sy - 1, gdColor(background))
    }

    deinit { gdImageDestroy(image) }

    // MARK: - Shapes

    private func device(_ v: Double) -> Int32 { Int32((v * k).rounded()) }

    private func gdColor(_ c: Color) -> Int32 {
        func byte(_ v: Double) -> Int32 { Int32(min(max((v * 255).rounded(), 0), 255)) }
        let alpha = Int32(min(max(((1 - c.opacity) * 127).rounded(), 0), 127))
        return (alpha << 24) | (byte(c.red) << 16) | (byte(c.green) << 8) | byte(c.blue)
    }

    func fill(_ rect: Rect, _ color: Color) {
        let x0 = device(rect.minX), y0 = device(rect.minY), x1 = device(rect.maxX) - 1, y1 = device(rect.maxY) - 1
        guard x1 >= x0, y1 >= y0 else { return }
        gdImageFilledRectangle(image, x0, y0, x1, y1, gdColor(color))
    }

    /// A rectangle outline drawn inside `rect`.
    func stroke(_ rect: Rect, _ color: Color, width: Double = 1) {
        fill(Rect(x: rect.minX, y: rect.minY, width: rect.width, height: width), color)
        fill(Rect(x: rect.minX, y: rect.maxY - width, width: rect.width, height: width), color)
        fill(Rect(x: rect.minX, y: rect.minY + width, width: width, height: rect.height - 2 * width), color)
        fill(Rect(x: rect.maxX - width, y: rect.minY + width, width: width, height: rect.height - 2 * width), color)
    }

    /// A crisp horizontal line, snapped to output pixels.
    func horizontalLine(y: Double, from x0: Double, to x1: Double, color: Color, width: Double = 1) {
        let top = ((y - width / 2) * scale).rounded() / scale
        fill(Rect(x: x0, y: top, width: x1 - x0, height: width), color)
    }

    /// A crisp vertical line, snapped to output pixels.
    func verticalLine(x: Double, from y0: Double, to y1: Double, color: Color, width: Double = 1) {
        let left = ((x - width / 2) * scale).rounded() / scale
        fill(Rect(x: left, y: y0, width: width, height: y1 - y0), color)
    }

    func polygon(_ points: [Point], fill color: Color) {
        guard points.count >= 3 else { return }
        var gdPoints = points.map { gdPoint(x: device($0.x), y: device($0.y)) }
        gdImageFilledPolygon(image, &gdPoints, Int32(gdPoints.count), gdColor(color))
    }

    func circle(center: Point, radius: Double, fill color: Color, edge: Color? = nil, edgeWidth: Double = 0) {
        if let edge, edgeWidth > 0 {
            let d = Int32((2 * (radius + edgeWidth) * k).rounded())
            gdImageFilledEllipse(image, device(center.x), device(center.y), d, d, gdColor(edge))
        }
        let d = Int32((2 * radius * k).rounded())
        gdImageFilledEllipse(image, device(center.x), device(center.y), d, d, gdColor(color))
    }

    /// A thick line through `points` with round joins; `dash` is [on, off] lengths in logical units.
    func polyline(_ points: [Point], color: Color, width: Double, dash: [Double]? = nil) {
        guard points.count >= 2 else { return }
        if let dash, dash.count == 2 {
            for piece in Canvas.dashed(points, on: dash[0], off: dash[1]) {
                polyline(piece, color: color, width: width)
            }
            return
        }
        let r = width / 2
        for (a, b) in zip(points, points.dropFirst()) {
            let dx = b.x - a.x, dy = b.y - a.y
            let length = (dx * dx + dy * dy).squareRoot()
            guard length > 0 else { continue }
            let nx = -dy / length * r, ny = dx / length * r
            polygon(
                [
                    Point(x: a.x + nx, y: a.y + ny), Point(x: b.x + nx, y: b.y + ny),
                    Point(x: b.x - nx, y: b.y - ny), Point(x: a.x - nx, y: a.y - ny),
                ], fill: color)
        }
        for p in points { circle(center: p, radius: r, fill: color) }
    }

    func line(_ a: Point, _ b: Point, color: Color, width: Double = 1, dash: [Double]? = nil) {
        polyline([a, b], color: color, width: width, dash: dash)
    }

    /// Splits a polyline into its "on" pieces.
    static func dashed(_ points: [Point], on: Double, off: Double) -> [[Point]] {
        var pieces: [[Point]] = [], current: [Point] = [points[0]]
        var drawing = true, remaining = on
        for (a, b) in zip(points, points.dropFirst()) {
            var start = a
            var length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            while length > remaining {
                let t = remaining / length
                let cut = Point(x: start.x + (b.x - start.x) * t, y: start.y + (b.y - start.y) * t)
                if drawing { current.append(cut); pieces.append(current) } else { current = [cut] }
                drawing.toggle()
                length -= remaining
                remaining = drawing ? on : off
                start = cut
            }
            remaining -= length
            if drawing { current.append(b) }
        }
        if drawing && current.count >= 2 { pieces.append(current) }
        return pieces
    }

    /// Limits drawing to `rect` (nil: the whole canvas).
    func clip(to rect: Rect?) {
        let r = rect ?? Rect(x: 0, y: 0, width: width, height: height)
        gdImageSetClip(image, device(r.minX), device(r.minY), device(r.maxX) - 1, device(r.maxY) - 1)
    }

    // MARK: - Text

    private func fontPath(_ weight: FontWeight) -> String {
        switch weight {
        case .regular: fonts.regular
        case .bold: fonts.bold
        case .mono: fonts.mono
        }
    }

    /// libgd sets type at 96 dpi: a size in pixels is 0.75 of it in points.
    private func points(_ size: Double) -> Double { size * k * 0.75 }

    /// The advance width of `string` in logical units.
    func textWidth(_ string: String, size: Double, weight: FontWeight = .regular) -> Double {
        guard !string.isEmpty else { return 0 }
        var box = [Int32](repeating: 0, count: 8)
        let error = gdImageStringFT(nil, &box, 0, fontPath(weight), points(size), 0, 0, 0, string)
        if let error { textFailure = textFailure ?? String(cString: error); return 0 }
        return Double(box[2] - box[0]) / k
    }

    /// Draws `string` anchored at `point`; `angle` in degrees, counter-clockwise, turns it about that point.
    func text(
        _ string: String, at point: Point, size: Double, weight: FontWeight = .regular,
        color: Color = Ink.text, anchor: TextAnchor = .topLeft, angle: Double = 0
    ) {
        guard !string.isEmpty else { return }
        let w = textWidth(string, size: size, weight: weight)
        // DejaVu's cap height is 0.73 em and its descender 0.24 em: center on capitals and digits.
        let along: Double =
            switch anchor.horizontal {
            case .left: 0
            case .center: -w / 2
            case .right: -w
            }
        let across: Double =
            switch anchor.vertical {
            case .top: 0.73 * size
            case .middle: 0.365 * size
            case .baseline: 0
            case .bottom: -0.24 * size
            }
        let theta = angle * .pi / 180
        // Text runs along (cos, -sin) and "down" is (sin, cos) in screen coordinates.
        let x = point.x + along * cos(theta) + across * sin(theta)
        let y = point.y - along * sin(theta) + across * cos(theta)
        var box = [Int32](repeating: 0, count: 8)
        let error = gdImageStringFT(
            image, &box, gdColor(color), fontPath(weight), points(size), theta,
            device(x), device(y), string)
        if let error { textFailure = textFailure ?? String(cString: error) }
    }

    /// `string` shortened with an ellipsis until it fits `maxWidth`.
    func truncated(_ string: String, toWidth maxWidth: Double, size: Double, weight: FontWeight = .regular) -> String {
        guard textWidth(string, size: size, weight: weight) > maxWidth else { return string }
        var characters = Array(string)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters).trimmingCharacters(in: .whitespaces) + "…"
            if textWidth(candidate, size: size, weight: weight) <= maxWidth { return candidate }
        }
        return "…"
    }

    // MARK: - Images

    /// Draws `picture` scaled into `rect`; `smooth` false keeps pixels square (small images, feature maps).
    func draw(_ picture: Image, in rect: Rect, smooth: Bool) throws(FigureError) {
        let source = try GDImage(picture)
        let x = device(rect.minX), y = device(rect.minY)
        let w = device(rect.maxX) - x, h = device(rect.maxY) - y
        if smooth {
            gdImageCopyResampled(
                image, source.pointer, x, y, 0, 0, w, h,
                Int32(picture.width), Int32(picture.height))
        } else {
            gdImageCopyResized(image, source.pointer, x, y, 0, 0, w, h, Int32(picture.width), Int32(picture.height))
        }
    }

    /// The finished figure, averaged down from the supersampled drawing.
    func makeImage() throws(FigureError) -> Image {
        if let textFailure { throw .drawingFailed(reason: "text rendering failed: \(textFailure)") }
        let s = supersampling
        let outputWidth = Int(gdImageSX(image)) / s, outputHeight = Int(gdImageSY(image)) / s
        var pixels = [Float](repeating: 0, count: outputWidth * outputHeight * 3)
        let rows = image.pointee.tpixels!
        let norm = 1 / Float(255 * s * s)
        pixels.withUnsafeMutableBufferPointer { out in
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    var r = 0, g = 0, b = 0
                    for dy in 0..<s {
                        let row = rows[oy * s + dy]!
                        for dx in 0..<s {
                            let p = Int(row[ox * s + dx])
                            r += (p >> 16) & 0xff; g += (p >> 8) & 0xff; b += p & 0xff
                        }
                    }
                    let i = (oy * outputWidth + ox) * 3
                    out[i] = Float(r) * norm; out[i + 1] = Float(g) * norm; out[i + 2] = Float(b) * norm
                }
            }
        }
        return Image(width: outputWidth, height: outputHeight, pixels: pixels)
    }

    private func gdImageSX(_ im: gdImagePtr) -> Int32 { im.pointee.sx }
    private func gdImageSY(_ im: gdImagePtr) -> Int32 { im.pointee.sy }
}

/// A libgd truecolor copy of an `Image`, freed with it.
final class GDImage {
    let pointer: gdImagePtr

    init(_ picture: Image) throws(FigureError) {
        guard let pointer = gdImageCreateTrueColor(Int32(picture.width), Int32(picture.height)) else {
            throw .drawingFailed(reason: "cannot allocate a \(picture.width)x\(picture.height) image")
        }
        self.pointer = pointer
        let rows = pointer.pointee.tpixels!
        picture.pixels.withUnsafeBufferPointer { p in
            for y in 0..<picture.height {
                let row = rows[y]!
                for x in 0..<picture.width {
                    let i = (y * picture.width + x) * 3
                    func byte(_ v: Float) -> Int32 { Int32(min(max((v * 255).rounded(), 0), 255)) }
                    row[x] = (byte(p[i]) << 16) | (byte(p[i + 1]) << 8) | byte(p[i + 2])
                }
            }
        }
    }

    deinit { gdImageDestroy(pointer) }

    /// The image as PNG file bytes.
    func pngData() throws(FigureError) -> Data {
        var size: Int32 = 0
        guard let bytes = gdImagePngPtrEx(pointer, &size, 6), size > 0 else {
            throw .drawingFailed(reason: "libgd could not encode PNG")
        }
        defer { gdFree(bytes) }
        return Data(bytes: bytes, count: Int(size))
    }
}
