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
    let smoothing = totalVariationGradient(image)
    var next = image
    for i in image.values.indices {
        let step = learningRate * (classGradient.values[i] + tvWeight * smoothing.values[i])
        next.values[i] = min(1, max(0, image.values[i] - step))
    }
    return next
}
