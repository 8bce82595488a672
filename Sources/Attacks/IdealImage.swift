// The "ideal" image of a class: start from noise and run gradient descent on the pixels, with the network frozen,
// until the network is sure it sees that class. Cross-entropy alone finds a high-frequency pattern that is
// convincing to the network and meaningless to us; a total-variation term and random jitter/scale between steps
// push towards smoother, more recognisable pictures at some cost in confidence.

import ImageTensors
import Models
import Engine
import Foundation
import Imaging
import NN

/// One step of an ideal-image search, measured on the picture the network saw at that step (before the update).
public struct IdealImageStep: Sendable, Equatable, Codable {
    /// 1-based.
    public var step: Int
    /// The softmax probability of the target class.
    public var probability: Float
    /// Cross-entropy of the logits against the target class (−log probability).
    public var crossEntropy: Float
    /// `totalVariation(_:)` of the pixels.
    public var totalVariation: Float
    /// crossEntropy + weight · totalVariation: what the steps minimise.
    public var loss: Float
}

/// The outcome of an ideal-image search.
public struct IdealImageResult: Sendable {
    /// The final pixels, `[1, size, size, 3]` in [0, 1].
    public var pixels: Tensor
    /// One entry per step.
    public var history: [IdealImageStep]
    /// The target's probability for the final picture, without jitter or scale.
    public var probability: Float
    /// The total variation of the final picture.
    public var totalVariation: Float

    /// The final picture.
    public var image: Image { Image(pixels) }
}

/// Settings for gradient descent on the input of a frozen classifier towards one class
/// (the "ideal cat" of the course; feature visualisation by optimisation).
///
/// ```swift
/// let search = IdealImage(targetClass: 284, steps: 150, totalVariationWeight: 2, jitter: 8)
/// let result = search.generate(with: try EfficientNetLite0.pretrained())
/// try Data(result.image.pngData()).write(to: URL(fileURLWithPath: "siamese.png"))
/// ```
public struct IdealImage: Sendable {
    /// Where the search starts.
    public enum Start: Sendable {
        /// Grey (0.5) plus Gaussian noise of this standard deviation, clamped to [0, 1].
        case noise(standardDeviation: Float)
        /// A given picture (resized to `size` if needed).
        case image(Image)
    }

    /// The ImageNet class index to maximise.
    public var targetClass: Int
    /// The number of gradient steps.
    public var steps: Int
    /// How the pixels follow their gradient (Adam by default).
    public var optimizer: InputOptimizer
    /// How the learning rate changes over the steps (cosine decay by default).
    public var schedule: LearningRateSchedule
    /// The weight of `totalVariation(_:)` in the loss; 0 is plain cross-entropy.
    public var totalVariationWeight: Float
    /// Each step shows the network the picture shifted by up to this many pixels each way (mirrored border).
    public var jitter: Int
    /// Each step shows the network the picture zoomed by a factor drawn from this range.
    public var scales: ClosedRange<Float>
    /// The side of the square picture in pixels.
    public var size: Int
    /// The starting picture.
    public var start: Start
    /// Seeds the starting noise and the jitter.
    public var seed: UInt64

    public init(targetClass: Int, steps: Int = 100, optimizer: InputOptimizer = .adam(learningRate: 0.02),
                schedule: LearningRateSchedule = .cosine, totalVariationWeight: Float = 0, jitter: Int = 0,
                scales: ClosedRange<Float> = 1...1, size: Int = 224,
                start: Start = .noise(standardDeviation: 0.05), seed: UInt64 = 0) {
        precondition(targetClass >= 0 && steps >= 0 && totalVariationWeight >= 0 && jitter >= 0 && size > 0
                     && scales.lowerBound > 0, "invalid ideal-image settings")
        self.targetClass = targetClass
        self.steps = steps
        self.optimizer = optimizer
        self.schedule = schedule
        self.totalVariationWeight = totalVariationWeight
        self.jitter = jitter
        self.scales = scales
        self.size = size
        self.start = start
        self.seed = seed
    }

    /// The starting pixels, `[1, size, size, 3]`.
    public func startingPixels() -> Tensor {
        switch start {
        case .noise(let deviation):
            let noise = Tensor.random(normal: [1, size, size, 3], mean: 0.5, standardDeviation: deviation, seed: seed)
            return noise.clamped(min: 0, max: 1)
        case .image(let image):
            let framed = image.width == size && image.height == size
                ? image : image.centerCropped().resized(width: size, height: size)
            return Tensor(framed)
        }
    }

    /// Runs the search on a frozen copy of `model`'s weights (restored afterwards), calling `onStep` after every
    /// step, e.g. to print progress.
    public func generate(with model: some Layer, onStep: (IdealImageStep) -> Void = { _ in }) -> IdealImageResult {
        withFrozenWeights(of: model) {
            var generator = SeededGenerator(seed: seed &+ 0x1DEA)
            var pixels = startingPixels()
            var optimizerState = InputOptimizerState(optimizer)
            var history: [IdealImageStep] = []
            let transforms = jitter > 0 || scales != 1...1
            for step in stride(from: 1, through: steps, by: 1) {
                let resampling = transforms
                    ? Resampling.random(height: size, width: size, jitter: jitter, scales: scales, using: &generator)
                    : nil
                let seen = resampling?.applied(to: pixels) ?? pixels
                let target = InputGradient(model: model, pixels: seen) {
                    crossEntropy(logits: $0, labels: [targetClass])
                }
                var gradient = resampling?.transposed(target.gradient) ?? target.gradient
                let smoothness = totalVariationAndGradient(pixels)
                if totalVariationWeight > 0 { gradient = gradient + totalVariationWeight * smoothness.gradient }
                let entry = IdealImageStep(step: step, probability: target.probabilities[targetClass],
                                           crossEntropy: target.loss, totalVariation: smoothness.value,
                                           loss: target.loss + totalVariationWeight * smoothness.value)
                history.append(entry)
                onStep(entry)
                pixels = optimizerState.updated(pixels, gradient: gradient,
                                                rateScale: schedule.factor(step: step, of: steps))
            }
            let final = withoutGradients { softmax(model(pixels)).scalars[targetClass] }
            return IdealImageResult(pixels: pixels, history: history, probability: final,
                                    totalVariation: totalVariation(pixels).scalar)
        }
    }
}

/// `totalVariation(pixels)` and its gradient with respect to the pixels.
func totalVariationAndGradient(_ pixels: Tensor) -> (value: Float, gradient: Tensor) {
    let leaf = pixels.detached().requiringGradient()
    let value = totalVariation(leaf)
    return (value.scalar, value.gradient(for: leaf))
}
