import ExerciseSupport
import TransferLab

/// Lesson 04 · Lab: an augmentation pipeline for clothes
///
/// Build, from the library's augmentations (`Pipeline`, `RandomCrop`, `RandomRotation`, `RandomZoom`,
/// `RandomBrightness`, `Cutout`, …), a pipeline for 28×28 Fashion-MNIST photos (gray, copied to three channels)
/// that a network can be trained with. It must
///   - keep every picture 28×28 with values in [0, 1], and actually change it;
///   - keep the label: a shoe must still look like a shoe (a network trained on unchanged photos is shown your
///     changed validation photos, and must recognize nearly as many as the unchanged ones);
///   - fight overfitting: the grader trains the same small network twice on 200 photos, without and with your
///     pipeline, and the gap between training and validation accuracy must shrink, without losing validation
///     accuracy.
/// Think about the task: every shoe in Fashion-MNIST points left, and the photos are centered and upright.
///
/// Example: a random shift of up to 2 pixels and a turn of up to 8° — the lesson's pipeline — passes.
///
/// - Returns: the augmentation applied to every training batch.
public func clothesAugmentation() -> any Augmentation {
    Pipeline([RandomCrop(width: 28, height: 28, padding: 2), RandomRotation(degrees: 8, fill: .constant(0))])
}
