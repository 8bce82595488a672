import ExerciseSupport

/// Lesson 05 · One step of projected gradient descent (PGD)
///
/// PGD (Madry et al., 2018) repeats small FGSM-like steps and projects after each, so the result
/// stays within epsilon of the original however many steps it takes:
///   moved[i] = current[i] - stepSize * sign(g[i])   (sign(0) = 0)
///   next = projected(moved, around: original, epsilon: epsilon)
/// You may call your `projected(_:around:epsilon:)`.
///
/// Example: current [0.55], original [0.5], gradient [-1], stepSize 0.1, epsilon 0.08 → [0.58].
///
/// - Parameters:
///   - current: the image after the previous steps.
///   - original: the unmodified image, values in [0, 1].
///   - gradient: d loss / d current, towards the wanted class.
///   - stepSize: how far each value moves this step, e.g. 0.5/255.
///   - epsilon: the total budget per value, e.g. 8/255.
/// - Returns: the next image.
public func pgdStep(_ current: [Float], original: [Float], gradient: [Float],
                    stepSize: Float, epsilon: Float) -> [Float] {
    // TODO: take a signed step of stepSize, then project.
    todo("pgdStep(_:original:gradient:stepSize:epsilon:)")
}
