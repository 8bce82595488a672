// Deterministic color transforms of an `Image`. Pixels stay in [0, 1]; each result is clamped there. The
// RandAugment/AutoAugment operations (solarize, posterize, equalize, …) follow PIL's `ImageOps`/`ImageEnhance`
// definitions on 8-bit levels, which is where their magnitudes were tuned.

import Foundation
import Imaging

extension Image {
    /// Every value plus `delta`, clamped to [0, 1] (Keras: `RandomBrightness`). Without clamping the mean moves by
    /// exactly `delta` and the spread is unchanged.
    public func adjustingBrightness(by delta: Float) -> Image {
        mapped { $0 + delta }
    }

    /// Every value times `factor`, clamped (PIL: `ImageEnhance.Brightness`, a blend with black).
    public func scalingBrightness(by factor: Float) -> Image {
        mapped { $0 * factor }
    }

    /// Each channel's distance from its own mean times `factor`, clamped (Keras: `RandomContrast`). Without
    /// clamping each channel keeps its mean and its standard deviation is multiplied by `factor`.
    public func adjustingContrast(by factor: Float) -> Image {
        let means = channelMeans
        var result = pixels
        for i in result.indices {
            let mean = means[i % 3]
            result[i] = Swift.min(Swift.max((result[i] - mean) * factor + mean, 0), 1)
        }
        return Image(width: width, height: height, pixels: result)
    }

    /// A blend with the gray version: 0 is gray, 1 the original, above 1 more vivid (PIL: `ImageEnhance.Color`).
    public func adjustingSaturation(by factor: Float) -> Image {
        blended(with: grayscaled(), factor: factor)
    }

    /// A blend with a 3×3-smoothed copy: 0 is blurred, 1 the original, above 1 sharper
    /// (PIL: `ImageEnhance.Sharpness`; the border pixels are kept).
    public func adjustingSharpness(by factor: Float) -> Image {
        guard width > 2, height > 2 else { return self }
        var smooth = pixels
        // PIL's SMOOTH kernel: [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13.
        for row in 1..<(height - 1) {
            for column in 1..<(width - 1) {
                for channel in 0..<3 {
                    var sum: Float = 0
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let weight: Float = dx == 0 && dy == 0 ? 5 : 1
                            sum += weight * pixels[((row + dy) * width + column + dx) * 3 + channel]
                        }
                    }
                    smooth[(row * width + column) * 3 + channel] = sum / 13
                }
            }
        }
        return blended(with: Image(width: width, height: height, pixels: smooth), factor: factor)
    }

    /// Values at or above `threshold` inverted, v → 1 − v (PIL: `ImageOps.solarize`); a threshold above 1 changes
    /// nothing.
    public func solarized(threshold: Float) -> Image {
        mapped { $0 >= threshold ? 1 - $0 : $0 }
    }

    /// Only the top `bits` bits of each 8-bit level kept (PIL: `ImageOps.posterize`); 8 changes nothing.
    public func posterized(bits: Int) -> Image {
        precondition((1...8).contains(bits), "posterize keeps 1 to 8 bits, got \(bits)")
        let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        return Image(width: width, height: height, rgbBytes: rgbBytes.map { $0 & mask })
    }

    /// Every value v → 1 − v (PIL: `ImageOps.invert`).
    public func inverted() -> Image {
        mapped { 1 - $0 }
    }

    /// Each channel stretched so its darkest value becomes 0 and its brightest 1 (PIL: `ImageOps.autocontrast`);
    /// a flat channel is left alone. With `cutoff` > 0 that fraction of each channel's darkest and brightest values
    /// is ignored when finding the range (and clamped), so a few outliers cannot waste the whole range.
    public func autoContrasted(cutoff: Float = 0) -> Image {
        precondition(cutoff >= 0 && cutoff < 0.5, "cutoff must lie in [0, 0.5), got \(cutoff)")
        let count = width * height
        let skip = Int(cutoff * Float(count))
        var lows: [Float] = [0, 0, 0], highs: [Float] = [1, 1, 1]
        for channel in 0..<3 {
            let values = (0..<count).map { pixels[$0 * 3 + channel] }.sorted()
            lows[channel] = values[skip]
            highs[channel] = values[count - 1 - skip]
        }
        var result = pixels
        for i in result.indices where highs[i % 3] > lows[i % 3] {
            result[i] = Swift.min(Swift.max((result[i] - lows[i % 3]) / (highs[i % 3] - lows[i % 3]), 0), 1)
        }
        return Image(width: width, height: height, pixels: result)
    }

    /// Each channel's histogram of 8-bit levels flattened, so every level is about equally common
    /// (PIL: `ImageOps.equalize`).
    public func equalized() -> Image {
        var bytes = rgbBytes
        let count = width * height
        for channel in 0..<3 {
            var histogram = [Int](repeating: 0, count: 256)
            for p in 0..<count { histogram[Int(bytes[p * 3 + channel])] += 1 }
            // PIL: the step leaves out the last non-empty level; a near-constant channel is left alone.
            let lastLevelCount = histogram.last { $0 > 0 } ?? 0
            let step = (count - lastLevelCount) / 255
            guard step > 0 else { continue }
            var lookup = [UInt8](repeating: 0, count: 256)
            var running = step / 2
            for level in 0..<256 {
                lookup[level] = UInt8(Swift.min(running / step, 255))
                running += histogram[level]
            }
            for p in 0..<count { bytes[p * 3 + channel] = lookup[Int(bytes[p * 3 + channel])] }
        }
        return Image(width: width, height: height, rgbBytes: bytes)
    }

    /// `other + factor · (self − other)`, clamped: 0 gives `other`, 1 gives this image (PIL's `Image.blend`).
    public func blended(with other: Image, factor: Float) -> Image {
        precondition(other.width == width && other.height == height, "blend needs images of one size")
        var result = pixels
        for i in result.indices {
            result[i] = Swift.min(Swift.max(other.pixels[i] + factor * (pixels[i] - other.pixels[i]), 0), 1)
        }
        return Image(width: width, height: height, pixels: result)
    }

    /// The mean of each channel, (red, green, blue).
    public var channelMeans: [Float] {
        var sums: [Double] = [0, 0, 0]
        for (i, value) in pixels.enumerated() { sums[i % 3] += Double(value) }
        return sums.map { Float($0 / Double(width * height)) }
    }

    /// The standard deviation of each channel (population), (red, green, blue).
    public var channelStandardDeviations: [Float] {
        let means = channelMeans
        var sums: [Double] = [0, 0, 0]
        for (i, value) in pixels.enumerated() { sums[i % 3] += Double((value - means[i % 3]) * (value - means[i % 3])) }
        return sums.map { Float(($0 / Double(width * height)).squareRoot()) }
    }

    /// `transform` applied to every value, clamped to [0, 1].
    func mapped(_ transform: (Float) -> Float) -> Image {
        Image(width: width, height: height, pixels: pixels.map { Swift.min(Swift.max(transform($0), 0), 1) })
    }
}
