// Ideal images and adversarial attacks share one move: hold the network fixed and differentiate a loss with respect
// to the *input pixels*. The pixels are in [0, 1]; the model normalizes them itself, so the gradient flows through
// the normalization and steps are in pixel units (1/255 is one 8-bit level).

import Engine
import Foundation
import NN

/// The network's logits for `pixels`, a loss computed from them, and d loss / d pixels.
struct InputGradient {
    let logits: Tensor
    let loss: Float
    let gradient: Tensor

    /// Runs `model` on `pixels` `[1, H, W, 3]` and differentiates `loss(logits)` with respect to the pixels.
    init(model: some Layer, pixels: Tensor, loss: (Tensor) -> Tensor) {
        let input = pixels.detached().requiringGradient()
        let logits = model(input)
        let value = loss(logits)
        self.logits = logits.detached()
        self.loss = value.scalar
        self.gradient = value.gradient(for: input)
    }

    /// Softmax probabilities of the logits' single row.
    var probabilities: [Float] { softmax(logits).scalars }
}

/// Runs `body` with every weight of `model` frozen, then restores which weights were trainable. Freezing keeps the
/// backward pass from computing weight gradients nobody needs (about half its cost).
func withFrozenWeights<T>(of model: some Layer, _ body: () throws -> T) rethrows -> T {
    let trainable = model.trainableParameters
    trainable.forEach { $0.isTrainable = false }
    defer { trainable.forEach { $0.isTrainable = true } }
    return try body()
}
