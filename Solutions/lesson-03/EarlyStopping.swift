import ExerciseSupport

/// Lesson 03 · Early stopping
///
/// Keras's `EarlyStopping(monitor="val_loss", patience:, min_delta:, restore_best_weights=True)`,
/// replayed over a finished list of validation losses, one per epoch (epoch 0 first):
/// - an epoch is an improvement when its loss < best - minDelta (best starts at +infinity, so
///   epoch 0 always improves); an improvement sets best to that loss and resets the wait to 0;
/// - any other epoch adds 1 to the wait; when the wait reaches `patience`, training stops after
///   that epoch;
/// - the weights restored are those of the last improvement.
///
/// Example: losses [1.0, 0.8, 0.85, 0.9, 0.7], patience 2, minDelta 0
///   → stopped after epoch 3, best epoch 1 (epoch 4 is never run).
///
/// - Parameters:
///   - validationLosses: at least one loss.
///   - patience: epochs without improvement to tolerate, at least 1.
///   - minDelta: how much lower a loss must be to count, at least 0 (the seed uses 0.001).
/// - Returns: when training stops (nil: it runs every epoch) and which epoch's weights to keep.
public func earlyStopping(validationLosses: [Float], patience: Int, minDelta: Float) -> EarlyStoppingOutcome {
    var best = Float.infinity
    var bestEpoch = 0
    var wait = 0
    for (epoch, loss) in validationLosses.enumerated() {
        if loss < best - minDelta {
            best = loss
            bestEpoch = epoch
            wait = 0
        } else {
            wait += 1
            if wait >= patience { return EarlyStoppingOutcome(stoppedAfterEpoch: epoch, bestEpoch: bestEpoch) }
        }
    }
    return EarlyStoppingOutcome(stoppedAfterEpoch: nil, bestEpoch: bestEpoch)
}
