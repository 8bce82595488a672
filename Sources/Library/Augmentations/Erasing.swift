// Occlusion augmentations: hide part of the picture so the network cannot rely on one decisive patch (an eye, a
// logo) and must use the whole object. Each exposes the box it draws, so tests and figures can check it.

import Engine
import Foundation
import Imaging

/// Sets a `size`×`size` square at a random center to `fill` (DeVries & Taylor 2017, "Cutout"). The center may lie
/// near an edge, so part of the square can fall outside and less is hidden, as in the paper.
public struct Cutout: Augmentation {
    /// The side of the square, in pixels.
    public var size: Int
    /// The value written into the square (0 is black).
    public var fill: Float

    public init(size: Int, fill: Float = 0) {
        precondition(size > 0, "cutout size must be positive, got \(size)")
        self.size = size
        self.fill = fill
    }

    /// The square hidden in a `width`×`height` image, cut to the image; `callAsFunction` with the same generator
    /// state hides exactly this box.
    public func box(width: Int, height: Int, using generator: inout SeededGenerator) -> PixelBox {
        let cx = Int.random(in: 0..<width, using: &generator), cy = Int.random(in: 0..<height, using: &generator)
        return PixelBox(x: cx - size / 2, y: cy - size / 2, width: size, height: size)
            .clipped(toWidth: width, height: height)
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        image.filling(box(width: image.width, height: image.height, using: &generator)) { _ in fill }
    }
}

/// With probability `probability`, replaces a random rectangle with random noise (Zhong et al. 2017,
/// torchvision: `RandomErasing`): its area is a fraction of the image drawn from `area`, its width/height ratio
/// drawn log-uniformly from `aspectRatio`; up to 10 draws are tried until one fits.
public struct RandomErasing: Augmentation {
    /// The chance that a picture gets a rectangle, 0…1.
    public var probability: Float
    /// The rectangle's area as a fraction of the picture.
    public var area: ClosedRange<Float>
    /// The rectangle's width / height.
    public var aspectRatio: ClosedRange<Float>

    public init(probability: Float = 0.5, area: ClosedRange<Float> = 0.02...0.33,
                aspectRatio: ClosedRange<Float> = 0.3...3.3) {
        precondition((0...1).contains(probability), "probability must lie in [0, 1], got \(probability)")
        precondition(area.lowerBound > 0 && area.upperBound <= 1, "area must be a fraction in (0, 1], got \(area)")
        precondition(aspectRatio.lowerBound > 0, "aspect ratios must be positive, got \(aspectRatio)")
        self.probability = probability
        self.area = area
        self.aspectRatio = aspectRatio
    }

    /// The rectangle to erase in a `width`×`height` image, or nil when this call leaves the image alone.
    public func box(width: Int, height: Int, using generator: inout SeededGenerator) -> PixelBox? {
        guard Float.random(in: 0..<1, using: &generator) < probability else { return nil }
        let logRatios = Foundation.log(aspectRatio.lowerBound)...Foundation.log(aspectRatio.upperBound)
        for _ in 0..<10 {
            let target = Float.random(in: area, using: &generator) * Float(width * height)
            let ratio = Foundation.exp(Float.random(in: logRatios, using: &generator))
            let (w, h) = (Int((target * ratio).squareRoot().rounded()), Int((target / ratio).squareRoot().rounded()))
            guard w >= 1, h >= 1, w < width, h < height else { continue }
            return PixelBox(x: Int.random(in: 0...(width - w), using: &generator),
                            y: Int.random(in: 0...(height - h), using: &generator), width: w, height: h)
        }
        return nil
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        guard let box = box(width: image.width, height: image.height, using: &generator) else { return image }
        return image.filling(box) { _ in Float.random(in: 0...1, using: &generator) }
    }
}

extension Image {
    /// The image with every value inside `box` replaced by `value(index)` (index counts the replaced values).
    public func filling(_ box: PixelBox, with value: (Int) -> Float) -> Image {
        let box = box.clipped(toWidth: width, height: height)
        var result = pixels
        var index = 0
        for row in box.y..<(box.y + box.height) {
            for column in box.x..<(box.x + box.width) {
                for channel in 0..<3 {
                    result[(row * width + column) * 3 + channel] = value(index)
                    index += 1
                }
            }
        }
        return Image(width: width, height: height, pixels: result)
    }
}
