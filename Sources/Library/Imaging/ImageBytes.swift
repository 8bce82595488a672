// Conversions between the [0, 1] floats of `Image` and 8-bit pixel values, shared by the codecs
// and by `resized(width:height:)`, which works on 8-bit values as Pillow does.

/// `level / 255` for every 8-bit level, so decoding is a table lookup and round trips are exact.
let floatForLevel: [Float] = (0 ..< 256).map { Float($0) / 255 }

/// The 8-bit level nearest to `value · 255`, clamped to 0…255 (NaN becomes 0).
@inline(__always)
func level(of value: Float) -> UInt8 {
    let scaled = (value * 255).rounded()
    return scaled >= 255 ? 255 : (scaled > 0 ? UInt8(scaled) : 0)
}

extension Image {
    /// An image from 8-bit RGB bytes, row by row (`height * width * 3` values, level / 255).
    public init(width: Int, height: Int, rgbBytes: [UInt8]) {
        precondition(rgbBytes.count == width * height * 3,
                     "\(width)x\(height) RGB needs \(width * height * 3) bytes, got \(rgbBytes.count)")
        let pixels = floatForLevel.withUnsafeBufferPointer { table in
            rgbBytes.map { table[Int($0)] }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// An image from 8-bit RGBA bytes with straight (not premultiplied) alpha, composited on white.
    init(width: Int, height: Int, rgbaBytesOnWhite rgba: [UInt8]) {
        var pixels = [Float](repeating: 0, count: width * height * 3)
        rgba.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                floatForLevel.withUnsafeBufferPointer { table in
                    for p in 0 ..< width * height {
                        let alpha = source[p * 4 + 3]
                        for c in 0 ..< 3 {
                            let color = table[Int(source[p * 4 + c])]
                            // Opaque pixels keep their exact level; others blend towards white.
                            target[p * 3 + c] = alpha == 255
                                ? color : color * table[Int(alpha)] + (1 - table[Int(alpha)])
                        }
                    }
                }
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// A gray image with each value copied to all three channels.
    /// Concretely: `values` holds `height * width` numbers in [0, 1], row by row.
    public static func fromGray(width: Int, height: Int, values: [Float]) -> Image {
        precondition(values.count == width * height,
                     "\(width)x\(height) gray needs \(width * height) values, got \(values.count)")
        var pixels = [Float](repeating: 0, count: width * height * 3)
        for (i, value) in values.enumerated() {
            pixels[i * 3] = value; pixels[i * 3 + 1] = value; pixels[i * 3 + 2] = value
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// The pixels as 8-bit RGB bytes, row by row: each value × 255 rounded to nearest, clamped.
    public var rgbBytes: [UInt8] {
        pixels.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { target, count in
                for i in 0 ..< source.count { target[i] = level(of: source[i]) }
                count = source.count
            }
        }
    }

    /// The luminance of each pixel, `height * width` values in [0, 1], row by row, with the
    /// ITU-R 601 weights Pillow's `convert("L")` uses: 0.299 R + 0.587 G + 0.114 B.
    public var grayscaleValues: [Float] {
        (0 ..< width * height).map { p in
            0.299 * pixels[p * 3] + 0.587 * pixels[p * 3 + 1] + 0.114 * pixels[p * 3 + 2]
        }
    }

    /// The image in gray: every pixel's three channels set to its luminance (`grayscaleValues`).
    public func grayscaled() -> Image {
        Image.fromGray(width: width, height: height, values: grayscaleValues)
    }
}
