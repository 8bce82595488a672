// An augmentation is a value: its settings are fixed when it is made, its randomness comes from the generator
// passed to each call. So a pipeline is reproducible from one seed, can be printed, stored and shared across
// threads, and the same pipeline value serves a photo in a figure and a batch in a training loop.

import ImageTensors
import Engine
import Imaging

/// A random, label-preserving change of a picture (Keras: a `layers.Random…` preprocessing layer; torchvision: a
/// transform).
///
/// ```swift
/// let augment = Pipeline([RandomHorizontalFlip(), RandomRotation(degrees: 15), Cutout(size: 40)])
/// var generator = SeededGenerator(seed: 7)
/// let variant = augment(photo, using: &generator)
/// ```
public protocol Augmentation: Sendable {
    /// A new random variant of `image`; the same generator state gives the same variant.
    func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image
}

extension Augmentation {
    /// Each image of a `[N, H, W, 3]` batch of pixels in [0, 1] augmented independently, in order.
    /// The transform must keep the size (a `RandomCrop` to the input size does).
    public func callAsFunction(_ batch: Tensor, using generator: inout SeededGenerator) -> Tensor {
        precondition(batch.rank == 4 && batch.shape[3] == 3, "expected [N, H, W, 3] pixels, got \(batch.shape)")
        let images = (0..<batch.shape[0]).map { self(Image(batch, index: $0), using: &generator) }
        return Tensor(stacking: images)
    }

    /// The batch's images augmented, labels unchanged (these transforms preserve the class).
    public func callAsFunction(_ batch: LabelledBatch, using generator: inout SeededGenerator) -> LabelledBatch {
        LabelledBatch(images: self(batch.images, using: &generator), labels: batch.labels)
    }

    /// `count` variants of one image, e.g. for a figure.
    public func variants(of image: Image, count: Int, seed: UInt64) -> [Image] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in self(image, using: &generator) }
    }
}

/// Augmentations applied one after the other (Keras: `Sequential` of preprocessing layers; torchvision:
/// `Compose`).
public struct Pipeline: Augmentation {
    /// The augmentations, applied first to last.
    public var steps: [any Augmentation]

    public init(_ steps: [any Augmentation]) {
        self.steps = steps
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        steps.reduce(image) { $1($0, using: &generator) }
    }
}

/// Another augmentation applied with probability `probability`, otherwise the image unchanged
/// (torchvision: `RandomApply`).
public struct RandomApply: Augmentation {
    /// What is applied when the draw says so.
    public var augmentation: any Augmentation
    /// The chance of applying it, 0…1.
    public var probability: Float

    public init(_ augmentation: any Augmentation, probability: Float) {
        precondition((0...1).contains(probability), "probability must lie in [0, 1], got \(probability)")
        self.augmentation = augmentation
        self.probability = probability
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        // Always draw, so the stream of random numbers does not depend on earlier outcomes' branches.
        let draw = Float.random(in: 0..<1, using: &generator)
        return draw < probability ? augmentation(image, using: &generator) : image
    }
}

/// Images with soft labels: the input of MixUp and CutMix and of a training step.
///
/// Concretely: `images` `[N, H, W, 3]` pixels in [0, 1], `labels` `[N, K]` class probabilities (each row sums to 1).
public struct LabelledBatch: Sendable {
    /// `[N, H, W, 3]` pixels in [0, 1].
    public var images: Tensor
    /// `[N, K]` class probabilities, one row per image.
    public var labels: Tensor

    public init(images: Tensor, labels: Tensor) {
        precondition(images.rank == 4 && labels.rank == 2 && images.shape[0] == labels.shape[0],
                     "a batch needs [N, H, W, 3] images and [N, K] labels, got \(images.shape) and \(labels.shape)")
        self.images = images
        self.labels = labels
    }

    /// A batch whose labels are the one-hot rows of `classes` (each in `0..<classCount`).
    public init(images: Tensor, classes: [Int], classCount: Int) {
        self.init(images: images, labels: oneHot(classes, classCount: classCount))
    }

    /// The number of images.
    public var count: Int { images.shape[0] }
}

/// One-hot rows: `[classes.count, classCount]` with a 1 in column `classes[i]` of row i
/// (PyTorch: `F.one_hot(labels, classCount).float()`).
public func oneHot(_ classes: [Int], classCount: Int) -> Tensor {
    precondition(classes.allSatisfy { (0..<classCount).contains($0) }, "classes must lie in 0..<\(classCount)")
    var values = [Float](repeating: 0, count: classes.count * classCount)
    for (row, label) in classes.enumerated() { values[row * classCount + label] = 1 }
    return Tensor(shape: [classes.count, classCount], scalars: values)
}
