import ExerciseSupport

/// Lesson 07 · Weight average (SWA)
///
/// Stochastic weight averaging keeps the mean of the weights of several epochs without storing them: when the
/// average already holds `count` snapshots, adding the weights w gives
///   average' = average + (w − average) / (count + 1)
/// which is exactly (w₁ + … + w_count + w) / (count + 1).
///
/// Example: average [2, 4] of 1 snapshot, new weights [4, 0]: [2 + 2/2, 4 − 4/2] = [3, 2].
///
/// - Parameters:
///   - average: the current average (ignored when count is 0), as many values as `weights`.
///   - weights: the new snapshot.
///   - count: how many snapshots `average` holds already, 0 or more.
/// - Returns: the average of count + 1 snapshots.
public func updatedAverage(_ average: [Float], with weights: [Float], count: Int) -> [Float] {
    // TODO: move each value of the average towards the new weight by 1 / (count + 1).
    todo("updatedAverage(_:with:count:)")
}
