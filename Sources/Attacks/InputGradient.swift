// Ideal images and adversarial attacks share one move: hold the network fixed and differentiate a loss with respect
// to the *input pixels*. The pixels are in [0, 1]; the model normalises them itself, so the gradient flows through
// the normalisation and steps are in pixel units (1/255 is one 8-bit level).

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

/// How pixels are updated from their gradient.
public enum InputOptimizer: Sendable, Equatable {
    /// Adam (β₁ 0.9, β₂ 0.999, ε 1e-8): every pixel moves about `learningRate` per step whatever the gradient's
    /// scale, which suits a loss whose gradient shrinks by orders of magnitude as the target probability nears 1.
    case adam(learningRate: Float)
    /// Plain gradient descent, x ← x − learningRate·g.
    case gradientDescent(learningRate: Float)
}

/// How the learning rate changes over the steps of an input optimisation.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate every step.
    case constant
    /// From the full rate down to zero along half a cosine (Loshchilov & Hutter 2017). Adam moves every pixel by
    /// about the learning rate each step, so a constant rate leaves the picture jittering by that much around
    /// the optimum; the decay lets it settle, which matters most with a total-variation term.
    case cosine

    /// The factor for step `step` (1-based) of `count`.
    public func factor(step: Int, of count: Int) -> Float {
        switch self {
        case .constant: return 1
        case .cosine: return Float(0.5 * (1 + Foundation.cos(Double.pi * Double(step - 1) / Double(max(count, 1)))))
        }
    }
}

/// The running state of an `InputOptimizer` for one tensor.
struct InputOptimizerState {
    let optimizer: InputOptimizer
    private var m: [Float] = [], v: [Float] = []
    private var step = 0

    init(_ optimizer: InputOptimizer) { self.optimizer = optimizer }

    /// `x` moved against `gradient` by one step with the learning rate times `rateScale`, clamped to [0, 1].
    mutating func updated(_ x: Tensor, gradient: Tensor, rateScale: Float = 1) -> Tensor {
        var values = x.scalars
        let g = gradient.scalars
        switch optimizer {
        case .gradientDescent(let baseRate):
            let rate = baseRate * rateScale
            for i in values.indices { values[i] -= rate * g[i] }
        case .adam(let baseRate):
            let rate = baseRate * rateScale
            if m.isEmpty { (m, v) = ([Float](repeating: 0, count: g.count), [Float](repeating: 0, count: g.count)) }
            step += 1
            let (beta1, beta2): (Float, Float) = (0.9, 0.999)
            let correction1 = 1 - Foundation.pow(beta1, Float(step))
            let correction2 = 1 - Foundation.pow(beta2, Float(step))
            for i in values.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                values[i] -= rate * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + 1e-8)
            }
        }
        for i in values.indices { values[i] = Swift.min(Swift.max(values[i], 0), 1) }
        return Tensor(shape: x.shape, scalars: values)
    }
}
