// Each augmentation is tested by the property that defines it, on small seeded images (fast, no assets needed).

import Engine
import Foundation
import Imaging
import Testing
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

/// A `width`×`height` image of seeded uniform values in `range`.
func noiseImage(width: Int = 12, height: Int = 10, in range: ClosedRange<Float> = 0...1, seed: UInt64 = 1) -> Image {
    var generator = SeededGenerator(seed: seed)
    return Image(width: width, height: height,
                 pixels: (0..<(width * height * 3)).map { _ in Float.random(in: range, using: &generator) })
}

func maxDifference(_ a: Image, _ b: Image) -> Float {
    precondition(a.width == b.width && a.height == b.height)
    return zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
}

@Suite("Geometric transforms")
struct GeometryTests {
    @Test("flipping twice gives the original, and once mirrors each row")
    func flipTwiceIsIdentity() {
        let image = noiseImage()
        let flipped = image.flippedHorizontally()
        #expect(flipped.flippedHorizontally() == image)
        #expect(flipped != image)
        #expect(flipped[0, 3] == image[11, 3])
        var generator = SeededGenerator(seed: 3)
        let always = RandomHorizontalFlip(probability: 1)
        #expect(always(always(image, using: &generator), using: &generator) == image)
    }

    @Test("rotating by 0° is the identity; by 90° moves column c of row r to row c")
    func rotation() {
        let image = noiseImage(width: 8, height: 8)
        #expect(maxDifference(image.rotated(byDegrees: 0), image) < 1e-6)
        let quarter = image.rotated(byDegrees: 90)
        // Counter-clockwise: the output at (column c, row r) comes from (column 7 − r, row c).
        for row in 0..<8 {
            for column in 0..<8 {
                #expect(abs(quarter[column, row].green - image[7 - row, column].green) < 1e-5)
            }
        }
        var back = image
        for _ in 0..<4 { back = back.rotated(byDegrees: 90) }
        #expect(maxDifference(back, image) < 1e-4)
    }

    @Test("zooming by 1 is the identity; zooming in by 2 samples halfway towards the center")
    func zoom() {
        let image = noiseImage(width: 8, height: 8)
        #expect(maxDifference(image.zoomed(by: 1), image) < 1e-6)
        let got = image.zoomed(by: 2)[3, 3].red
        // Output (3, 3) is offset (−0.5, −0.5) from the center → source offset (−0.25, −0.25), i.e. index
        // position (3.25, 3.25): bilinear weights 0.75² on pixel (3, 3), 0.75·0.25 on its two neighbors.
        #expect(abs(got - (0.5625 * image[3, 3].red + 0.1875 * image[4, 3].red
                           + 0.1875 * image[3, 4].red + 0.0625 * image[4, 4].red)) < 1e-5)
    }

    @Test("a padded crop is the image shifted, with the fill where the padding shows")
    func paddedCrop() {
        let image = noiseImage()
        let crop = image.cropped(x: 2, y: 1, width: 12, height: 10, padding: 2, fill: .constant(0))
        for row in 0..<10 {
            for column in 0..<12 {
                let (sx, sy) = (column, row - 1)
                let expected = sy >= 0 ? image[sx, sy].blue : 0
                #expect(crop[column, row].blue == expected)
            }
        }
        var generator = SeededGenerator(seed: 5)
        #expect(RandomCrop(width: 12, height: 10)(image, using: &generator) == image)
        let small = RandomCrop(width: 5, height: 4)(image, using: &generator)
        #expect(small.width == 5 && small.height == 4)
    }

    @Test("reflect and edge fills repeat the border the documented way")
    func fillModes() {
        let image = noiseImage(width: 4, height: 4)
        #expect(image.value(column: -1, row: 0, fill: .reflect) == image.value(column: 0, row: 0, fill: .reflect))
        #expect(image.value(column: 5, row: 2, fill: .reflect) == image.value(column: 2, row: 2, fill: .reflect))
        #expect(image.value(column: 9, row: -3, fill: .edge) == image.value(column: 3, row: 0, fill: .edge))
        #expect(image.value(column: 4, row: 0, fill: .constant(0.25)) == (0.25, 0.25, 0.25))
    }
}

