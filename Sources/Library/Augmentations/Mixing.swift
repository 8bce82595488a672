// MixUp and CutMix change the labels as well as the pixels, so they work on whole batches: each image is mixed
// with a partner from the same batch (a random permutation, as in both papers' reference code) and its label
// becomes the matching blend of the two one-hot rows. One λ per batch.

import Engine
import Foundation
import Imaging

/// A mixed batch and how it was mixed (for figures and tests).
public struct MixedBatch: Sendable {
    /// The mixed images and their soft labels.
    public var batch: LabelledBatch
    /// The share of each image's own content and label; 1 − λ comes from its partner.
    public var lambda: Float
    /// `partners[i]` is the image mixed into image i.
    public var partners: [Int]
    /// CutMix only: the pasted rectangle (the same for every image of the batch).
    public var box: PixelBox?
}

/// A way of mixing each image of a batch with a partner, λ drawn from Beta(α, α): MixUp and CutMix.
public protocol BatchMixing: Sendable {
    /// The parameter of the Beta(α, α) distribution λ is drawn from (positive).
    var alpha: Float { get }
    /// The mixed batch, λ and the partners it used; `partners` nil draws a random permutation (as the papers do),
    /// or give `partners[i]` explicitly, e.g. for a figure.
    func mixed(_ batch: LabelledBatch, partners: [Int]?, using generator: inout SeededGenerator) -> MixedBatch
}

extension BatchMixing {
    /// The mixed batch, with random partners.
    public func callAsFunction(_ batch: LabelledBatch, using generator: inout SeededGenerator) -> LabelledBatch {
        mixed(batch, partners: nil, using: &generator).batch
    }

    /// `alpha`, after checking it is positive (a programmer error otherwise).
    static func checkedAlpha(_ alpha: Float) -> Float {
        precondition(alpha > 0, "\(Self.self)'s alpha must be positive, got \(alpha)")
        return alpha
    }
}

/// Blends each image with a partner, x = λ·xᵢ + (1 − λ)·xⱼ, and the labels alike, with λ ~ Beta(α, α)
/// (Zhang et al. 2018, "mixup"). Small α (0.2) mostly keeps one image dominant; α = 1 draws λ uniformly.
public struct MixUp: BatchMixing {
    public var alpha: Float

    public init(alpha: Float = 0.2) { self.alpha = Self.checkedAlpha(alpha) }

    /// The mixed batch with λ and the partners it used (see `BatchMixing`).
    public func mixed(_ batch: LabelledBatch, partners: [Int]? = nil,
                      using generator: inout SeededGenerator) -> MixedBatch {
        let lambda = sampleBeta(alpha, alpha, using: &generator)
        let partners = mixingPartners(partners, count: batch.count, using: &generator)
        let mix = { (values: Tensor) in lambda * values + (1 - lambda) * gathered(values, rows: partners) }
        return MixedBatch(batch: LabelledBatch(images: mix(batch.images), labels: mix(batch.labels)), lambda: lambda,
                          partners: partners)
    }
}

/// Pastes a rectangle of a partner image into each image and mixes the labels by area (Yun et al. 2019,
/// "CutMix"): with λ₀ ~ Beta(α, α) the box covers about 1 − λ₀ of the image; after cutting it to the image,
/// λ = 1 − box area / image area exactly, so the label weights match the pixels.
public struct CutMix: BatchMixing {
    public var alpha: Float

    public init(alpha: Float = 1) { self.alpha = Self.checkedAlpha(alpha) }

    /// The mixed batch with λ (from the box actually pasted), the partners and the box; `partners` as for MixUp.
    public func mixed(_ batch: LabelledBatch, partners: [Int]? = nil,
                      using generator: inout SeededGenerator) -> MixedBatch {
        let (height, width) = (batch.images.shape[1], batch.images.shape[2])
        let drawn = sampleBeta(alpha, alpha, using: &generator)
        let side = (1 - drawn).squareRoot()
        let (w, h) = (Int(Float(width) * side), Int(Float(height) * side))
        let (cx, cy) = (Int.random(in: 0..<width, using: &generator), Int.random(in: 0..<height, using: &generator))
        let box = PixelBox(x: cx - w / 2, y: cy - h / 2, width: w, height: h).clipped(toWidth: width, height: height)
        let partners = mixingPartners(partners, count: batch.count, using: &generator)

        var pixels = batch.images.scalars
        let source = batch.images.scalars
        let imageSize = height * width * 3
        for (i, j) in partners.enumerated() {
            for row in box.y..<(box.y + box.height) {
                let start = (row * width + box.x) * 3, end = start + box.width * 3
                pixels.replaceSubrange((i * imageSize + start)..<(i * imageSize + end),
                                       with: source[(j * imageSize + start)..<(j * imageSize + end)])
            }
        }
        let lambda = 1 - Float(box.area) / Float(width * height)
        let labels = lambda * batch.labels + (1 - lambda) * gathered(batch.labels, rows: partners)
        return MixedBatch(batch: LabelledBatch(images: Tensor(shape: batch.images.shape, scalars: pixels),
                                               labels: labels), lambda: lambda, partners: partners, box: box)
    }
}

/// The rows `rows` of `values` (along the first axis), in that order.
func gathered(_ values: Tensor, rows: [Int]) -> Tensor {
    let rowSize = values.scalarCount / values.shape[0]
    var result: [Float] = []
    result.reserveCapacity(values.scalarCount)
    for row in rows { result += values.scalars[(row * rowSize)..<((row + 1) * rowSize)] }
    return Tensor(shape: values.shape, scalars: result)
}

/// A sample of Beta(a, b), as Gamma(a) / (Gamma(a) + Gamma(b)).
public func sampleBeta(_ a: Float, _ b: Float, using generator: inout SeededGenerator) -> Float {
    let x = sampleGamma(shape: Double(a), using: &generator), y = sampleGamma(shape: Double(b), using: &generator)
    return x + y > 0 ? Float(x / (x + y)) : 0.5
}

/// A sample of Gamma(shape, 1) by Marsaglia & Tsang's method; shapes below 1 use Gamma(shape + 1)·U^(1/shape).
func sampleGamma(shape: Double, using generator: inout SeededGenerator) -> Double {
    if shape < 1 {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        return sampleGamma(shape: shape + 1, using: &generator) * Foundation.pow(u, 1 / shape)
    }
    let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
    while true {
        let x = Double(generator.nextNormal())
        let v = Foundation.pow(1 + c * x, 3)
        guard v > 0 else { continue }
        let u = Double.random(in: 0..<1, using: &generator)
        if Foundation.log(u) < 0.5 * x * x + d - d * v + d * Foundation.log(v) { return d * v }
    }
}

/// `partners` checked against a batch of `count` images, or a random permutation when nil (as both papers do).
func mixingPartners(_ partners: [Int]?, count: Int, using generator: inout SeededGenerator) -> [Int] {
    let partners = partners ?? Array(0..<count).shuffled(using: &generator)
    precondition(partners.count == count && partners.allSatisfy { (0..<count).contains($0) },
                 "partners must name one image of the batch for each image")
    return partners
}
