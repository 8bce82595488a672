// The one finite-difference gradient checker every gradient test uses (tinygrad's helper_test_op, in spirit).

@testable import Engine
import Foundation

/// How far an op's analytic gradients are from central finite differences, per input.
struct GradientCheck: CustomStringConvertible {
    /// ‖analytic − numeric‖₂ / max(‖analytic‖₂, ‖numeric‖₂) per input, over the checked elements.
    var relativeErrors: [Double]
    var worst: Double { relativeErrors.max() ?? 0 }
    var description: String {
        "relative errors per input: " + relativeErrors.map { String(format: "%.2e", $0) }.joined(separator: ", ")
    }
}

/// Compares the gradients of `f` at `inputs` with central differences (f(x+ε) − f(x−ε)) / 2ε.
///
/// A non-scalar output is reduced to Σ f(x)·R with a fixed random R (not a plain sum, which would hide e.g.
/// softmax's gradient, whose plain sum is zero). The loss is accumulated in Double; tensors larger than `samples`
/// elements are checked on a fixed random subset of elements.
func checkGradient(of f: ([Tensor]) -> Tensor, at inputs: [Tensor], epsilon: Float = 1e-2,
                   samples: Int = 120) -> GradientCheck {
    let probe = withoutGradients { f(inputs) }
    let projection = Tensor.random(normal: probe.shape, seed: 99)
    func loss(_ values: [Tensor]) -> Double {
        let output = withoutGradients { f(values) }
        return zip(output.scalars, projection.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let leaves = inputs.map { $0.requiringGradient() }
    let analytic = (f(leaves) * projection).sum().gradients(for: leaves)
    var generator = SeededGenerator(seed: 7)
    var errors: [Double] = []
    for (index, input) in inputs.enumerated() {
        let elements = input.scalarCount <= samples
            ? Array(0..<input.scalarCount)
            : (0..<samples).map { _ in Int.random(in: 0..<input.scalarCount, using: &generator) }
        var difference = 0.0, analyticNorm = 0.0, numericNorm = 0.0
        for element in elements {
            var shifted = inputs
            shifted[index].scalars[element] = input.scalars[element] + epsilon
            let up = loss(shifted)
            shifted[index].scalars[element] = input.scalars[element] - epsilon
            let down = loss(shifted)
            let numeric = (up - down) / (2 * Double(epsilon))
            let exact = Double(analytic[index].scalars[element])
            difference += (exact - numeric) * (exact - numeric)
            analyticNorm += exact * exact
            numericNorm += numeric * numeric
        }
        let scale = max(analyticNorm, numericNorm).squareRoot()
        errors.append(scale < 1e-12 ? 0 : difference.squareRoot() / scale)
    }
    return GradientCheck(relativeErrors: errors)
}

/// One-input convenience for `checkGradient(of:at:)`.
func checkGradient(of f: (Tensor) -> Tensor, at input: Tensor, epsilon: Float = 1e-2) -> GradientCheck {
    checkGradient(of: { f($0[0]) }, at: [input], epsilon: epsilon)
}

/// The tolerance every gradient test uses: a wrong sign or a missing term gives errors far above it.
let gradientTolerance = 1e-2

/// Random normal values nudged at least `margin` away from each of `points` (kinks such as relu's 0), so a
/// finite difference never straddles one.
func randomAvoiding(_ points: [Float], shape: [Int], standardDeviation: Float = 1, margin: Float = 0.05,
                    seed: UInt64) -> Tensor {
    var x = Tensor.random(normal: shape, standardDeviation: standardDeviation, seed: seed)
    for i in x.scalars.indices {
        for p in points where abs(x.scalars[i] - p) < margin {
            x.scalars[i] = p + (x.scalars[i] >= p ? margin : -margin)
        }
    }
    return x
}