@Suite("Color transforms")
struct PhotometricTests {
    @Test("brightness +0.1 moves every channel mean by 0.1 and keeps the spread")
    func brightness() {
        let image = noiseImage(in: 0.2...0.8)
        let brighter = image.adjustingBrightness(by: 0.1)
        for c in 0..<3 {
            #expect(abs(brighter.channelMeans[c] - image.channelMeans[c] - 0.1) < 1e-5)
            #expect(abs(brighter.channelStandardDeviations[c] - image.channelStandardDeviations[c]) < 1e-5)
        }
        #expect(image.adjustingBrightness(by: 2).pixels.allSatisfy { $0 == 1 })
    }

    @Test("contrast ×1.5 multiplies every channel's standard deviation by 1.5 and keeps its mean")
    func contrast() {
        let image = noiseImage(in: 0.35...0.65)
        let stronger = image.adjustingContrast(by: 1.5)
        for c in 0..<3 {
            #expect(abs(stronger.channelMeans[c] - image.channelMeans[c]) < 1e-5)
            #expect(abs(stronger.channelStandardDeviations[c] - 1.5 * image.channelStandardDeviations[c]) < 1e-5)
        }
        let flat = image.adjustingContrast(by: 0)
        #expect(flat.channelStandardDeviations.allSatisfy { $0 < 1e-6 })
    }

    @Test("solarize, posterize, invert, auto-contrast, equalize, saturation and sharpness do what PIL's do")
    func operations() {
        let image = noiseImage(width: 16, height: 16, in: 0.1...0.9)
        #expect(image.solarized(threshold: 2) == image)
        #expect(image.solarized(threshold: 0).pixels == image.pixels.map { 1 - $0 })
        #expect(image.inverted().inverted().pixels.enumerated().allSatisfy { abs($1 - image.pixels[$0]) < 1e-6 })
        let posterized = image.posterized(bits: 2)
        #expect(Set(posterized.rgbBytes).isSubset(of: [0, 64, 128, 192]))
        let stretched = image.autoContrasted()
        #expect(stretched.pixels.min() == 0 && stretched.pixels.max() == 1)
        // A ramp 0.2…0.6 with one bright outlier: without a cutoff the outlier takes the top of the range and the
        // middle of the ramp lands near 0.25; with a 1% cutoff it is clipped and the middle lands near 0.5.
        var spiky = Image.fromGray(width: 10, height: 10, values: (0..<100).map { 0.2 + 0.4 * Float($0) / 99 })
        spiky.pixels[0] = 1
        #expect(abs(spiky.autoContrasted().pixels[150] - 0.25) < 0.02)
        #expect(abs(spiky.autoContrasted(cutoff: 0.01).pixels[150] - 0.49) < 0.02)
        #expect(spiky.autoContrasted(cutoff: 0.01).pixels[0] == 1)
        #expect(image.adjustingSaturation(by: 0) == image.grayscaled())
        #expect(maxDifference(image.adjustingSharpness(by: 1), image) < 1e-6)
        #expect(maxDifference(image.adjustingSharpness(by: 0), image) > 0.01)
        // Four equally common levels 100…103 spread over the whole range (PIL's lookup: step 3072 / 255 = 12).
        let ramp = Image.fromGray(width: 64, height: 64, values: (0..<4096).map { Float(100 + $0 % 4) / 255 })
        #expect(Set(ramp.equalized().rgbBytes) == [0, 85, 171, 255])
    }
}

