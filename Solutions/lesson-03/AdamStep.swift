import ExerciseSupport
import Foundation

/// Lesson 03 · One Adam step
///
/// Fine-tuning uses Adam with a small learning rate (1e-5 in the lesson). Take one step exactly as
/// PyTorch's `torch.optim.Adam` does (no weight decay), for every parameter i:
///   t = step + 1
///   m[i] = beta1 * m[i] + (1 - beta1) * g[i]
///   v[i] = beta2 * v[i] + (1 - beta2) * g[i]²
///   mHat = m[i] / (1 - beta1^t),  vHat = v[i] / (1 - beta2^t)   (bias correction: m and v start at 0)
///   p[i] -= learningRate * mHat / (sqrt(vHat) + epsilon)
/// and store t, m and v back into `state`.
///
/// Example: the very first step moves every parameter with a non-zero gradient by about
/// learningRate against the sign of its gradient, whatever the gradient's size.
///
/// - Parameters:
///   - parameters: the weights, updated in place.
///   - gradients: d loss / d parameters, same count.
///   - state: the moments and step count, updated in place.
///   - learningRate: the step size, e.g. 1e-3.
///   - beta1: decay of the first moment, PyTorch's default 0.9.
///   - beta2: decay of the second moment, PyTorch's default 0.999.
///   - epsilon: keeps the division finite, PyTorch's default 1e-8.
public func adamStep(parameters: inout [Float], gradients: [Float], state: inout AdamState,
                     learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
    state.step += 1
    let correction1 = 1 - pow(beta1, Float(state.step))
    let correction2 = 1 - pow(beta2, Float(state.step))
    for i in parameters.indices {
        let gradient = gradients[i]
        state.firstMoment[i] = beta1 * state.firstMoment[i] + (1 - beta1) * gradient
        state.secondMoment[i] = beta2 * state.secondMoment[i] + (1 - beta2) * gradient * gradient
        let mHat = state.firstMoment[i] / correction1
        let vHat = state.secondMoment[i] / correction2
        parameters[i] -= learningRate * mHat / (sqrt(vHat) + epsilon)
    }
}
