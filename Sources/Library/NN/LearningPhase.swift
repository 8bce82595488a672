// Dropout, drop-connect and BatchNorm behave differently while training. Rather than a flag on every layer that
// callers must remember to flip (and forget to flip back), the phase is a scoped, task-local context.

/// Whether layers behave as in training (dropout active, BatchNorm on batch statistics) or in inference
/// (PyTorch: `model.train()` / `model.eval()`; Swift for TensorFlow: `Context.local.learningPhase`).
public enum LearningPhase: Sendable {
    case training, inference

    /// The phase in effect on this task or thread; inference unless inside `withLearningPhase(.training)`.
    @TaskLocal public static var current: LearningPhase = .inference
}

/// Runs `body` with `phase` in effect for the layers it calls.
public func withLearningPhase<T>(_ phase: LearningPhase, _ body: () throws -> T) rethrows -> T {
    try LearningPhase.$current.withValue(phase, operation: body)
}
