import ExerciseSupport
import Foundation

/// Lesson 03 · Warm-up then cosine decay
///
/// The learning rate for optimizer step `step` (0-based) of a run of `totalSteps`:
/// - warm-up, step < warmupSteps: rise linearly from 0, peak * step / warmupSteps;
/// - then decay along half a cosine from `peak` down to `floor`:
///   progress = (step - warmupSteps) / (totalSteps - warmupSteps), capped at 1,
///   rate = floor + (peak - floor) * (1 + cos(pi * progress)) / 2.
/// A run without warm-up (warmupSteps 0) starts right at `peak`.
///
/// Example: peak 0.1, floor 0, warmupSteps 2, totalSteps 6 gives
///   steps 0...6 → 0, 0.05, 0.1, 0.0854, 0.05, 0.0146, 0.
///
/// - Parameters:
///   - step: the step about to be taken, at least 0 (may run past totalSteps: then `floor`).
///   - totalSteps: greater than warmupSteps.
///   - warmupSteps: at least 0.
///   - peak: the largest learning rate.
///   - floor: the smallest learning rate, reached at totalSteps.
/// - Returns: the learning rate.
public func warmupCosineLearningRate(step: Int, totalSteps: Int, warmupSteps: Int,
                                     peak: Float, floor: Float) -> Float {
    if step < warmupSteps {
        return peak * Float(step) / Float(warmupSteps)
    }
    let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
    return floor + (peak - floor) * Float((1 + cos(Double.pi * progress)) / 2)
}
