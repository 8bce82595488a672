// The classic label-preserving augmentations (seed 004's Keras list): each draws its parameters from the generator
// and applies the matching deterministic transform of Geometry.swift or Photometric.swift.

import Engine
import Imaging

/// Mirrors the image left–right with probability `probability` (Keras: `RandomFlip("horizontal")`; torchvision:
/// `RandomHorizontalFlip`). Wrong for pictures whose meaning has a side, such as text or traffic signs.
public struct RandomHorizontalFlip: Augmentation {
    /// The chance of mirroring, 0…1.
    public var probability: Float

    public init(probability: Float = 0.5) {
        precondition((0...1).contains(probability), "probability must lie in [0, 1], got \(probability)")
        self.probability = probability
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        Float.random(in: 0..<1, using: &generator) < probability ? image.flippedHorizontally() : image
    }
}

/// Turns the image by an angle drawn uniformly from −`degrees`…`degrees` (torchvision: `RandomRotation(degrees)`;
/// Keras' `RandomRotation(f)` takes a fraction of a full turn, f = degrees / 360).
public struct RandomRotation: Augmentation {
    /// The largest angle either way.
    public var degrees: Float
    /// What fills the area the source does not cover.
    public var fill: FillMode

    public init(degrees: Float, fill: FillMode = .reflect) {
        precondition(degrees >= 0, "rotation range must be non-negative, got \(degrees)")
        self.degrees = degrees
        self.fill = fill
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        image.rotated(byDegrees: Float.random(in: -degrees...degrees, using: &generator), fill: fill)
    }
}

/// Magnifies the image about its center by a factor drawn uniformly from `factors` (> 1 zooms in)
/// (Keras: `RandomZoom`, whose `height_factor` 0.2 means factors 1/1.2…1/0.8 in these terms).
public struct RandomZoom: Augmentation {
    /// The range the factor is drawn from.
    public var factors: ClosedRange<Float>
    /// What fills the area the source does not cover.
    public var fill: FillMode

    public init(factors: ClosedRange<Float>, fill: FillMode = .reflect) {
        precondition(factors.lowerBound > 0, "zoom factors must be positive, got \(factors)")
        self.factors = factors
        self.fill = fill
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        image.zoomed(by: Float.random(in: factors, using: &generator), fill: fill)
    }
}

/// A `width`×`height` window at a random place of the image surrounded by `padding` pixels of `fill`
/// (torchvision: `RandomCrop(size, padding)`; `RandomCrop(width: 28, height: 28, padding: 3)` is the classic
/// shift-by-up-to-3-pixels of small datasets).
public struct RandomCrop: Augmentation {
    /// The output width in pixels.
    public var width: Int
    /// The output height in pixels.
    public var height: Int
    /// Pixels of fill added on every side before cropping.
    public var padding: Int
    /// What fills the area the source does not cover.
    public var fill: FillMode

    public init(width: Int, height: Int, padding: Int = 0, fill: FillMode = .constant(0)) {
        precondition(width > 0 && height > 0 && padding >= 0, "crop \(width)x\(height), padding \(padding) is invalid")
        self.width = width
        self.height = height
        self.padding = padding
        self.fill = fill
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        let (spareX, spareY) = (image.width + 2 * padding - width, image.height + 2 * padding - height)
        precondition(spareX >= 0 && spareY >= 0,
                     "cannot crop \(width)x\(height) from \(image.width)x\(image.height) padded by \(padding)")
        let x = Int.random(in: 0...spareX, using: &generator), y = Int.random(in: 0...spareY, using: &generator)
        return image.cropped(x: x, y: y, width: width, height: height, padding: padding, fill: fill)
    }
}

/// Adds a brightness offset drawn uniformly from `delta` to every value (Keras: `RandomBrightness`).
public struct RandomBrightness: Augmentation {
    /// The range the offset is drawn from.
    public var delta: ClosedRange<Float>

    public init(delta: ClosedRange<Float>) {
        self.delta = delta
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        image.adjustingBrightness(by: Float.random(in: delta, using: &generator))
    }
}

/// Scales each channel's spread about its mean by a factor drawn uniformly from `factors`
/// (Keras: `RandomContrast(0.2)` is factors 0.8…1.2).
public struct RandomContrast: Augmentation {
    /// The range the factor is drawn from.
    public var factors: ClosedRange<Float>

    public init(factors: ClosedRange<Float>) {
        precondition(factors.lowerBound >= 0, "contrast factors must be non-negative, got \(factors)")
        self.factors = factors
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        image.adjustingContrast(by: Float.random(in: factors, using: &generator))
    }
}