@Suite("Erasing")
struct ErasingTests {
    @Test("Cutout zeroes exactly its box and nothing else")
    func cutoutZeroesItsBox() {
        let image = noiseImage(width: 20, height: 16, in: 0.1...1)
        let cutout = Cutout(size: 6)
        for seed: UInt64 in 0..<20 {
            var generator = SeededGenerator(seed: seed)
            var copy = generator
            let box = cutout.box(width: 20, height: 16, using: &copy)
            let result = cutout(image, using: &generator)
            #expect(box.area > 0 && box.area <= 36)
            for row in 0..<16 {
                for column in 0..<20 {
                    let pixel = result[column, row]
                    if box.contains(column: column, row: row) {
                        #expect(pixel == (0, 0, 0))
                    } else {
                        #expect(pixel == image[column, row])
                    }
                }
            }
        }
    }

    @Test("Random Erasing replaces one rectangle of the requested area with noise")
    func randomErasing() throws {
        let image = Image(width: 40, height: 30, red: 0.5, green: 0.5, blue: 0.5)
        let erasing = RandomErasing(probability: 1, area: 0.1...0.2)
        var generator = SeededGenerator(seed: 11)
        var copy = generator
        let box = try #require(erasing.box(width: 40, height: 30, using: &copy))
        let result = erasing(image, using: &generator)
        let share = Float(box.area) / 1200
        #expect(share > 0.08 && share < 0.23)
        var changed = 0
        for row in 0..<30 {
            for column in 0..<40 where result[column, row] != image[column, row] {
                #expect(box.contains(column: column, row: row))
                changed += 1
            }
        }
        #expect(changed > box.area * 9 / 10)
        var never = SeededGenerator(seed: 1)
        #expect(RandomErasing(probability: 0)(image, using: &never) == image)
    }
}

@Suite("MixUp and CutMix")
struct MixingTests {
    /// Six 8×8 images, image i filled with the constant (i + 1) / 10, and their classes.
    func constantBatch() -> LabelledBatch {
        let images = (0..<6).map { Image(width: 8, height: 8, red: Float($0 + 1) / 10, green: 0.5, blue: 0) }
        return LabelledBatch(images: Tensor(stacking: images), classes: [0, 1, 2, 3, 4, 0], classCount: 5)
    }

    @Test("MixUp blends images and labels by the same λ, and each label row sums to 1")
    func mixUp() {
        let batch = constantBatch()
        for seed: UInt64 in 0..<10 {
            var generator = SeededGenerator(seed: seed)
            let mixed = MixUp(alpha: 0.4).mixed(batch, using: &generator)
            let λ = mixed.lambda
            #expect(λ >= 0 && λ <= 1)
            let labels = mixed.batch.labels
            for i in 0..<6 {
                let row = (0..<5).map { labels[i, $0] }
                #expect(abs(row.reduce(0, +) - 1) < 1e-5)
                let j = mixed.partners[i]
                let (own, other) = ([0, 1, 2, 3, 4, 0][i], [0, 1, 2, 3, 4, 0][j])
                if own != other {
                    #expect(abs(row[own] - λ) < 1e-6 && abs(row[other] - (1 - λ)) < 1e-6)
                }
                let expectedRed = λ * Float(i + 1) / 10 + (1 - λ) * Float(j + 1) / 10
                #expect(abs(mixed.batch.images[i, 4, 4, 0] - expectedRed) < 1e-6)
            }
        }
    }

