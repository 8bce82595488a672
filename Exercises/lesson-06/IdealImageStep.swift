import ExerciseSupport

/// Lesson 06 · One step towards the ideal cat
///
/// The lesson's optimization loop, one step of plain gradient descent on the image itself, with a
/// total-variation penalty that keeps it smooth:
///   next = image - learningRate * (classGradient + tvWeight * totalVariationGradient(image))
/// then clip every value into [0, 1] so it stays a picture. `classGradient` is d CE(f(image), cat) /
/// d image from the network. You may call your `totalVariationGradient(_:)`.
///
/// Example: with tvWeight 0 this is image - learningRate * classGradient, clipped.
///
/// - Parameters:
///   - image: the current image, values in [0, 1].
///   - classGradient: the gradient of the class loss, same shape.
///   - tvWeight: how much smoothness matters, at least 0 (the lesson compares 0.01 ... 1).
///   - learningRate: the step size.
/// - Returns: the next image, same shape, values in [0, 1].
public func idealImageStep(_ image: Picture, classGradient: Picture, tvWeight: Float, learningRate: Float) -> Picture {
    // TODO: combine both gradients, step against them, clip to [0, 1].
    todo("idealImageStep(_:classGradient:tvWeight:learningRate:)")
}
