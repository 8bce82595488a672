// Splitting per class keeps every class in the same proportion in training, validation and test (a random split
// of a small dataset can leave a class almost absent from the test set). Everything is seeded.

import Engine

/// Example positions for training, validation and test.
public struct DataSplit: Sendable, Equatable {
    /// Positions of the training examples.
    public let training: [Int]
    /// Positions of the validation examples.
    public let validation: [Int]
    /// Positions of the test examples.
    public let test: [Int]

    /// A stratified, seeded split: within each class the examples are shuffled and cut by `fractions`
    /// (seed 002's 70/15/15 by default; scikit-learn: `train_test_split(stratify=labels)` twice). Each part is
    /// sorted by position.
    public init(labels: [Int], fractions: (training: Double, validation: Double) = (0.7, 0.15), seed: UInt64) {
        precondition(fractions.training > 0 && fractions.validation >= 0 && fractions.training + fractions.validation
                     <= 1, "fractions must be positive and sum to at most 1, got \(fractions)")
        var generator = SeededGenerator(seed: seed)
        var training: [Int] = [], validation: [Int] = [], test: [Int] = []
        for members in Self.members(of: labels) {
            var shuffled = members
            shuffled.shuffle(using: &generator)
            let trainCount = Int((Double(shuffled.count) * fractions.training).rounded())
            let validationCount = min(Int((Double(shuffled.count) * fractions.validation).rounded()),
                                      shuffled.count - trainCount)
            training += shuffled[..<trainCount]
            validation += shuffled[trainCount..<(trainCount + validationCount)]
            test += shuffled[(trainCount + validationCount)...]
        }
        self.training = training.sorted()
        self.validation = validation.sorted()
        self.test = test.sorted()
    }

    /// The positions of each class's examples, by label (labels that never occur give empty lists).
    static func members(of labels: [Int]) -> [[Int]] {
        var members = [[Int]](repeating: [], count: (labels.max() ?? -1) + 1)
        for (index, label) in labels.enumerated() { members[label].append(index) }
        return members
    }
}

/// `perClass` examples of every class, chosen at random (seeded) from `candidates` (all positions when nil),
/// e.g. a few-shot training set. Classes with fewer candidates contribute all they have. Sorted by position.
public func balancedSample(labels: [Int], perClass: Int, from candidates: [Int]? = nil, seed: UInt64) -> [Int] {
    precondition(perClass >= 0, "cannot take \(perClass) examples per class")
    var generator = SeededGenerator(seed: seed)
    let pool = candidates ?? Array(labels.indices)
    var byClass = [[Int]](repeating: [], count: (labels.max() ?? -1) + 1)
    for index in pool { byClass[labels[index]].append(index) }
    var chosen: [Int] = []
    for var members in byClass {
        members.shuffle(using: &generator)
        chosen += members.prefix(perClass)
    }
    return chosen.sorted()
}
