import Foundation
import Imaging
import Randomness

/// Loss and accuracy curves that look like a real run: fast early progress, noise, validation drifting up late.
func trainingCurves(
    epochs: Int, using generator: inout SeededGenerator
)
    -> (trainLoss: [Double], validationLoss: [Double], trainAccuracy: [Double], validationAccuracy: [Double])
{
    var result: ([Double], [Double], [Double], [Double]) = ([], [], [], [])
    for epoch in 0..<epochs {
        let t = Double(epoch)
        let train = 2.1 * exp(-t / 5) + 0.12 + 0.03 * Double(generator.nextNormal())
        let validation = 2.1 * exp(-t / 6) + 0.34 + 0.0009 * t * t + 0.05 * Double(generator.nextNormal())
        result.0.append(train)
        result.1.append(validation)
        result.2.append(min(0.99, 1 - 0.85 * exp(-t / 4.5) - 0.02 + 0.01 * Double(generator.nextNormal())))
        result.3.append(min(0.95, 0.88 - 0.75 * exp(-t / 5) - 0.0004 * t * t + 0.015 * Double(generator.nextNormal())))
    }
    return result
}

/// Points in `classes` Gaussian clusters, like a 2-D projection of embeddings.
func clusters(
    classes: Int, perClass: Int, using generator: inout SeededGenerator
)
    -> (x: [Double], y: [Double], labels: [Int])
{
    var x: [Double] = [], y: [Double] = [], labels: [Int] = []
    for c in 0..<classes {
        let angle = Double(c) / Double(classes) * 2 * .pi
        let cx = 4 * cos(angle), cy = 3 * sin(angle)
        for _ in 0..<perClass {
            x.append(cx + 1.1 * Double(generator.nextNormal()))
            y.append(cy + 0.9 * Double(generator.nextNormal()))
            labels.append(c)
        }
    }
    return (x, y, labels)
}

/// Feature maps made of Gaussian blobs and stripes, like early and middle activations of a CNN.
func featureMaps(count: Int, size: Int, using generator: inout SeededGenerator) -> [[Float]] {
    (0..<count).map { k in
        let blobs = (0..<3).map { _ in
            (
                Double.random(in: 0..<Double(size), using: &generator),
                Double.random(in: 0..<Double(size), using: &generator),
                Double.random(in: 2...Double(size) / 4, using: &generator),
                Double.random(in: 0.3...1, using: &generator)
            )
        }
        let frequency = Double(k % 4) * 0.35, phase = Double(k)
        return (0..<size * size).map { i in
            let x = Double(i % size), y = Double(i / size)
            var v = blobs.reduce(0.0) { sum, b in
                sum + b.3 * exp(-((x - b.0) * (x - b.0) + (y - b.1) * (y - b.1)) / (2 * b.2 * b.2))
            }
            if k % 3 == 1 { v += 0.25 * sin(frequency * x + phase) * cos(frequency * y) }
            return Float(max(v, 0))  // after ReLU
        }
    }
}

/// A confusion matrix for 10 classes with realistic mistakes between similar classes.
func confusionMatrix(using generator: inout SeededGenerator) -> [[Double]] {
    let similar: [Int: Int] = [0: 6, 6: 0, 2: 4, 4: 2, 5: 7, 7: 5, 9: 7, 3: 6]
    return (0..<10).map { row in
        var counts = [Double](repeating: 0, count: 10)
        var remaining = 100.0
        if let other = similar[row] {
            let mistakes = Double(Int.random(in: 6...16, using: &generator))
            counts[other] = mistakes
            remaining -= mistakes
        }
        for _ in 0..<3 {
            let column = Int.random(in: 0..<10, using: &generator)
            if column != row {
                let n = Double(Int.random(in: 0...3, using: &generator)); counts[column] += n; remaining -= n
            }
        }
        counts[row] = remaining
        return counts
    }
}

