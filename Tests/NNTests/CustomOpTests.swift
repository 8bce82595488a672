// The tape is open: an op defined outside the engine, with only Engine's public API, joins the graph and passes
// the same finite-difference check as the engine's own ops.

import Engine
import Foundation
import Testing

/// ln(1 + eˣ), element-wise (PyTorch: `F.softplus`), defined the way Autodiff.swift's header shows.
private func softplus(_ x: Tensor) -> Tensor {
    let value = Tensor(shape: x.shape, scalars: x.scalars.map { log(1 + exp($0)) })
    return value.recorded(from: [x]) { upstream in
        // d softplus/dx = σ(x)
        [upstream * sigmoid(x)]
    }
}

/// a·b + a, two inputs, where the backward returns nil for an input that needs no gradient.
private func scaledPlus(_ a: Tensor, _ b: Tensor) -> Tensor {
    let value = Tensor(shape: a.shape, scalars: zip(a.scalars, b.scalars).map { $0 * $1 + $0 })
    return value.recorded(from: [a, b]) { upstream in
        // d(ab + a)/da = b + 1, d(ab + a)/db = a
        [upstream * (b + 1), b.requiresGradient ? upstream * a : nil]
    }
}

@Suite("User-defined differentiable ops")
struct CustomOpTests {
    @Test("an op defined outside Engine gradient-checks, alone and inside a larger graph")
    func softplusChecks() {
        let x = Tensor.random(normal: [3, 4], seed: 1)
        #expect(checkGradient(of: softplus, at: x).worst < gradientTolerance)
        // Composed with engine ops on both sides, so gradients flow into and out of the custom node.
        let composed = checkGradient(of: { tanh(softplus($0 * 2) - 1).sum() }, at: x)
        #expect(composed.worst < gradientTolerance)
    }

    @Test("a wrong backward is caught by the checker")
    func wrongBackwardFails() {
        func wrong(_ x: Tensor) -> Tensor {
            let value = Tensor(shape: x.shape, scalars: x.scalars.map { log(1 + exp($0)) })
            return value.recorded(from: [x]) { upstream in [upstream * sigmoid(-x)] }   // sign slip: σ(−x)
        }
        #expect(checkGradient(of: wrong, at: Tensor.random(normal: [3, 4], seed: 2)).worst > 0.1)
    }

    @Test("two inputs, one of them constant")
    func twoInputs() {
        let a = Tensor.random(normal: [5], seed: 3), b = Tensor.random(normal: [5], seed: 4)
        #expect(checkGradient(of: { scaledPlus($0[0], $0[1]) }, at: [a, b]).worst < gradientTolerance)
        let leaf = a.requiringGradient()
        let gradient = scaledPlus(leaf, b).sum().gradient(for: leaf)
        #expect(gradient.scalars == (b + 1).scalars)
    }

    @Test("inference records nothing for a custom op")
    func noGraphWithoutGradients() {
        let x = Tensor.random(normal: [4], seed: 5)
        #expect(!softplus(x).requiresGradient)
        #expect(softplus(x.requiringGradient()).requiresGradient)
        #expect(!withoutGradients { softplus(x.requiringGradient()) }.requiresGradient)
    }
}
