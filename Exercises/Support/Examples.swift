/// A picture with its label as a probability per class (a one-hot vector for a plain example),
/// what MixUp and CutMix blend: both the pixels and the label.
public struct LabelledPicture: Equatable, Sendable, CustomStringConvertible {
    public var picture: Picture
    /// One value per class, summing to 1.
    public var label: [Float]

    public init(picture: Picture, label: [Float]) {
        self.picture = picture
        self.label = label
    }

    public var description: String { "\(picture) labelled \(label)" }
}

/// A rectangle of pixels: columns `x ..< x + width`, rows `y ..< y + height`.
/// It may hang over the edge of a picture; only its part inside the picture counts.
public struct Box: Equatable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var description: String { "Box(x: \(x), y: \(y), width: \(width), height: \(height))" }
}

/// What Adam remembers between steps for one parameter vector (PyTorch: `optimizer.state[p]`).
public struct AdamState: Equatable, Sendable {
    /// The running mean of the gradients, m (PyTorch: `exp_avg`), one per parameter.
    public var firstMoment: [Float]
    /// The running mean of the squared gradients, v (PyTorch: `exp_avg_sq`), one per parameter.
    public var secondMoment: [Float]
    /// How many steps have been taken; 0 before the first.
    public var step: Int

    /// The state before the first step: both moments zero.
    public init(parameterCount: Int) {
        self.firstMoment = [Float](repeating: 0, count: parameterCount)
        self.secondMoment = [Float](repeating: 0, count: parameterCount)
        self.step = 0
    }

    public init(firstMoment: [Float], secondMoment: [Float], step: Int) {
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }
}

/// What early stopping decided after watching a run's validation losses.
public struct EarlyStoppingOutcome: Equatable, Sendable, CustomStringConvertible {
    /// The epoch (0-based) after which training stops, or nil when it runs every epoch.
    public var stoppedAfterEpoch: Int?
    /// The epoch (0-based) whose weights are restored: the last one that counted as an improvement.
    public var bestEpoch: Int

    public init(stoppedAfterEpoch: Int?, bestEpoch: Int) {
        self.stoppedAfterEpoch = stoppedAfterEpoch
        self.bestEpoch = bestEpoch
    }

    public var description: String {
        "stopped after epoch \(stoppedAfterEpoch.map(String.init) ?? "nil (never)"), best epoch \(bestEpoch)"
    }
}
