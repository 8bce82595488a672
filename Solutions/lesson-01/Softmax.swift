import ExerciseSupport
import Foundation

/// Lesson 01 · Softmax
///
/// Turns the network's 1000 logits into probabilities: p[i] = exp(z[i]) / sum over j of exp(z[j]).
/// Logits can be large (a confident network gives 30 or more, a bad input 1000), and exp(1000) is
/// infinity in Float: subtract the largest logit first. That changes nothing mathematically
/// (the factor exp(-max) cancels) and keeps every exp(...) at most 1.
///
/// Example: softmax([1, 2, 3]) ≈ [0.090, 0.245, 0.665].
///
/// - Parameter logits: at least one value.
/// - Returns: as many probabilities, each in [0, 1], summing to 1.
public func softmax(_ logits: [Float]) -> [Float] {
    let largest = logits.max() ?? 0
    let exponentials = logits.map { exp($0 - largest) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
}
