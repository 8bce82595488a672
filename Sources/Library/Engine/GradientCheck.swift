// The one finite-difference gradient checker (PyTorch: `torch.autograd.gradcheck`; tinygrad's helper_test_op, in
// spirit). Every differentiable op of the engine is tested with it, and so can any op defined outside the engine
// with `recorded(from:operation:backward:)` (see Autodiff.swift).

import Foundation

/// How far an op's analytic gradients are from central finite differences, per input.
public struct GradientCheck: CustomStringConvertible, Sendable {
    /// ‖analytic − numeric‖₂ / max(‖analytic‖₂, ‖numeric‖₂) per input, over the checked elements.
    public var relativeErrors: [Double]
    /// The largest relative error over all inputs.
    public var worst: Double { relativeErrors.max() ?? 0 }
    public var description: String {
        "relative errors per input: " + relativeErrors.map { String(format: "%.2e", $0) }.joined(separator: ", ")
    }
}

/// The tolerance the engine's gradient tests use: a wrong sign or a missing term gives errors far above it.
public let gradientTolerance = 1e-2

/// Compares the gradients of `f` at `inputs` with central differences (f(x+ε) − f(x−ε)) / 2ε.
///
/// A non-scalar output is reduced to Σ f(x)·R with a fixed random R (not a plain sum, which would hide e.g.
/// softmax's gradient, whose plain sum is zero). The loss is accumulated in Double; tensors larger than `samples`
/// elements are checked on a fixed random subset of elements. Keep inputs away from kinks (relu's 0) by more
/// than `epsilon`, or the finite difference straddles them.
public func checkGradient(of f: ([Tensor]) -> Tensor, at inputs: [Tensor], epsilon: Float = 1e-2,
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

/// One-input form of `checkGradient(of:at:epsilon:samples:)`.
public func checkGradient(of f: (Tensor) -> Tensor, at input: Tensor, epsilon: Float = 1e-2) -> GradientCheck {
    checkGradient(of: { f($0[0]) }, at: [input], epsilon: epsilon)
}
