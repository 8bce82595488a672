import ExerciseSupport

/// Lesson 04 · MixUp
///
/// MixUp (Zhang et al., 2018) trains on blends of two examples: both the pictures and the labels
/// are mixed with the same weight, value = lambda * first + (1 - lambda) * second, value by value.
/// (In training, lambda is drawn from a Beta(alpha, alpha) distribution; here it is given.)
///
/// Example: lambda 0.7, a white cat labelled [1, 0] and a black dog labelled [0, 1]
///   → a gray picture (0.7 everywhere) labelled [0.7, 0.3].
///
/// - Parameters:
///   - first: a labelled picture.
///   - second: a labelled picture of the same shape, with a label of the same length.
///   - lambda: the weight of `first`, in [0, 1].
/// - Returns: the blend, same shape.
public func mixUp(_ first: LabelledPicture, _ second: LabelledPicture, lambda: Float) -> LabelledPicture {
    // TODO: blend the pixel values and the label values with the same lambda.
    todo("mixUp(_:_:lambda:)")
}
