// A port of Pillow's `Image.resize(size, Image.BILINEAR)` for RGB (libImaging/Resample.c), so that
// preprocessing here gives the same 8-bit pixels as the PyTorch reference pipeline.
//
// It is not "sample the four nearest pixels": each output pixel is a weighted average under a
// triangle filter centered on its position in the input. When shrinking, the triangle is widened by
// the shrink factor, so every input pixel contributes (antialiasing). Weights are normalized to
// sum to 1, turned into 22-bit fixed point, and the image is filtered horizontally, rounded and
// clipped to 8 bits, then filtered vertically and rounded again.

/// Fixed-point fraction bits of the weights: 32 bits less 8 for the pixel and 2 for overflow.
private let precisionBits = 22

/// One axis of a resampling: for each output index, the first input index it reads, how many it
/// reads, and their fixed-point weights (`kernelSize` slots per output, unused slots zero).
struct ResampleAxis {
    let kernelSize: Int
    var starts: [Int]
    var counts: [Int]
    var weights: [Int32]

    /// Pillow's `precompute_coeffs` with the bilinear (triangle, support 1) filter for
    /// `inputSize → outputSize`, followed by `normalize_coeffs_8bpc`.
    init(inputSize: Int, outputSize: Int) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)  // only shrinking widens the filter
        let support = 1.0 * filterScale
        kernelSize = Int(support.rounded(.up)) * 2 + 1
        starts = [Int](repeating: 0, count: outputSize)
        counts = [Int](repeating: 0, count: outputSize)
        weights = [Int32](repeating: 0, count: outputSize * kernelSize)
        let inverseScale = 1 / filterScale  // multiplied, not divided, to round exactly like Pillow
        var real = [Double](repeating: 0, count: kernelSize)
        for out in 0 ..< outputSize {
            let center = (Double(out) + 0.5) * scale
            // C's (int) cast truncates towards zero; the clamp makes that the same as floor here.
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inputSize) - first
            var total = 0.0
            for i in 0 ..< count {
                let distance = abs((Double(i + first) - center + 0.5) * inverseScale)
                real[i] = distance < 1 ? 1 - distance : 0
                total += real[i]
            }
            for i in 0 ..< count {
                let normalized = total != 0 ? real[i] / total : real[i]
                // Round half away from zero, as Pillow does (the triangle is never negative).
                weights[out * kernelSize + i] = Int32(0.5 + normalized * Double(1 << precisionBits))
            }
            starts[out] = first
            counts[out] = count
        }
    }
}

/// Rounds a fixed-point sum (which started at one half) to an 8-bit level, clipping to 0…255.
@inline(__always)
private func clip8(_ sum: Int) -> UInt8 {
    let value = sum >> precisionBits
    return value < 0 ? 0 : (value > 255 ? 255 : UInt8(value))
}

/// Pillow-exact bilinear resize of 8-bit RGB bytes (`height * width * 3`, row by row).
func pillowBilinearResize(_ rgb: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [UInt8] {
    precondition(rgb.count == width * height * 3, "\(width)x\(height) RGB needs \(width * height * 3) bytes")
    let half = 1 << (precisionBits - 1)
    let vertical = ResampleAxis(inputSize: height, outputSize: toHeight)
    var source = rgb, sourceWidth = width, rowOffset = 0

    if toWidth != width {
        // Only the rows the vertical pass will read need the horizontal pass.
        let firstRow = vertical.starts[0]
        let lastRow = vertical.starts[toHeight - 1] + vertical.counts[toHeight - 1]
        let horizontal = ResampleAxis(inputSize: width, outputSize: toWidth)
        var temporary = [UInt8](repeating: 0, count: (lastRow - firstRow) * toWidth * 3)
        rgb.withUnsafeBufferPointer { input in
            temporary.withUnsafeMutableBufferPointer { output in
                horizontal.weights.withUnsafeBufferPointer { weights in
                    for y in firstRow ..< lastRow {
                        let inRow = y * width * 3, outRow = (y - firstRow) * toWidth * 3
                        for x in 0 ..< toWidth {
                            let start = horizontal.starts[x], k = x * horizontal.kernelSize
                            var r = half, g = half, b = half
                            for i in 0 ..< horizontal.counts[x] {
                                let weight = Int(weights[k + i]), p = inRow + (start + i) * 3
                                r += Int(input[p]) * weight
                                g += Int(input[p + 1]) * weight
                                b += Int(input[p + 2]) * weight
                            }
                            output[outRow + x * 3] = clip8(r)
                            output[outRow + x * 3 + 1] = clip8(g)
                            output[outRow + x * 3 + 2] = clip8(b)
                        }
                    }
                }
            }
        }
        source = temporary
        sourceWidth = toWidth
        rowOffset = firstRow
    }
    if toHeight == height { return source }

    var result = [UInt8](repeating: 0, count: toHeight * sourceWidth * 3)
    source.withUnsafeBufferPointer { input in
        result.withUnsafeMutableBufferPointer { output in
            vertical.weights.withUnsafeBufferPointer { weights in
                let rowLength = sourceWidth * 3
                for y in 0 ..< toHeight {
                    let start = vertical.starts[y] - rowOffset, k = y * vertical.kernelSize
                    for column in 0 ..< rowLength {
                        var sum = half
                        for i in 0 ..< vertical.counts[y] {
                            sum += Int(input[(start + i) * rowLength + column]) * Int(weights[k + i])
                        }
                        output[y * rowLength + column] = clip8(sum)
                    }
                }
            }
        }
    }
    return result
}

extension Image {
    /// The image resized exactly as Pillow's `image.resize((width, height), Image.BILINEAR)` does.
    ///
    /// Values are first rounded to 8-bit levels and the result is 8-bit too, as in Pillow: a
    /// triangle filter, widened by the shrink factor when shrinking (so it antialiases), applied
    /// horizontally then vertically with fixed-point rounding. Works for enlarging as well.
    /// Concretely: a 300x300 center crop of chelsea → `resized(width: 224, height: 224)` matches
    /// the PyTorch reference input to within one level.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "cannot resize to \(newWidth)x\(newHeight)")
        let bytes = pillowBilinearResize(rgbBytes, width: width, height: height,
                                         toWidth: newWidth, toHeight: newHeight)
        return Image(width: newWidth, height: newHeight, rgbBytes: bytes)
    }

    /// The rectangle of `width`×`height` pixels whose top-left corner is column `x`, row `y`.
    /// The rectangle must lie inside the image.
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) -> Image {
        precondition(x >= 0 && y >= 0 && newWidth > 0 && newHeight > 0
                     && x + newWidth <= width && y + newHeight <= height,
                     "crop \(newWidth)x\(newHeight) at (\(x), \(y)) does not fit in \(width)x\(height)")
        var result = [Float](repeating: 0, count: newWidth * newHeight * 3)
        for row in 0 ..< newHeight {
            let from = ((y + row) * width + x) * 3
            result.replaceSubrange(row * newWidth * 3 ..< (row + 1) * newWidth * 3,
                                   with: pixels[from ..< from + newWidth * 3])
        }
        return Image(width: newWidth, height: newHeight, pixels: result)
    }

    /// The largest centered square: side s = min(width, height), left = (width − s) / 2 and
    /// top = (height − s) / 2, rounded down (the reference preprocessing's step 2).
    public func centerCropped() -> Image {
        let side = min(width, height)
        return cropped(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
    }
}
