// Adversarial examples (Szegedy et al. 2014; Goodfellow et al. 2015; Madry et al. 2018): a change to a photo so
// small a person cannot see it, which changes the network's answer. The change is bounded in L∞: no pixel value
// moves by more than ε, counted in pixel units (ε = 2/255 is two 8-bit levels).
//
// Every iterate is kept on the 8-bit grid inside the ε-box, so the picture the attack evaluates is exactly the one
// a PNG stores: saving and reloading the result cannot undo it.

import ImageTensors
import Engine
import Foundation
import Imaging
import NN

/// What the attack wants the network to do.
public enum AttackGoal: Sendable, Equatable {
    /// Anything but `trueClass`: ascend the cross-entropy of the true class.
    case untargeted(trueClass: Int)
    /// Say `target`: descend the cross-entropy of the target class.
    case targeted(Int)

    /// The class whose cross-entropy the attack follows.
    public var lossClass: Int {
        switch self {
        case .untargeted(let trueClass): return trueClass
        case .targeted(let target): return target
        }
    }

    /// Whether a prediction with this top-1 class meets the goal.
    public func isMet(byTop1 index: Int) -> Bool {
        switch self {
        case .untargeted(let trueClass): return index != trueClass
        case .targeted(let target): return index == target
        }
    }

    /// How well `probabilities` meet the goal: the target's probability, or minus the true class's.
    func score(_ probabilities: [Float]) -> Float {
        switch self {
        case .untargeted(let trueClass): return -probabilities[trueClass]
        case .targeted(let target): return probabilities[target]
        }
    }

    /// +1 to ascend the loss (untargeted), −1 to descend it (targeted).
    var direction: Float {
        if case .untargeted = self { return 1 }
        return -1
    }
}

/// How the perturbation is found.
public enum AttackMethod: Sendable, Equatable {
    /// Fast Gradient Sign Method: one step of exactly ε along the sign of the gradient (Goodfellow et al. 2015).
    case fgsm
    /// Projected Gradient Descent: `steps` sign steps of `stepSize`, each followed by projection back into the
    /// ε-box and [0, 1] (Madry et al. 2018); optionally from a random point of the box. The result is the best
    /// iterate (highest target probability, or lowest true-class probability), since fixed-size sign steps can
    /// oscillate around the optimum.
    case pgd(steps: Int, stepSize: Float, randomStart: Bool)
}

/// One iterate of an attack, measured before its update.
public struct AttackStep: Sendable, Equatable {
    /// 1-based.
    public var step: Int
    /// The probability of the goal's class: the target (targeted) or the true class (untargeted).
    public var probability: Float
    /// The class the network currently ranks first.
    public var top1: Int
}

/// The outcome of an attack.
public struct AttackResult: Sendable {
    /// What the attack aimed for.
    public var goal: AttackGoal
    /// The L∞ budget, in pixel units.
    public var epsilon: Float
    /// The input, `[1, H, W, 3]` pixels in [0, 1].
    public var original: Tensor
    /// The adversarial pixels: within `epsilon` of the original, in [0, 1], on the 8-bit grid.
    public var adversarial: Tensor
    /// One entry per gradient step.
    public var history: [AttackStep]
    /// Softmax probabilities of the original picture (1000 for ImageNet).
    public var originalProbabilities: [Float]
    /// Softmax probabilities of the adversarial picture.
    public var adversarialProbabilities: [Float]

    /// The adversarial picture (what `pngData()` stores exactly).
    public var adversarialImage: Image { Image(adversarial) }

    /// The class the network ranks first for the adversarial picture.
    public var adversarialTop1: Int { argmax(adversarialProbabilities) }

    /// Whether the adversarial picture meets the goal.
    public var succeeded: Bool { goal.isMet(byTop1: adversarialTop1) }

    /// The largest change of any value, in pixel units (≤ ε).
    public var largestChange: Float { adversarial.maxAbsoluteDifference(to: original) }

    /// The perturbation made visible: each value is 0.5 + `amplification`·δ, clamped to [0, 1], so gray is no
    /// change (δ = ±2/255 with amplification 50 gives 0.5 ± 0.39).
    public func amplifiedPerturbation(by amplification: Float) -> Image {
        Image((adversarial - original) * amplification + 0.5)
    }
}

/// An L∞-bounded attack on a classifier's input.
///
/// ```swift
/// let attack = AdversarialAttack(goal: .targeted(285), epsilon: 2 / 255, method: .fgsm)
/// let result = attack.run(on: Tensor(dog), model: model)
/// try Data(result.adversarialImage.pngData()).write(to: URL(fileURLWithPath: "dog-as-cat.png"))
/// ```
public struct AdversarialAttack: Sendable {
    /// What the attack aimed for.
    public var goal: AttackGoal
    /// The L∞ radius in pixel units, e.g. 4/255.
    public var epsilon: Float
    /// FGSM or PGD.
    public var method: AttackMethod
    /// PGD stops at the first iterate that meets the goal (the smallest change that works) instead of running
    /// every step (the most confident result).
    public var stopsWhenSucceeded: Bool
    /// Seeds PGD's random start.
    public var seed: UInt64

