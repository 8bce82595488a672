// An accuracy measured on n test pictures is a proportion, and it is noisy: with n = 300 one picture is a third of
// a point, and two recipes 1.5 points apart may be the same recipe. The Wilson score interval says how far the
// true accuracy may plausibly lie from the measured one; unlike the textbook p ± z·√(p(1−p)/n) it stays inside
// [0, 1] and behaves near 0% and 100%.

import Foundation

/// The Wilson score interval of a proportion: `successes` of `trials`, at the confidence whose normal quantile
/// is `z` (1.96 for 95%). Concretely: 830 of 1000 → 0.805…0.852 (statsmodels: `proportion_confint(method="wilson")`).
public func wilsonInterval(successes: Int, trials: Int, z: Double = 1.96) -> ClosedRange<Double> {
    precondition(trials > 0 && (0...trials).contains(successes),
                 "an interval needs 0 ≤ successes ≤ trials and trials > 0, got \(successes) of \(trials)")
    let n = Double(trials), p = Double(successes) / n, z2 = z * z
    let center = (p + z2 / (2 * n)) / (1 + z2 / n)
    let halfWidth = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
    return max(0, center - halfWidth)...min(1, center + halfWidth)
}

extension Evaluation {
    /// The evaluation of `predictions` against `labels` (same length), with `loss` if it is known.
    public init(predictions: [Int], labels: [Int], loss: Double = .nan) {
        precondition(predictions.count == labels.count, "\(predictions.count) predictions for \(labels.count) labels")
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        self.init(loss: loss, accuracy: Double(correct) / Double(max(labels.count, 1)), predictions: predictions,
                  labels: labels)
    }

    /// The number of examples predicted correctly.
    public var correctCount: Int { zip(predictions, labels).filter { $0 == $1 }.count }

    /// The 95% Wilson interval of the accuracy (see `wilsonInterval(successes:trials:z:)`).
    public var accuracyInterval: ClosedRange<Double> {
        wilsonInterval(successes: correctCount, trials: max(labels.count, 1))
    }

    /// How `other`, evaluated on the same examples, differs: examples it gets right that this one got wrong
    /// (`fixed`) and the reverse (`broken`) — the counts a paired test such as McNemar's compares.
    public func changes(to other: Evaluation) -> (fixed: Int, broken: Int) {
        precondition(other.labels == labels, "the evaluations are not on the same examples")
        var fixed = 0, broken = 0
        for (index, label) in labels.enumerated() {
            let before = predictions[index] == label, after = other.predictions[index] == label
            if after && !before { fixed += 1 }
            if before && !after { broken += 1 }
        }
        return (fixed, broken)
    }
}

/// McNemar's χ² statistic (without continuity correction) for two classifiers on the same examples: `fixed` and
/// `broken` are the examples only the second, or only the first, gets right (see `Evaluation.changes(to:)`).
/// Above 3.84 the two differ at the 95% level (one degree of freedom).
public func mcNemarStatistic(_ changes: (fixed: Int, broken: Int)) -> Double {
    let discordant = changes.fixed + changes.broken
    guard discordant > 0 else { return 0 }
    let difference = Double(changes.fixed - changes.broken)
    return difference * difference / Double(discordant)
}
