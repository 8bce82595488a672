import ExerciseSupport
import Foundation

/// Lesson 07 · Distillation loss
///
/// The loss of one example when a small student learns from a large teacher (Hinton et al. 2015):
///   p = softmax(teacherLogits / T), q = softmax(studentLogits / T)      (both softened by temperature T)
///   soft = T² · KL(p ‖ q) = T² · Σ p[i] · log(p[i] / q[i])              (terms with p[i] = 0 count 0)
///   hard = −log softmax(studentLogits)[label]                           (the usual cross-entropy, at T = 1)
///   loss = softWeight · soft + (1 − softWeight) · hard
/// The T² keeps the soft term's gradients the same size whatever the temperature.
///
/// Example: student [0, 0], teacher [0, 0], label 0, any T, softWeight 0.5: p = q, so soft = 0 and
/// hard = log 2 ≈ 0.693; the loss is 0.5 · 0.693 ≈ 0.3466.
///
/// - Parameters:
///   - studentLogits: the student's scores, one per class (at least one).
///   - teacherLogits: the teacher's scores, as many as the student's.
///   - label: the true class, a valid index.
///   - temperature: T > 0.
///   - softWeight: in [0, 1]; 0 is training on the labels alone.
/// - Returns: the loss, at least 0.
public func distillationLoss(studentLogits: [Float], teacherLogits: [Float], label: Int, temperature: Float,
                             softWeight: Float) -> Float {
    func softmax(_ logits: [Float]) -> [Float] {
        let largest = logits.max() ?? 0
        let e = logits.map { exp($0 - largest) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
    let p = softmax(teacherLogits.map { $0 / temperature })
    let q = softmax(studentLogits.map { $0 / temperature })
    var divergence: Float = 0
    for i in p.indices where p[i] > 0 { divergence += p[i] * log(p[i] / q[i]) }
    let hard = -log(softmax(studentLogits)[label])
    return softWeight * temperature * temperature * divergence + (1 - softWeight) * hard
}
