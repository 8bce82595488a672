import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 03's engine lab: GELU added to the tape by the student — its values, its local backward (against the
/// exact derivative and against finite differences of the student's own values), that it records on the tape at
/// all, and a tiny network that must learn through it.
extension Lesson03 {
    /// The student's differentiable op.
    public typealias TensorOperation = @Sendable (_ x: Tensor) -> Tensor

    /// gelu(x) = x·Φ(x) in Double.
    static func exactGELU(_ x: Double) -> Double { x * 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())) }
    /// d gelu/dx = Φ(x) + x·φ(x) in Double.
    static func exactGELUDerivative(_ x: Double) -> Double {
        0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())) + x * Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
    }

    public static func geluChecks(_ gelu: @escaping TensorOperation) -> ExerciseChecks {
        ExerciseChecks(
            id: "gelu", lesson: 3, file: "GELU.swift", function: "gelu(_:)",
            checks: [
                Check(id: "gelu/values", name: "values: x·Φ(x) on 2,001 points of [−10, 10], shape kept") {
                    let points = (0...2000).map { Float($0) / 100 - 10 }
                    let x = Tensor(shape: [3, 667], scalars: points)
                    let y = withoutGradients { gelu(x) }
                    guard y.shape == x.shape else {
                        throw CheckFailure(
                            input: "x of shape [3, 667]", expected: "shape [3, 667]",
                            got: "shape \(Lab.describe(shape: y.shape))")
                    }
                    try expectClose(
                        y.scalars, points.map { Float(exactGELU(Double($0))) }, input: "x = −10, −9.99, …, 10",
                        tolerance: Tolerance(absolute: 1e-5, relative: 1e-4)) { "x = \(formatted(points[$0]))" }
                },
                Check(id: "gelu/on-the-tape", name: "records on the tape: gelu of a gradient leaf needs a gradient") {
                    let x = Tensor([-1, 0, 1]).requiringGradient()
                    guard gelu(x).requiresGradient else {
                        throw CheckFailure(
                            input: "x = [−1, 0, 1], requiringGradient()", expected: "a result that requires a gradient",
                            got: "a result with no gradient graph",
                            detail: "return value.recorded(from: [x]) { upstream in [...] }: without it, nothing "
                                + "before your op ever gets a gradient")
                    }
                },
                Check(
                    id: "gelu/backward",
                    name: "local backward: Φ(x) + x·φ(x), and the same as finite differences of your values"
                ) {
                    var generator = SeededGenerator(seed: 3031)
                    let points = generator.floats(200, in: -4...4) + [0, -1, 1]
                    let weights = generator.floats(points.count, in: -1...1)
                    let x = Tensor(points).requiringGradient()
                    let gradient = (gelu(x) * Tensor(weights)).sum().gradient(for: x).scalars
                    let exact = zip(points, weights).map { Float(exactGELUDerivative(Double($0)) * Double($1)) }
                    let input = "d/dx Σ w·gelu(x) at 203 points of [−4, 4], w random in [−1, 1]"
                    let tolerance = Tolerance(absolute: 1e-4, relative: 1e-3)
                    try expectClose(gradient, exact, input: input, tolerance: tolerance) { "x = \(formatted(points[$0]))" }
                    // Central differences of the student's own values (Float, step 10⁻²).
                    let step: Float = 1e-2
                    let plus = withoutGradients { gelu(Tensor(points.map { $0 + step })) }.scalars
                    let minus = withoutGradients { gelu(Tensor(points.map { $0 - step })) }.scalars
                    let numeric = points.indices.map { (plus[$0] - minus[$0]) / (2 * step) * weights[$0] }
                    try expectClose(
                        gradient, numeric, input: input + " (finite differences of your gelu, step 10⁻²)",
                        tolerance: Tolerance(absolute: 2e-3, relative: 1e-2)) { "x = \(formatted(points[$0]))" }
                },
                Check(
                    id: "gelu/trains",
                    name: "a tiny network with your GELU (2 → 16 → 2) learns to separate two rings: accuracy ≥ 95%",
                    timeLimit: 60
                ) {
                    try trainRings(gelu)
                },
            ])
    }

    /// 400 points on two noisy rings (radius 1 and 2): no straight line separates them, so the network needs its
    /// non-linearity — and the gradient through it.
    static func rings() -> TensorDataset {
        var generator = SeededGenerator(seed: 3032)
        var points: [Float] = [], labels: [Int] = []
        for index in 0..<400 {
            let label = index % 2
            let angle = generator.float(in: 0...(2 * Float.pi))
            let radius = Float(1 + label) + generator.float(in: -0.25...0.25)
            points += [radius * Foundation.cos(angle), radius * Foundation.sin(angle)]
            labels.append(label)
        }
        return TensorDataset(inputs: Tensor(shape: [400, 2], scalars: points), labels: labels)
    }

    static func trainRings(_ gelu: @escaping TensorOperation) throws {
        let data = rings()
        let network = Sequential(
            Dense(inputSize: 2, outputSize: 16, seed: 3033), Activation { gelu($0) },
            Dense(inputSize: 16, outputSize: 2, seed: 3034))
        let parameters = network.trainableParameters
        let optimizer = Adam(learningRate: 0.03)
        for _ in 0..<300 {
            let loss = crossEntropy(logits: network(data.inputs), labels: data.labels)
            optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
        }
        let accuracy = Trainer.evaluate(network, on: data).accuracy
        guard accuracy >= 0.95 else {
            throw CheckFailure(
                input: "400 points on two rings; Dense(2 → 16), your gelu, Dense(16 → 2); 300 Adam steps, rate 0.03",
                expected: "training accuracy ≥ 95%", got: String(format: "%.1f%%", accuracy * 100),
                detail: accuracy < 0.7
                    ? "the first layer does not learn: no useful gradient reaches it through your gelu"
                    : "the network learns, but not enough: is the backward exactly Φ(x) + x·φ(x)?")
        }
    }
}
