import ExerciseSupport
import Foundation

/// Lesson 05 · The gradient that starts an attack
///
/// To push the network towards class `target` we differentiate the cross-entropy loss
/// -log softmax(z)[target] with respect to the logits z. The result is famously simple:
/// softmax(z) minus the one-hot vector of `target`. Backpropagating it through the network gives
/// the gradient with respect to the pixels that FGSM uses. Keep the softmax stable (subtract the
/// largest logit before exp), since logits can be large.
///
/// Example: logits [0, 0], target 1 → [0.5, -0.5].
///
/// - Parameters:
///   - logits: one per class.
///   - target: the class we want, in 0..<logits.count.
/// - Returns: d loss / d logits, one per class; the values sum to 0.
public func crossEntropyGradient(logits: [Float], target: Int) -> [Float] {
    let largest = logits.max() ?? 0
    let exponentials = logits.map { exp($0 - largest) }
    let total = exponentials.reduce(0, +)
    var gradient = exponentials.map { $0 / total }
    gradient[target] -= 1
    return gradient
}
