// Transformation robustness (Olah et al., "Feature Visualization", Distill 2017; lucid's `standard_transforms`):
// at every step the network sees randomly padded, shifted, zoomed and rotated copies of the picture, so only
// patterns that survive small moves get reinforced and pixel-exact noise does not. Each step of a pipeline is an
// affine map of pixel coordinates, so a sampled pipeline is one bilinear resampling (a graph op): the gradient
// flows back through it exactly.

import Engine
import Foundation

/// One stage of a random geometric pipeline, in lucid's vocabulary.
public enum GeometricStep: Sendable, Equatable {
    /// Grow the picture by this many pixels on every side (filled with the pipeline's border value).
    case pad(Int)
    /// Crop a random 0…n−1 pixels off the top and off the left (lucid's `jitter(n)`: the picture shrinks).
    case jitter(Int)
    /// Zoom by a factor drawn from these values (the size follows: ⌊factor·size⌋).
    case scale([Double])
    /// Rotate about the center by an angle in degrees drawn from these values.
    case rotate([Double])
    /// Resize to a square of this side (bilinear, corners aligned as `nn.Upsample(align_corners=True)`).
    case resize(Int)
}

/// A composable random transform: a list of geometric steps, sampled afresh for every copy of every step.
///
/// ```swift
/// let transform = RandomTransform(RandomTransform.standard.steps + [.resize(224)])
/// var generator = SeededGenerator(seed: 1)
/// let copies = transform.sampledBatch(of: pixels, copies: 2, using: &generator)   // [2, 224, 224, 3]
/// ```
public struct RandomTransform: Sendable, Equatable {
    /// The stages, applied in order.
    public var steps: [GeometricStep]
    /// What the picture reads outside its own pixels.
    public var border: BorderMode

    /// A pipeline of `steps`; `border` fills what lies outside the picture.
    public init(_ steps: [GeometricStep], border: BorderMode = .constant(0.5)) {
        self.steps = steps
        self.border = border
    }

    /// No change at all.
    public static let identity = RandomTransform([])

    /// lucid's standard transforms: pad 12 (gray), jitter 8, scale 0.90…1.10 in steps of 0.02, rotate −10…10°
    /// (0° five extra times), jitter 4. `IdealImageSearch` resizes the result back to the network's input.
    public static let standard = standard(zoom: 0.9...1.1)

    /// lucid's standard transforms with the zoom factor drawn from `zoom` in steps of 0.02 (the ends included).
    public static func standard(zoom: ClosedRange<Double>) -> RandomTransform {
        // In fiftieths, so 0.9...1.1 gives exactly lucid's 1 + (i − 5)/50.
        let (low, high) = (Int((zoom.lowerBound * 50).rounded()), Int((zoom.upperBound * 50).rounded()))
        return RandomTransform([
            .pad(12), .jitter(8), .scale((low...max(low, high)).map { Double($0) / 50 }),
            .rotate((-10...10).map(Double.init) + Array(repeating: 0, count: 5)), .jitter(4),
        ])
    }

    /// Checks every stage's setting, naming the wrong one.
    public func validate() throws {
        for (index, step) in steps.enumerated() {
            let problem: String? = switch step {
            case .pad(let n) where n < 0: "pad must be 0 or more, got \(n)"
            case .jitter(let n) where n < 1: "jitter must be 1 or more (1 is no shift), got \(n)"
            case .scale(let factors) where factors.isEmpty || factors.contains { !($0 > 0) || !$0.isFinite }:
                "scale needs positive factors, got \(factors)"
            case .rotate(let angles) where angles.isEmpty || angles.contains { !$0.isFinite }:
                "rotate needs finite angles, got \(angles)"
            case .resize(let side) where side < 1: "resize needs a positive side, got \(side)"
            default: nil
            }
            if let problem { throw IdealImageError.invalidSetting("transform step \(index + 1): \(problem)") }
        }
    }

    /// One random realization for a `height`×`width` picture: every step is an affine map of pixel coordinates, so
    /// the whole pipeline composes into one map and costs one bilinear resampling. (lucid interpolates at every
    /// scale, rotate and resize; each of those blurs the copy a little, so the finest patterns would get less
    /// gradient than the coarse ones, and each costs time.) Where the map reads outside the picture — the pad,
    /// the corners a rotation uncovers — the copy shows the border value.
    public func sampled(height: Int, width: Int, using generator: inout SeededGenerator) -> Resampling {
        var size = (height: height, width: width)   // the size after the steps so far
        var map = AffineMap.identity                // output coordinates → coordinates in the original picture
        for step in steps {
            let inner: AffineMap
            switch step {
            case .pad(let n):
                inner = AffineMap(a: 1, b: 0, c: 0, d: 1, tx: -Double(n), ty: -Double(n))
                size = (size.height + 2 * n, size.width + 2 * n)
            case .jitter(let n):
                let (dy, dx) = (Int.random(in: 0..<n, using: &generator), Int.random(in: 0..<n, using: &generator))
                inner = AffineMap(a: 1, b: 0, c: 0, d: 1, tx: Double(dx), ty: Double(dy))
                size = (max(1, size.height - dy), max(1, size.width - dx))
            case .scale(let factors):
                let factor = factors.randomElement(using: &generator)!
                inner = AffineMap(a: 1 / factor, b: 0, c: 0, d: 1 / factor, tx: 0, ty: 0)
                size = (max(1, Int(Double(size.height) * factor)), max(1, Int(Double(size.width) * factor)))
            case .rotate(let angles):
                // Output point p reads the source at R(−θ)·(p − c) + c.
                let theta = angles.randomElement(using: &generator)! * Double.pi / 180
                let (cosine, sine) = (Foundation.cos(theta), Foundation.sin(theta))
                let (cx, cy) = (Double(size.width) / 2, Double(size.height) / 2)
                inner = AffineMap(a: cosine, b: sine, c: -sine, d: cosine,
                                  tx: cx - cosine * cx - sine * cy, ty: cy + sine * cx - cosine * cy)
            case .resize(let side):
                // Corners aligned: index i_out·(n_in − 1)/(n_out − 1), in center coordinates.
                let sx = side > 1 ? Double(size.width - 1) / Double(side - 1) : 1
                let sy = side > 1 ? Double(size.height - 1) / Double(side - 1) : 1
                inner = AffineMap(a: sx, b: 0, c: 0, d: sy, tx: 0.5 - 0.5 * sx, ty: 0.5 - 0.5 * sy)
                size = (side, side)
            }
            map = map.composed(with: inner)
        }
        return Resampling(source: (height, width), output: size, map: map, border: border)
    }

    /// `copies` independently transformed copies of one `[1, H, W, C]` picture, stacked into a batch
    /// (differentiable). Every copy must come out the same size, which a final `.resize` guarantees.
    public func sampledBatch(of picture: Tensor, copies: Int,
                             using generator: inout SeededGenerator) -> Tensor {
        precondition(picture.rank == 4 && picture.shape[0] == 1, "one [1, H, W, C] picture, got \(picture.shape)")
        if steps.isEmpty { return copies == 1 ? picture : concatenate(Array(repeating: picture, count: copies)) }
        let batch = (0..<copies).map { _ in
            resampled(picture, by: sampled(height: picture.shape[1], width: picture.shape[2], using: &generator))
        }
        return batch.count == 1 ? batch[0] : concatenate(batch, alongAxis: 0)
    }
}