    public init(goal: AttackGoal, epsilon: Float, method: AttackMethod = .fgsm, stopsWhenSucceeded: Bool = false,
                seed: UInt64 = 0) {
        precondition(epsilon > 0 && epsilon <= 1, "epsilon must lie in (0, 1] pixel units, got \(epsilon)")
        if case .pgd(let steps, let stepSize, _) = method {
            precondition(steps > 0 && stepSize > 0, "PGD needs steps > 0 and a positive step size")
        }
        self.goal = goal
        self.epsilon = epsilon
        self.method = method
        self.stopsWhenSucceeded = stopsWhenSucceeded
        self.seed = seed
    }

    /// Attacks `pixels` (`[1, H, W, 3]` in [0, 1], the size the model takes) with `model`'s weights frozen
    /// (restored afterwards), calling `onStep` before every update.
    public func run(on pixels: Tensor, model: some Layer, onStep: (AttackStep) -> Void = { _ in }) -> AttackResult {
        precondition(pixels.rank == 4 && pixels.shape[0] == 1 && pixels.shape[3] == 3,
                     "attacks take one [1, H, W, 3] picture, got \(pixels.shape)")
        let original = pixels.detached()
        let box = QuantizedBox(around: original, epsilon: epsilon)
        return withFrozenWeights(of: model) {
            let lossClass = goal.lossClass
            let loss = { (logits: Tensor) in crossEntropy(logits: logits, labels: [lossClass]) }
            var x = original
            var history: [AttackStep] = []
            var firstProbabilities: [Float]?
            let (steps, stepSize, randomStart): (Int, Float, Bool) = switch method {
            case .fgsm: (1, epsilon, false)
            case .pgd(let steps, let stepSize, let randomStart): (steps, stepSize, randomStart)
            }
            if randomStart {
                var generator = SeededGenerator(seed: seed)
                let noise = Tensor.random(uniform: original.shape, in: -epsilon...epsilon, using: &generator)
                x = box.projected(original + noise)
            }
            // Sign steps of a fixed size can overshoot and oscillate, so PGD keeps its best iterate (never the start).
            var best: (pixels: Tensor, probabilities: [Float])?
            func keepIfBest(_ pixels: Tensor, _ probabilities: [Float]) {
                if best == nil || goal.score(probabilities) > goal.score(best!.probabilities) {
                    best = (pixels, probabilities)
                }
            }
            for step in 1...steps {
                let measured = InputGradient(model: model, pixels: x, loss: loss)
                let probabilities = measured.probabilities
                if step == 1 && !randomStart { firstProbabilities = probabilities }
                let top1 = argmax(probabilities)
                history.append(AttackStep(step: step, probability: probabilities[lossClass], top1: top1))
                onStep(history.last!)
                if step > 1 || randomStart { keepIfBest(x, probabilities) }
                if stopsWhenSucceeded && goal.isMet(byTop1: top1) {
                    best = (x, probabilities)
                    break
                }
                x = box.projected(x + goal.direction * stepSize * sign(measured.gradient))
                if step == steps { keepIfBest(x, withoutGradients { softmax(model(x)).scalars }) }
            }
            let originalProbabilities = firstProbabilities ?? withoutGradients { softmax(model(original)).scalars }
            let (adversarial, adversarialProbabilities) = best!
            return AttackResult(goal: goal, epsilon: epsilon, original: original, adversarial: adversarial,
                                history: history,
                                originalProbabilities: originalProbabilities,
                                adversarialProbabilities: adversarialProbabilities)
        }
    }

    /// The smallest ε = k/255, k in `levels` tried in increasing order, for which `attack(ε)` meets its goal; nil if
    /// none does. `onTry` sees every attempt.
    public static func smallestEpsilon(levels: ClosedRange<Int>, on pixels: Tensor, model: some Layer,
                                       attack: (Float) -> AdversarialAttack,
                                       onTry: (AttackResult) -> Void = { _ in }) -> AttackResult? {
        for level in levels {
            let result = attack(Float(level) / 255).run(on: pixels, model: model)
            onTry(result)
            if result.succeeded { return result }
        }
        return nil
    }
}

/// The index of the largest value.
func argmax(_ values: [Float]) -> Int {
    values.indices.max { values[$0] < values[$1] } ?? 0
}

/// The ε-box around an 8-bit picture, in whole 8-bit levels: projecting rounds to the nearest level and keeps it
/// within the box and within 0…255, so every projected picture survives a PNG round trip unchanged.
struct QuantizedBox {
    let lower: [Float], upper: [Float]

    init(around original: Tensor, epsilon: Float) {
        // A small tolerance, so ε = 2/255 in Float still allows exactly two levels.
        let slack: Float = 1e-3
        var lower = [Float](repeating: 0, count: original.scalarCount)
        var upper = lower
        for (i, value) in original.scalars.enumerated() {
            var low = Swift.max(((value - epsilon) * 255 - slack).rounded(.up), 0)
            var high = Swift.min(((value + epsilon) * 255 + slack).rounded(.down), 255)
            if low > high {   // ε below one level around an off-grid value: the nearest level
                low = Swift.min(Swift.max((value * 255).rounded(), 0), 255)
                high = low
            }
            lower[i] = low
            upper[i] = high
        }
        self.lower = lower
        self.upper = upper
    }

    /// `x` rounded to 8-bit levels and clamped into the box.
    func projected(_ x: Tensor) -> Tensor {
        var values = x.scalars
        for i in values.indices {
            values[i] = Swift.min(Swift.max((values[i] * 255).rounded(), lower[i]), upper[i]) / 255
        }
        return Tensor(shape: x.shape, scalars: values)
    }
}
