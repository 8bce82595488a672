// Knowledge distillation (Hinton, Vinyals and Dean 2015): a small student learns from a large teacher's full
// probability vector, softened by a temperature T, not only from the one-hot label. Dividing logits by T > 1
// spreads the probabilities so the teacher's "this sneaker looks a bit like a sandal" reaches the student; the
// soft term's gradients shrink like 1/T², so it is multiplied by T² to keep its weight independent of T.

import Engine
import Foundation

/// The distillation loss of a batch: softWeight · T² · KL(teacher_T ‖ student_T) + (1 − softWeight) · CE(student,
/// labels), where x_T = softmax(logits / T) (Hinton et al. 2015; PyTorch:
/// `T*T * F.kl_div(F.log_softmax(s/T), F.softmax(t/T), reduction="batchmean")` mixed with `F.cross_entropy`).
///
/// Concretely: student and teacher logits `[N, K]`, N labels → scalar. The teacher's logits carry no gradient.
public func distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, labels: [Int], temperature: Float,
                             softWeight: Float) -> Tensor {
    precondition(temperature > 0, "the temperature must be positive, got \(temperature)")
    precondition((0...1).contains(softWeight), "softWeight must lie in [0, 1], got \(softWeight)")
    precondition(studentLogits.shape == teacherLogits.shape,
                 "student logits \(studentLogits.shape) and teacher logits \(teacherLogits.shape) differ in shape")
    let hard = crossEntropy(logits: studentLogits, labels: labels)
    guard softWeight > 0 else { return hard }
    let targets = softmax(teacherLogits.detached() / temperature)
    // KL(p ‖ q) = CE(p, q) − H(p); the entropy H(p) of the teacher is a constant for the student.
    let entropy = targets.scalars.reduce(0.0) { $1 > 0 ? $0 - Double($1) * Foundation.log(Double($1)) : $0 }
        / Double(targets.shape[0])
    let divergence = crossEntropy(logits: studentLogits / temperature, probabilities: targets) - Float(entropy)
    return divergence * (softWeight * temperature * temperature) + hard * (1 - softWeight)
}
