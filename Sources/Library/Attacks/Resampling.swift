// Geometric resampling as a differentiable op: every output pixel reads its four nearest source pixels with
// bilinear weights. Shifting, zooming, rotating, padding and resizing are all of that form, so one table of
// (source index, weight) pairs describes any composition of them, y = T·x + f (f: the fill value where the output
// reads outside the source). The op is linear in x, so its backward scatters the upstream gradient with the same
// weights it gathered with: dL/dx = Tᵀ·(dL/dy).

import Augmentations
import Engine
import Foundation

/// A 2-D affine map of continuous pixel coordinates (pixel (i, j) has its center at (j + 0.5, i + 0.5)):
/// (x, y) ↦ (a·x + b·y + tx, c·x + d·y + ty).
public struct AffineMap: Sendable, Equatable {
    public var a: Double, b: Double, c: Double, d: Double, tx: Double, ty: Double

    /// The map given by its six coefficients.
    public init(a: Double, b: Double, c: Double, d: Double, tx: Double, ty: Double) {
        (self.a, self.b, self.c, self.d, self.tx, self.ty) = (a, b, c, d, tx, ty)
    }

    /// The map that leaves every point where it is.
    public static let identity = AffineMap(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

    /// The point `(x, y)` mapped.
    public func applied(to x: Double, _ y: Double) -> (x: Double, y: Double) {
        (a * x + b * y + tx, c * x + d * y + ty)
    }

    /// `self ∘ inner`: first `inner`, then `self`.
    public func composed(with inner: AffineMap) -> AffineMap {
        AffineMap(a: a * inner.a + b * inner.c, b: a * inner.b + b * inner.d,
                  c: c * inner.a + d * inner.c, d: c * inner.b + d * inner.d,
                  tx: a * inner.tx + b * inner.ty + tx, ty: c * inner.tx + d * inner.ty + ty)
    }
}

/// What an output pixel reads where its source position falls outside the picture.
public enum BorderMode: Sendable, Equatable {
    /// A constant value in every channel (lucid pads with 0.5, mid-gray).
    case constant(Float)
    /// The picture mirrored at its edges (no new color reaches the network).
    case reflect
}

/// A fixed bilinear resampling of `[N, H, W, C]` pictures to `[N, outputHeight, outputWidth, C]`: output pixel
/// (i, j) reads the source at `map(j + 0.5, i + 0.5)` (continuous coordinates).
public struct Resampling: Sendable {
    public let sourceHeight: Int, sourceWidth: Int
    public let outputHeight: Int, outputWidth: Int
    /// For each output pixel, four source pixel indices (row-major) and their weights.
    let sources: [Int32]
    let weights: [Float]
    /// Per output pixel, the fill value times the weight that fell outside the source (0 with `.reflect`).
    let fill: [Float]

    /// The table for `map` from output coordinates to source coordinates.
    public init(source: (height: Int, width: Int), output: (height: Int, width: Int), map: AffineMap,
                border: BorderMode = .constant(0.5)) {
        precondition(source.height > 0 && source.width > 0 && output.height > 0 && output.width > 0,
                     "resampling needs positive sizes, got \(source) → \(output)")
        (sourceHeight, sourceWidth, outputHeight, outputWidth) = (source.height, source.width, output.height,
                                                                  output.width)
        let count = output.height * output.width
        var sources = [Int32](repeating: 0, count: count * 4)
        var weights = [Float](repeating: 0, count: count * 4)
        var fill = [Float](repeating: 0, count: count)
        for row in 0..<output.height {
            for column in 0..<output.width {
                let (x, y) = map.applied(to: Double(column) + 0.5, Double(row) + 0.5)
                let (sx, sy) = (x - 0.5, y - 0.5)   // in source index units
                let (x0, y0) = (Int(sx.rounded(.down)), Int(sy.rounded(.down)))
                let (fx, fy) = (Float(sx - Double(x0)), Float(sy - Double(y0)))
                let pixel = row * output.width + column
                let corners = [(x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)),
                               (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy)]
                for (k, (cx, cy, weight)) in corners.enumerated() {
                    switch border {
                    case .reflect:
                        let index = reflected(cy, size: source.height) * source.width + reflected(cx, size: source.width)
                        sources[pixel * 4 + k] = Int32(index)
                        weights[pixel * 4 + k] = weight
                    case .constant(let value):
                        if (0..<source.width).contains(cx) && (0..<source.height).contains(cy) {
                            sources[pixel * 4 + k] = Int32(cy * source.width + cx)
                            weights[pixel * 4 + k] = weight
                        } else {
                            fill[pixel] += value * weight
                        }
                    }
                }
            }
        }
        (self.sources, self.weights, self.fill) = (sources, weights, fill)
    }

