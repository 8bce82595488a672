import ExerciseSupport
import TransferLab

/// Lesson 06 · Lab: a smooth ideal image on the real Lite0
///
/// Grow, from gray noise, a `size`×`size` picture that the real pretrained network is sure shows class
/// `target` — and that is smooth rather than noise. Gradient descent on the pixels with the network frozen:
/// the loss is the cross-entropy towards `target` plus λ times `totalVariation(_:)` of the pixels (lesson 6:
/// the total variation divided by the number of values, so λ in the hundreds or thousands matters).
///
/// The library's pieces fit together: the picture can be a `Parameter` (a trainable tensor), `Adam` updates it
/// from `loss.gradients(for: [picture.value])`, and `clamped(min:max:)` keeps it in [0, 1] after each step.
/// Freeze the model first: its weights need no gradients.
///
/// The grader picks the class and the size, and asks for two things at once: probability ≥ 0.9 for the
/// target, and a total variation below a bound that the plain (λ = 0) ideal image exceeds several times over.
///
/// Example: target 11 (goldfinch), size 128, 100 Adam steps with λ = 1000 → p(goldfinch) ≈ 0.95, TV ≈ 0.012;
/// without the TV term (λ = 0) TV is about 0.23.
///
/// - Parameters:
///   - target: the ImageNet class to draw.
///   - size: the side of the square picture in pixels.
///   - model: the pretrained EfficientNet-Lite0 (yours to freeze).
/// - Returns: `[1, size, size, 3]` pixels in [0, 1].
public func smoothIdealImage(of target: Int, size: Int, model: EfficientNetLite0) -> Tensor {
    // TODO: Adam steps on the pixels against cross-entropy + λ · total variation, clamped to [0, 1].
    todo("smoothIdealImage(of:size:model:)")
}
