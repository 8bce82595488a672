import ExerciseSupport
import TransferLab

/// Lesson 05 · Lab: a targeted attack on the real Lite0
///
/// Change a real photo so little that nobody could see it, until the real pretrained network calls it `target`.
/// Projected gradient descent in pixel space, as in the lesson: freeze the model (its weights need no
/// gradients), then repeat — make the pixels a gradient leaf (`requiringGradient()`), take the cross-entropy of
/// the logits towards `target`, get its gradient with respect to the pixels, step every value *against* the
/// sign of its gradient, and project back: into the ε-box around the photo and into [0, 1].
///
/// The grader saves your picture as an 8-bit PNG, reads it back, and asks the network: the target must be its
/// top-1 answer, and no value may differ from the photo's by more than ε. A picture that only just fools the
/// network can stop fooling it when its values are rounded to 8-bit levels: round every iterate to the nearest
/// level yourself (the photo is already on that grid), or keep going until the target wins clearly.
///
/// Example: giraffe.jpg with target 951 (lemon) and ε = 2/255: one FGSM step is not enough; PGD with steps of
/// 1/255 gets there in about 25.
///
/// - Parameters:
///   - photo: `[1, 224, 224, 3]` pixels in [0, 1], on the 8-bit grid (multiples of 1/255).
///   - target: the ImageNet class the network must answer.
///   - epsilon: the L∞ budget in pixel units, e.g. 2/255.
///   - model: the pretrained EfficientNet-Lite0 (yours to freeze).
/// - Returns: the adversarial pixels, same shape, within ε of `photo`, in [0, 1].
public func targetedAttack(on photo: Tensor, target: Int, epsilon: Float, model: EfficientNetLite0) -> Tensor {
    model.freeze()
    let stepSize: Float = 1 / 255
    var adversarial = photo
    for _ in 0..<60 {
        let pixels = adversarial.requiringGradient()
        let logits = model(pixels)
        // Stop once the target wins with a margin that no rounding can undo.
        if softmax(logits.detached()).scalars[target] > 0.6 { break }
        let gradient = crossEntropy(logits: logits, labels: [target]).gradient(for: pixels)
        var values = adversarial.scalars
        for i in values.indices {
            let step: Float = gradient.scalars[i] > 0 ? -stepSize : (gradient.scalars[i] < 0 ? stepSize : 0)
            let lowest = max(photo.scalars[i] - epsilon, 0), highest = min(photo.scalars[i] + epsilon, 1)
            // Into the box, then onto the nearest 8-bit level (which stays in the box: its ends are levels).
            values[i] = (min(max(values[i] + step, lowest), highest) * 255).rounded() / 255
        }
        adversarial = Tensor(shape: photo.shape, scalars: values)
    }
    return adversarial
}