    /// y = T·x + f for `[N, sourceHeight, sourceWidth, C]` pictures.
    func gathered(_ images: Tensor) -> Tensor {
        let (n, channels) = (images.shape[0], images.shape[3])
        let outCount = outputHeight * outputWidth
        var result = [Float](repeating: 0, count: n * outCount * channels)
        for image in 0..<n {
            for pixel in 0..<outCount where fill[pixel] != 0 {
                for c in 0..<channels { result[(image * outCount + pixel) * channels + c] = fill[pixel] }
            }
        }
        images.scalars.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { y in
                forEachTap(pictures: n, channels: channels) { source, output, weight in
                    for c in 0..<channels { y[output + c] += weight * x[source + c] }
                }
            }
        }
        return Tensor(shape: [n, outputHeight, outputWidth, channels], scalars: result)
    }

    /// Tᵀ·g: scatters `[N, outputHeight, outputWidth, C]` gradients back onto the source pixels.
    func scattered(_ gradient: Tensor) -> Tensor {
        let (n, channels) = (gradient.shape[0], gradient.shape[3])
        var result = [Float](repeating: 0, count: n * sourceHeight * sourceWidth * channels)
        gradient.scalars.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { x in
                forEachTap(pictures: n, channels: channels) { source, output, weight in
                    for c in 0..<channels { x[source + c] += weight * g[output + c] }
                }
            }
        }
        return Tensor(shape: [n, sourceHeight, sourceWidth, channels], scalars: result)
    }

    /// Calls `body(source, output, weight)` for every nonzero weight of the table in each of `pictures` pictures:
    /// `source` and `output` are the scalar offsets of the pixels' first channel in the source and output batches.
    @inline(__always)
    private func forEachTap(pictures: Int, channels: Int,
                            _ body: (_ source: Int, _ output: Int, _ weight: Float) -> Void) {
        let (inCount, outCount) = (sourceHeight * sourceWidth, outputHeight * outputWidth)
        for image in 0..<pictures {
            let (sourceBase, outputBase) = (image * inCount * channels, image * outCount * channels)
            for pixel in 0..<outCount {
                for k in 0..<4 where weights[pixel * 4 + k] != 0 {
                    body(sourceBase + Int(sources[pixel * 4 + k]) * channels, outputBase + pixel * channels,
                         weights[pixel * 4 + k])
                }
            }
        }
    }
}

/// `images` `[N, H, W, C]` resampled through `resampling`: `[N, outputHeight, outputWidth, C]` (differentiable;
/// PyTorch: `F.grid_sample(..., mode="bilinear")` with an affine grid).
public func resampled(_ images: Tensor, by resampling: Resampling) -> Tensor {
    precondition(images.rank == 4 && images.shape[1] == resampling.sourceHeight
                 && images.shape[2] == resampling.sourceWidth,
                 "the resampling reads [N, \(resampling.sourceHeight), \(resampling.sourceWidth), C], got \(images.shape)")
    let value = resampling.gathered(images)                         // 1. the value y = T·x + f
    return value.recorded(from: [images]) { upstream in            // 2. the parent
        [resampling.scattered(upstream)]                            // 3. dL/dx = Tᵀ·upstream
    }                                                               // 4. return
}
