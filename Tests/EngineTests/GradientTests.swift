// Finite-difference checks for every differentiable op outside convolution/pooling/normalization.

@testable import Engine
import Testing

private func normal(_ shape: [Int], _ seed: UInt64, mean: Float = 0) -> Tensor {
    Tensor.random(normal: shape, mean: mean, seed: seed)
}

@Suite("Gradient checker")
struct GradientCheckerTests {
    @Test("the checker fails a gradient with a missing factor and one with a wrong sign")
    func catchesWrongGradients() {
        let x = normal([3, 4], 1)
        let missingFactor: (Tensor) -> Tensor = { x in
            x.detached().squared().recorded(from: [x]) { g in [g * x] }   // should be 2·g·x
        }
        let wrongSign: (Tensor) -> Tensor = { x in
            exp(x.detached()).recorded(from: [x]) { g in [-(g * exp(x))] }
        }
        let missingTerm: (Tensor) -> Tensor = { x in
            // d(x·sin-like)/dx without the product rule's second term: d(x·eˣ) = eˣ + x·eˣ.
            (x.detached() * exp(x.detached())).recorded(from: [x]) { g in [g * exp(x)] }
        }
        #expect(checkGradient(of: missingFactor, at: x).worst > 0.3)
        #expect(checkGradient(of: wrongSign, at: x).worst > 1)
        #expect(checkGradient(of: missingTerm, at: x).worst > 0.1)
        #expect(checkGradient(of: { $0.squared() }, at: x).worst < gradientTolerance)
    }
}

@Suite("Gradients of arithmetic and element-wise ops")
struct ElementwiseGradientTests {
    @Test("broadcasting + - * / match finite differences", arguments: [
        ([2, 3, 4], [3, 1]), ([2, 3, 4], [4]), ([2, 3, 4], []), ([3, 1], [1, 4]), ([2, 3], [2, 3]),
    ])
    func broadcastingArithmetic(shapes: ([Int], [Int])) {
        let a = normal(shapes.0, 1), b = normal(shapes.1, 2, mean: 3)   // b away from 0 for division
        let ops: [([Tensor]) -> Tensor] = [{ $0[0] + $0[1] }, { $0[0] - $0[1] }, { $0[0] * $0[1] }, { $0[0] / $0[1] }]
        for (i, op) in ops.enumerated() {
            let check = checkGradient(of: op, at: [a, b])
            #expect(check.worst < gradientTolerance, "op \(i), \(shapes): \(check)")
            // The broadcast operand on the left, too (both away from 0 so either can divide).
            let swapped = checkGradient(of: { op([$0[1], $0[0]]) }, at: [a + 3, b])
            #expect(swapped.worst < gradientTolerance, "op \(i), \(shapes) swapped: \(swapped)")
        }
    }

    @Test("tensor-scalar operators and negation match finite differences")
    func scalarOperators() {
        let x = normal([2, 5], 3, mean: 2)
        let ops: [(Tensor) -> Tensor] = [{ $0 + 2 }, { 2 + $0 }, { $0 - 2 }, { 2 - $0 }, { $0 * 3 }, { 3 * $0 },
                                          { $0 / 4 }, { 4 / $0 }, { -$0 }]
        for op in ops {
            #expect(checkGradient(of: op, at: x).worst < gradientTolerance)
        }
    }

    @Test("smooth element-wise functions match finite differences")
    func smoothFunctions() {
        let x = normal([3, 7], 4)
        let positive = abs(normal([3, 7], 5)) + 0.5
        #expect(checkGradient(of: { exp($0) }, at: x).worst < gradientTolerance)
        #expect(checkGradient(of: { tanh($0) }, at: x).worst < gradientTolerance)
        #expect(checkGradient(of: { sigmoid($0) }, at: x).worst < gradientTolerance)
        #expect(checkGradient(of: { swish($0) }, at: x).worst < gradientTolerance)
        #expect(checkGradient(of: { $0.squared() }, at: x).worst < gradientTolerance)
        #expect(checkGradient(of: { log($0) }, at: positive).worst < gradientTolerance)
        #expect(checkGradient(of: { sqrt($0) }, at: positive).worst < gradientTolerance)
    }

    @Test("piecewise functions match finite differences away from their kinks")
    func piecewiseFunctions() {
        let x = randomAvoiding([0], shape: [4, 9], seed: 6)
        let wide = randomAvoiding([-3, 0, 3, 6], shape: [4, 9], standardDeviation: 4, seed: 7)
        #expect(checkGradient(of: { relu($0) }, at: x, epsilon: 1e-3).worst < gradientTolerance)
        #expect(checkGradient(of: { abs($0) }, at: x, epsilon: 1e-3).worst < gradientTolerance)
        #expect(checkGradient(of: { relu6($0) }, at: wide, epsilon: 1e-3).worst < gradientTolerance)
        #expect(checkGradient(of: { hardSwish($0) }, at: wide, epsilon: 1e-3).worst < gradientTolerance)
        #expect(checkGradient(of: { hardSigmoid($0) }, at: wide, epsilon: 1e-3).worst < gradientTolerance)
        #expect(hardSigmoid(Tensor([-4, -3, 0, 1.5, 3, 5])).scalars == [0, 0, 0.5, 0.75, 1, 1])
        let bounded = randomAvoiding([-0.5, 1], shape: [4, 9], seed: 8)
        #expect(checkGradient(of: { $0.clamped(min: -0.5, max: 1) }, at: bounded, epsilon: 1e-3).worst
                < gradientTolerance)
    }
}

@Suite("Gradients of reductions and shape ops")
struct ShapeGradientTests {
    let x = Tensor.random(normal: [2, 3, 4], seed: 11)