/// A painted landscape (sky, sun, hills, a tree) standing in for a photo.
func syntheticPhoto(size: Int) -> Image {
    var pixels = [Float](repeating: 0, count: size * size * 3)
    let s = Double(size)
    for y in 0..<size {
        for x in 0..<size {
            let u = Double(x) / s, v = Double(y) / s
            var r = 0.45 + 0.3 * v, g = 0.65 + 0.2 * v, b = 0.95 - 0.1 * v
            if hypot(u - 0.72, v - 0.25) < 0.1 { (r, g, b) = (1.0, 0.84, 0.3) }
            let hill = 0.62 + 0.08 * sin(u * 7) + 0.04 * sin(u * 17 + 1)
            if v > hill {
                let d = (v - hill) * 2; (r, g, b) = (0.25 - 0.1 * d, 0.55 - 0.2 * d + 0.05 * sin(u * 60), 0.2)
            }
            if abs(u - 0.28) < 0.025 && v > 0.45 && v < 0.7 { (r, g, b) = (0.4, 0.26, 0.13) }
            if hypot(u - 0.28, (v - 0.4) * 1.2) < 0.12 {
                (r, g, b) = (0.13, 0.42 + 0.1 * sin(u * 90) * cos(v * 70), 0.16)
            }
            let i = (y * size + x) * 3
            pixels[i] = Float(r); pixels[i + 1] = Float(g); pixels[i + 2] = Float(b)
        }
    }
    return Image(width: size, height: size, pixels: pixels)
}

/// Simple augmentations of `image`, for the image grid.
enum Augment {
    static func flipped(_ image: Image) -> Image {
        remap(image) { x, y in (image.width - 1 - x, y) }
    }

    static func rotated(_ image: Image, degrees: Double) -> Image {
        let a = degrees * .pi / 180, c = Double(image.width) / 2
        return remap(image) { x, y in
            let dx = Double(x) - c, dy = Double(y) - c
            return (Int((cos(a) * dx - sin(a) * dy + c).rounded()), Int((sin(a) * dx + cos(a) * dy + c).rounded()))
        }
    }

    static func zoomed(_ image: Image, by factor: Double) -> Image {
        let c = Double(image.width) / 2
        return remap(image) { x, y in (Int(c + (Double(x) - c) / factor), Int(c + (Double(y) - c) / factor)) }
    }

    static func adjusted(_ image: Image, brightness: Float, contrast: Float) -> Image {
        Image(
            width: image.width, height: image.height,
            pixels: image.pixels.map { min(max((($0 - 0.5) * contrast + 0.5) + brightness, 0), 1) })
    }

    static func cutout(_ image: Image, x: Int, y: Int, size: Int) -> Image {
        var result = image
        for row in y..<min(y + size, image.height) {
            for column in x..<min(x + size, image.width) {
                for c in 0..<3 { result.pixels[(row * image.width + column) * 3 + c] = 0.5 }
            }
        }
        return result
    }

    /// Pixels sampled from (sx, sy) = source(x, y); outside the image is black.
    private static func remap(_ image: Image, source: (Int, Int) -> (Int, Int)) -> Image {
        var pixels = [Float](repeating: 0, count: image.pixels.count)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let (sx, sy) = source(x, y)
                guard sx >= 0, sy >= 0, sx < image.width, sy < image.height else { continue }
                for c in 0..<3 { pixels[(y * image.width + x) * 3 + c] = image.pixels[(sy * image.width + sx) * 3 + c] }
            }
        }
        return Image(width: image.width, height: image.height, pixels: pixels)
    }
}

/// A signed perturbation in [-epsilon, epsilon] with some structure, as an attack would make.
func perturbation(size: Int, epsilon: Float, using generator: inout SeededGenerator) -> [Float] {
    (0..<size * size * 3).map { i in
        let x = Double(i / 3 % size), y = Double(i / 3 / size)
        let structured = sin(x * 0.9 + Double(i % 3)) * cos(y * 0.7)
        return (structured + 0.6 * Double(generator.nextNormal())) > 0 ? epsilon : -epsilon
    }
}
