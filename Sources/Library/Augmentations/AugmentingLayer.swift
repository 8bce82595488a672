// Augmentation during training, as a layer in front of the model (Keras: `RandomFlip` and `RandomTranslation`
// layers before the base): in the training phase every batch is augmented afresh before it reaches the model; in
// inference the pictures pass unchanged. So any `Trainer` augments without knowing about it, and evaluation sees
// the real pictures.

import Engine
import NN

/// A model preceded by an augmentation that acts only in the training phase.
///
/// ```swift
/// let augmented = AugmentingLayer(model, augmentation: Pipeline([RandomHorizontalFlip(),
///                                                               RandomCrop(width: 112, height: 112, padding: 8)]))
/// try Trainer(model: augmented, optimizer: Adam(learningRate: 1e-4)).fit(pixels, epochs: 8)
/// ```
/// Concretely: `[N, H, W, 3]` pixels in [0, 1] → what `model` returns.
public final class AugmentingLayer: Layer {
    /// The model the augmented pictures go to; its parameters are this layer's.
    public let model: any Layer
    /// The transform applied to each training picture (it must keep the size).
    public let augmentation: any Augmentation
    private var generator: SeededGenerator

    /// `model` with `augmentation` in front of it while training; `seed` fixes the random draws.
    public init(_ model: any Layer, augmentation: any Augmentation, seed: UInt64 = 0) {
        self.model = model
        self.augmentation = augmentation
        generator = SeededGenerator(seed: seed)
    }

    /// The model's own sub-layers, so names and parameters are unchanged.
    public var sublayers: [(name: String, layer: any Layer)] { model.sublayers }
    /// The model's own parameters.
    public var ownParameters: [(name: String, parameter: Parameter)] { model.ownParameters }

    /// The model applied to augmented pixels in the training phase, to `pixels` as they are otherwise.
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        guard LearningPhase.current == .training else { return model(pixels) }
        return model(augmentation(pixels.detached(), using: &generator))
    }
}