    @Test("sums and means match finite differences")
    func reductions() {
        let ops: [(Tensor) -> Tensor] = [
            { $0.sum() }, { $0.mean() }, { $0.sum(alongAxes: [1]) }, { $0.sum(alongAxes: [0, 2]) },
            { $0.sum(squeezingAxes: [-1]) }, { $0.mean(alongAxes: [0, 1]) }, { $0.mean(squeezingAxes: [1]) },
            { $0.broadcasted(to: [5, 2, 3, 4]) }, { $0.sum(alongAxes: [2]).broadcasted(to: [2, 3, 4]) },
        ]
        for (i, op) in ops.enumerated() {
            let check = checkGradient(of: op, at: x)
            #expect(check.worst < gradientTolerance, "reduction \(i): \(check)")
        }
    }

    @Test("reshape, transpose, slice, pad and concatenate match finite differences")
    func shapeOps() {
        let ops: [(Tensor) -> Tensor] = [
            { $0.reshaped(to: [6, -1]) }, { $0.transposed(permutation: [2, 0, 1]) }, { $0.transposed() },
            { $0.slice(lowerBounds: [1, 0, 1], upperBounds: [2, 3, 3]) },
            { $0.padded(forSizes: [(0, 1), (2, 0), (1, 1)], with: 0.5) },
            { $0.expandingShape(at: 1).squeezingShape(at: 1).flattened() },
        ]
        for (i, op) in ops.enumerated() {
            let check = checkGradient(of: op, at: x)
            #expect(check.worst < gradientTolerance, "shape op \(i): \(check)")
        }
        let y = Tensor.random(normal: [2, 5, 4], seed: 12)
        let check = checkGradient(of: { concatenate([$0[0], $0[1] * 2, $0[0]], alongAxis: 1) }, at: [x, y])
        #expect(check.worst < gradientTolerance, "\(check)")
    }
}

@Suite("Gradients of matmul and losses")
struct MatMulLossGradientTests {
    @Test("matmul matches finite differences for every transpose combination and batches")
    func matmulGradients() {
        let cases: [([Int], [Int], Bool, Bool)] = [
            ([3, 4], [4, 5], false, false), ([4, 3], [4, 5], true, false),
            ([3, 4], [5, 4], false, true), ([4, 3], [5, 4], true, true), ([2, 3, 4], [2, 4, 2], false, false),
        ]
        for (i, (sa, sb, ta, tb)) in cases.enumerated() {
            let a = Tensor.random(normal: sa, seed: UInt64(20 + i)), b = Tensor.random(normal: sb, seed: UInt64(30 + i))
            let check = checkGradient(of: { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }, at: [a, b])
            #expect(check.worst < gradientTolerance, "matmul \(sa)·\(sb) transposes \(ta), \(tb): \(check)")
        }
    }

    @Test("softmax, log-softmax and cross-entropy match finite differences")
    func lossGradients() {
        let logits = Tensor.random(normal: [4, 6], standardDeviation: 2, seed: 40)
        #expect(checkGradient(of: { softmax($0) }, at: logits).worst < gradientTolerance)
        #expect(checkGradient(of: { logSoftmax($0) }, at: logits).worst < gradientTolerance)
        let labels = [0, 5, 2, 2]
        for smoothing: Float in [0, 0.1] {
            let check = checkGradient(of: { crossEntropy(logits: $0, labels: labels, labelSmoothing: smoothing) },
                                      at: logits)
            #expect(check.worst < gradientTolerance, "smoothing \(smoothing): \(check)")
        }
        let targets = softmax(Tensor.random(normal: [4, 6], seed: 41))
        let soft = checkGradient(of: { crossEntropy(logits: $0[0], probabilities: $0[1]) }, at: [logits, targets])
        #expect(soft.worst < gradientTolerance, "\(soft)")
    }

    @Test("dropout's gradient is its mask")
    func dropoutGradient() {
        let x = Tensor.random(normal: [5, 8], seed: 42)
        let check = checkGradient(of: { x in
            var generator = SeededGenerator(seed: 3)
            return dropout(x, rate: 0.3, generator: &generator)
        }, at: x)
        #expect(check.worst < gradientTolerance)
    }
}

@Suite("Gradients of image reductions")
struct ImageReductionGradientTests {
    @Test("adaptive average pooling matches finite differences: divisible, overlapping and repeated cells")
    func adaptivePooling() {
        let x = Tensor.random(normal: [2, 5, 5, 3], seed: 21)
        #expect(checkGradient(of: { adaptiveAveragePool($0, height: 3, width: 3) }, at: x).worst < gradientTolerance)
        let even = Tensor.random(normal: [1, 6, 6, 2], seed: 22)
        #expect(checkGradient(of: { adaptiveAveragePool($0, height: 3, width: 3) }, at: even).worst
                < gradientTolerance)
        let tiny = Tensor.random(normal: [1, 2, 2, 2], seed: 23)
        #expect(checkGradient(of: { adaptiveAveragePool($0, height: 3, width: 3) }, at: tiny).worst
                < gradientTolerance)
    }

    @Test("total variation matches finite differences and is zero on a constant image")
    func totalVariationGradient() {
        // Neighbors at least 0.05 apart keep |a − b| away from its kink for ε = 1e-3.
        var x = Tensor(shape: [2, 4, 5, 3], scalars: (0..<120).map { Float(($0 * 37) % 23) * 0.07 })
        x = x + Tensor.random(uniform: x.shape, in: 0...0.01, seed: 24)
        #expect(checkGradient(of: { totalVariation($0) }, at: x, epsilon: 1e-3).worst < gradientTolerance)
        #expect(totalVariation(Tensor(repeating: 0.3, shape: [1, 3, 3, 3])).scalar == 0)
    }
}

