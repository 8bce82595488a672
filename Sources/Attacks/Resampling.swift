// Random jitter and scale between ideal-image steps (feature-visualisation practice, Olah et al. 2017): the network
// sees a slightly shifted and zoomed copy each step, so only patterns that survive small moves are reinforced and
// pixel-exact noise is not. The transform is linear in the pixels, y = T·x (bilinear weights), so the gradient
// with respect to x is exactly Tᵀ·(d loss/d y): `transposed(_:)` scatters with the same weights `applied(to:)`
// gathers with. No graph is needed for it.

import Augmentations
import Engine
import Foundation

/// A fixed bilinear resampling of `[1, H, W, C]` images: zoom by `scale` about the centre, then shift by
/// (`dx`, `dy`) pixels, with the border mirrored (so no black edges reach the network).
struct Resampling {
    let height: Int, width: Int
    /// For each output pixel, four source pixel indices (row-major, `H·W` of them) and their weights.
    private let sources: [Int]
    private let weights: [Float]

    init(height: Int, width: Int, scale: Float, dx: Float, dy: Float) {
        precondition(scale > 0, "scale must be positive")
        self.height = height
        self.width = width
        var sources = [Int](repeating: 0, count: height * width * 4)
        var weights = [Float](repeating: 0, count: height * width * 4)
        let (cx, cy) = (Float(width) / 2, Float(height) / 2)
        for row in 0..<height {
            for column in 0..<width {
                let sx = (Float(column) + 0.5 - cx - dx) / scale + cx - 0.5
                let sy = (Float(row) + 0.5 - cy - dy) / scale + cy - 0.5
                let (x0, y0) = (Int(sx.rounded(.down)), Int(sy.rounded(.down)))
                let (fx, fy) = (sx - Float(x0), sy - Float(y0))
                let base = (row * width + column) * 4
                let corners = [(x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)),
                               (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy)]
                for (k, (x, y, weight)) in corners.enumerated() {
                    sources[base + k] = reflected(y, size: height) * width + reflected(x, size: width)
                    weights[base + k] = weight
                }
            }
        }
        self.sources = sources
        self.weights = weights
    }

    /// A random shift of up to `jitter` pixels each way and a zoom drawn from `scales`.
    static func random(height: Int, width: Int, jitter: Int, scales: ClosedRange<Float>,
                       using generator: inout SeededGenerator) -> Resampling {
        let dx = Float(Int.random(in: -jitter...jitter, using: &generator))
        let dy = Float(Int.random(in: -jitter...jitter, using: &generator))
        let scale = scales.lowerBound == scales.upperBound ? scales.lowerBound
            : Float.random(in: scales, using: &generator)
        return Resampling(height: height, width: width, scale: scale, dx: dx, dy: dy)
    }

    /// y = T·x for `[1, H, W, C]` images.
    func applied(to image: Tensor) -> Tensor {
        let channels = check(image)
        var result = [Float](repeating: 0, count: image.scalarCount)
        image.scalars.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { y in
                for pixel in 0..<(height * width) {
                    for k in 0..<4 {
                        let (source, weight) = (sources[pixel * 4 + k] * channels, weights[pixel * 4 + k])
                        guard weight != 0 else { continue }
                        for c in 0..<channels { y[pixel * channels + c] += weight * x[source + c] }
                    }
                }
            }
        }
        return Tensor(shape: image.shape, scalars: result)
    }

    /// Tᵀ·g: the gradient with respect to the input, given `gradient` with respect to the output.
    func transposed(_ gradient: Tensor) -> Tensor {
        let channels = check(gradient)
        var result = [Float](repeating: 0, count: gradient.scalarCount)
        gradient.scalars.withUnsafeBufferPointer { g in
            result.withUnsafeMutableBufferPointer { x in
                for pixel in 0..<(height * width) {
                    for k in 0..<4 {
                        let (source, weight) = (sources[pixel * 4 + k] * channels, weights[pixel * 4 + k])
                        guard weight != 0 else { continue }
                        for c in 0..<channels { x[source + c] += weight * g[pixel * channels + c] }
                    }
                }
            }
        }
        return Tensor(shape: gradient.shape, scalars: result)
    }

    private func check(_ image: Tensor) -> Int {
        precondition(image.rank == 4 && image.shape[0] == 1 && image.shape[1] == height && image.shape[2] == width,
                     "resampling is set up for [1, \(height), \(width), C], got \(image.shape)")
        return image.shape[3]
    }
}
