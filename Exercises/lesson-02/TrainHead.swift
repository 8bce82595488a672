import ExerciseSupport
import TransferLab

/// Lesson 02 · Lab: a new head on frozen Lite0 features
///
/// Transfer learning at its cheapest: the frozen pretrained network has already turned every picture into a
/// 1280-number embedding (global-average-pooled, as in the lesson), and only a new classifier on top — the
/// "head" — is trained. Make a `Dense` layer from the embedding size to `classCount` logits and train it with
/// the library's `Trainer` (cross-entropy, `Adam`) on `features`.
///
/// The grader gives you real embeddings: Lite0 features of a few Fashion-MNIST pictures per class (gray copied
/// to RGB, 112×112). Then it measures your head on pictures it held back, which you never see: its test
/// accuracy must reach a stated bar, a little below what the lesson's own head reaches.
///
/// Example: 20 pictures per class (200 embeddings), Adam 10⁻³ for 60 epochs → 76% test accuracy on 10 classes.
///
/// - Parameters:
///   - features: `[N, 1280]` embeddings with their class labels.
///   - classCount: the number of classes (labels are 0..<classCount).
/// - Returns: the trained head: `[N, 1280]` embeddings → `[N, classCount]` logits.
public func trainedHead(on features: TensorDataset, classCount: Int) -> any Layer {
    // TODO: make a Dense head (embedding size → classCount) and fit it with a Trainer and Adam.
    todo("trainedHead(on:classCount:)")
}