    @Test("CutMix's λ equals one minus the pasted area's share, in pixels and in labels")
    func cutMix() throws {
        let batch = constantBatch()
        for seed: UInt64 in 0..<10 {
            var generator = SeededGenerator(seed: seed)
            let mixed = CutMix(alpha: 1).mixed(batch, using: &generator)
            let box = try #require(mixed.box)
            #expect(abs(mixed.lambda - (1 - Float(box.area) / 64)) < 1e-6)
            for i in 0..<6 where mixed.partners[i] != i {
                let j = mixed.partners[i]
                var pasted = 0
                for y in 0..<8 {
                    for x in 0..<8 where abs(mixed.batch.images[i, y, x, 0] - Float(j + 1) / 10) < 1e-6 {
                        pasted += 1
                    }
                }
                #expect(pasted == box.area)
                #expect(abs(1 - Float(pasted) / 64 - mixed.lambda) < 1e-6)
                let own = [0, 1, 2, 3, 4, 0][i], other = [0, 1, 2, 3, 4, 0][j]
                if own != other { #expect(abs(mixed.batch.labels[i, own] - mixed.lambda) < 1e-6) }
                #expect(abs((0..<5).map { mixed.batch.labels[i, $0] }.reduce(0, +) - 1) < 1e-5)
            }
        }
    }

    @Test("Beta samples have the right mean")
    func betaMean() {
        var generator = SeededGenerator(seed: 2)
        let samples = (0..<4000).map { _ in sampleBeta(2, 5, using: &generator) }
        let mean: Float = samples.reduce(0, +) / 4000
        #expect(abs(mean - Float(2) / 7) < 0.01)
        let small = (0..<4000).map { _ in sampleBeta(0.2, 0.2, using: &generator) }
        #expect(small.allSatisfy { (0...1).contains($0) })
        // Beta(0.2, 0.2) piles up near 0 and 1.
        #expect(small.filter { $0 < 0.1 || $0 > 0.9 }.count > 2400)
    }
}

@Suite("Pipelines and policies")
struct PipelineTests {
    let everything = Pipeline([
        RandomHorizontalFlip(), RandomRotation(degrees: 20), RandomZoom(factors: 0.8...1.25),
        RandomCrop(width: 16, height: 16, padding: 2), RandomBrightness(delta: -0.1...0.1),
        RandomContrast(factors: 0.8...1.2), Cutout(size: 4), RandomErasing(probability: 0.5),
        RandAugment(operationCount: 2, magnitude: 9), AutoAugment(),
    ])

    @Test("the same seed gives the same output; another seed a different one")
    func seeded() {
        let image = noiseImage(width: 16, height: 16)
        let first = everything.variants(of: image, count: 3, seed: 42)
        #expect(first == everything.variants(of: image, count: 3, seed: 42))
        #expect(first != everything.variants(of: image, count: 3, seed: 43))
    }

    @Test("a batch is augmented image by image, in order")
    func batches() {
        let images = (1...4).map { noiseImage(width: 16, height: 16, seed: UInt64($0)) }
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let batch = everything(Tensor(stacking: images), using: &a)
        let one = images.map { everything($0, using: &b) }
        #expect(batch.shape == [4, 16, 16, 3])
        #expect(batch == Tensor(stacking: one))
    }

    @Test("RandAugment at magnitude 0 leaves the picture unchanged")
    func randAugmentAtZero() {
        let image = noiseImage(width: 16, height: 16)
        let policy = RandAugment(operationCount: 4, magnitude: 0,
                                 operations: [.identity, .rotate, .shearX, .translateY, .brightness, .contrast,
                                              .color, .sharpness])
        var generator = SeededGenerator(seed: 4)
        #expect(maxDifference(policy(image, using: &generator), image) < 1e-5)
        let strong = RandAugment(operationCount: 2, magnitude: 30)
        #expect(maxDifference(strong(image, using: &generator), image) > 0.05)
    }

    @Test("AutoAugment's ImageNet policy has 25 two-step sub-policies with probabilities and bins in range")
    func autoAugmentPolicy() {
        #expect(AutoAugment.imageNetPolicy.count == 25)
        for subPolicy in AutoAugment.imageNetPolicy {
            #expect(subPolicy.count == 2)
            #expect(subPolicy.allSatisfy { (0...1).contains($0.probability) && (0...9).contains($0.magnitude) })
        }
        let never = AutoAugment(subPolicies: [[.init(.rotate, 0, 9), .init(.invert, 0)]])
        var generator = SeededGenerator(seed: 1)
        let image = noiseImage()
        #expect(never(image, using: &generator) == image)
        let always = AutoAugment(subPolicies: [[.init(.invert, 1)]])
        #expect(always(image, using: &generator) == image.inverted())
    }
}
