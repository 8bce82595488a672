// Deterministic geometric transforms of an `Image`: the building blocks the random augmentations draw their
// parameters for. Every affine transform is one inverse map (output pixel → source position) sampled bilinearly,
// so rotation, zoom, shear and translation share one loop, and a zero-angle rotation is exactly the identity.

import Foundation
import Imaging

/// What an affine transform puts where the source image does not reach (Keras: `fill_mode`).
public enum FillMode: Sendable, Equatable {
    /// A constant value in [0, 1] for all three channels (0 is black; Keras: "constant").
    case constant(Float)
    /// The nearest edge pixel repeated (Keras: "nearest").
    case edge
    /// The image mirrored about its edge, d c b a | a b c d | d c b a (Keras: "reflect").
    case reflect
}

/// A rectangle of pixels: columns `x ..< x + width`, rows `y ..< y + height`.
public struct PixelBox: Sendable, Equatable {
    /// The left column, top row and size in pixels.
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The number of pixels inside.
    public var area: Int { width * height }

    /// Whether column `column`, row `row` lies inside.
    public func contains(column: Int, row: Int) -> Bool {
        column >= x && column < x + width && row >= y && row < y + height
    }

    /// This box cut to a `width`×`height` image (possibly empty).
    public func clipped(toWidth imageWidth: Int, height imageHeight: Int) -> PixelBox {
        let left = Swift.max(x, 0), top = Swift.max(y, 0)
        let right = Swift.min(x + width, imageWidth), bottom = Swift.min(y + height, imageHeight)
        return PixelBox(x: left, y: top, width: Swift.max(right - left, 0), height: Swift.max(bottom - top, 0))
    }
}

extension Image {
    /// The mirror image, left and right swapped (PyTorch: `TF.hflip`). Flipping twice gives the original.
    public func flippedHorizontally() -> Image {
        var result = pixels
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<height {
                    for column in 0..<width {
                        let from = (row * width + column) * 3, to = (row * width + width - 1 - column) * 3
                        target[to] = source[from]; target[to + 1] = source[from + 1]; target[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return Image(width: width, height: height, pixels: result)
    }

    /// The image turned counter-clockwise by `degrees` about its center, same size, corners filled by `fill`
    /// (PyTorch: `TF.rotate`). Rotating by 0 returns the same pixels.
    public func rotated(byDegrees degrees: Float, fill: FillMode = .constant(0)) -> Image {
        let radians = Double(degrees) * Double.pi / 180
        let (c, s) = (Float(Foundation.cos(radians)), Float(Foundation.sin(radians)))
        // The inverse of a counter-clockwise turn (y grows downwards) is the clockwise one.
        return affineSampled(fill: fill) { u, v in (c * u - s * v, s * u + c * v) }
    }

    /// The image magnified by `factor` about its center, same size (> 1 zooms in, < 1 zooms out and fills the
    /// border; Keras: `RandomZoom`).
    public func zoomed(by factor: Float, fill: FillMode = .constant(0)) -> Image {
        precondition(factor > 0, "zoom factor must be positive, got \(factor)")
        return affineSampled(fill: fill) { u, v in (u / factor, v / factor) }
    }

    /// The image sheared: row r moves right by `horizontal`·(r − center) and column c down by
    /// `vertical`·(c − center) pixels (PIL's `ImageOps` shear as AutoAugment uses it).
    public func sheared(horizontal: Float = 0, vertical: Float = 0, fill: FillMode = .constant(0)) -> Image {
        affineSampled(fill: fill) { u, v in (u - horizontal * v, v - vertical * u) }
    }

    /// The image moved right by `dx` and down by `dy` pixels (fractions allowed).
    public func translated(x dx: Float, y dy: Float, fill: FillMode = .constant(0)) -> Image {
        affineSampled(fill: fill) { u, v in (u - dx, v - dy) }
    }

    /// The `width`×`height` window at column `x`, row `y` of this image surrounded by `padding` pixels of `fill`;
    /// `x` and `y` count in the padded image, so (0, 0) is the top-left of the padding.
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int, padding: Int,
                        fill: FillMode) -> Image {
        let sample = fill
        var result = [Float](repeating: 0, count: newWidth * newHeight * 3)
        for row in 0..<newHeight {
            for column in 0..<newWidth {
                let value = self.value(column: column + x - padding, row: row + y - padding, fill: sample)
                let to = (row * newWidth + column) * 3
                result[to] = value.0; result[to + 1] = value.1; result[to + 2] = value.2
            }
        }
        return Image(width: newWidth, height: newHeight, pixels: result)
    }

    /// Every output pixel sampled bilinearly at `inverse(u, v)`, where (u, v) is the pixel center's offset from the
    /// image center and the result is the source offset.
    func affineSampled(fill: FillMode, inverse: (Float, Float) -> (Float, Float)) -> Image {
        let (cx, cy) = (Float(width) / 2, Float(height) / 2)
        var result = [Float](repeating: 0, count: pixels.count)
        for row in 0..<height {
            for column in 0..<width {
                let (su, sv) = inverse(Float(column) + 0.5 - cx, Float(row) + 0.5 - cy)
                // Back to index coordinates: source pixel centers sit at integer positions.
                let (sx, sy) = (su + cx - 0.5, sv + cy - 0.5)
                let (x0, y0) = (Int(sx.rounded(.down)), Int(sy.rounded(.down)))
                let (fx, fy) = (sx - Float(x0), sy - Float(y0))
                let to = (row * width + column) * 3
                let a = value(column: x0, row: y0, fill: fill), b = value(column: x0 + 1, row: y0, fill: fill)
                let c = value(column: x0, row: y0 + 1, fill: fill), d = value(column: x0 + 1, row: y0 + 1, fill: fill)
                let (wa, wb, wc, wd) = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
                result[to] = wa * a.0 + wb * b.0 + wc * c.0 + wd * d.0
                result[to + 1] = wa * a.1 + wb * b.1 + wc * c.1 + wd * d.1
                result[to + 2] = wa * a.2 + wb * b.2 + wc * c.2 + wd * d.2
            }
        }
        return Image(width: width, height: height, pixels: result)
    }

    /// The pixel at (column, row), or what `fill` says lies there when outside the image.
    @inline(__always)
    func value(column: Int, row: Int, fill: FillMode) -> (Float, Float, Float) {
        var (x, y) = (column, row)
        if x < 0 || x >= width || y < 0 || y >= height {
            switch fill {
            case .constant(let value):
                return (value, value, value)
            case .edge:
                x = Swift.min(Swift.max(x, 0), width - 1)
                y = Swift.min(Swift.max(y, 0), height - 1)
            case .reflect:
                x = reflected(x, size: width)
                y = reflected(y, size: height)
            }
        }
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

/// `index` mirrored into 0..<size with the edge repeated once (d c b a | a b c d | d c b a).
public func reflected(_ index: Int, size: Int) -> Int {
    let period = 2 * size
    var i = index % period
    if i < 0 { i += period }
    return i < size ? i : period - 1 - i
}
