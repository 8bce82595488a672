import ExerciseSupport
import TransferLab

/// Lesson 01 · Lab: classify a photo with the real Lite0
///
/// The whole path from a photo file to "tabby 53%", on the real pretrained network: frame the photo the way the
/// model was trained (the largest centered square, resized to 224×224; a photo already 224×224 is used as is),
/// turn it into a `[1, 224, 224, 3]` tensor of pixels in [0, 1], run the model in inference without recording
/// gradients, and turn the 1000 logits into probabilities. (The model applies its own normalization,
/// (255·p − 127)/128, to the pixels it is given: do not normalize twice.)
///
/// Write it yourself from the pieces of lesson 1 — `centerCropped()`, `resized(width:height:)`, `Tensor(_:)`,
/// `withoutGradients { }`, `softmax(_:)` — rather than calling `model.classify(_:)`, which is what the grader
/// compares you with, on every photo of Assets/photos and on pictures of odd sizes.
///
/// Example: chelsea.png (451×300) → probabilities whose largest is class 285, "Egyptian cat".
///
/// - Parameters:
///   - photo: a photo of any size, RGB in [0, 1].
///   - model: the pretrained EfficientNet-Lite0 (`model.preprocessing.inputSize` is 224).
/// - Returns: 1000 probabilities, one per ImageNet class, summing to 1.
public func classProbabilities(of photo: Image, with model: EfficientNetLite0) -> [Float] {
    let size = model.preprocessing.inputSize
    let framed = photo.width == size && photo.height == size
        ? photo : photo.centerCropped().resized(width: size, height: size)
    let logits = withoutGradients { model(Tensor(framed)) }
    return softmax(logits).scalars
}
