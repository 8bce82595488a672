// Batch norm's AVX2 passes against the portable Swift loops (odd channel counts for the scalar tails, row counts
// around the 64-row blocks and the per-thread chunks), and the fused ops against the ops they replace: batch
// norm + convolution with the normalized activation recomputed in backward, and convolutions whose backward
// passes go through their fused residual and ReLU6.

@testable import Engine
import Testing

@Suite("Batch-norm kernels")
struct BatchNormKernelTests {
    /// (rows, channels): tails of 1…7 channels, one 64-row block and a bit, several threads' chunks.
    static let shapes: [(rows: Int, channels: Int)] = [(1, 1), (3, 7), (5, 8), (63, 13), (65, 33), (700, 17),
                                                         (1030, 40)]

    /// Per-channel factors that put part of every channel below 0 and part above 6 after x·a + b.
    static func factors(_ c: Int, seed: UInt64) -> (a: [Float], b: [Float]) {
        (Tensor.random(normal: [c], seed: seed).scalars.map { $0 * 3 },
         Tensor.random(normal: [c], seed: seed + 1).scalars.map { $0 * 2 + 3 })
    }

    @Test("affine value, channel sums and input gradient: the vector kernels equal the portable loops")
    func vectorEqualsPortable() throws {
        try #require(vectorKernelsAvailable, "this CPU has no AVX2/FMA (or TRANSFERLAB_PORTABLE_KERNELS is set)")
        for (index, shape) in Self.shapes.enumerated() {
            let seed = UInt64(index * 10)
            let c = shape.channels
            let x = Tensor.random(normal: [shape.rows, c], seed: seed) * 2
            let g = Tensor.random(normal: [shape.rows, c], seed: seed + 1)
            let (a, b) = Self.factors(c, seed: seed + 2)
            let (q, r) = Self.factors(c, seed: seed + 4)
            let mask = ReLU6Mask(a: a, b: b)
            for clamp in [false, true] {
                #expect(affine(x, a, b, clampsToSix: clamp, vectorKernels: true)
                    .isAlmostEqual(to: affine(x, a, b, clampsToSix: clamp, vectorKernels: false),
                                   absoluteTolerance: 1e-5), "affine \(shape) clamp \(clamp)")
            }
            for m in [nil, mask] {
                let vector = batchNormInputGradient(g, x: x, k: a, q: q, r: r, mask: m, vectorKernels: true)
                let portable = batchNormInputGradient(g, x: x, k: a, q: q, r: r, mask: m, vectorKernels: false)
                #expect(vector.isAlmostEqual(to: portable, absoluteTolerance: 1e-4), "input gradient \(shape)")
                let plain = batchNormInputGradient(g, x: x, k: a, mask: m, vectorKernels: true)
                #expect(plain.isAlmostEqual(to: batchNormInputGradient(g, x: x, k: a, mask: m, vectorKernels: false),
                                            absoluteTolerance: 1e-4), "input gradient without q, r \(shape)")
                let sums = [true, false].map {
                    channelSums(g, x, uShift: q, vShift: r, mask: m, vectorKernels: $0)
                }
                let tolerance = 1e-4 * Float(shape.rows)
                for j in 0..<c {
                    #expect(abs(sums[0].sum[j] - sums[1].sum[j]) <= tolerance, "Σ \(shape) channel \(j)")
                    #expect(abs(sums[0].products[j] - sums[1].products[j]) <= tolerance, "Σ· \(shape) channel \(j)")
                }
            }
            let alone = [true, false].map { channelSums(x, vectorKernels: $0).sum }
            #expect(zip(alone[0], alone[1]).allSatisfy { abs($0 - $1) <= 1e-4 * Float(shape.rows) })
        }
    }

    @Test("the ReLU6 mask from the input matches the clamp: nothing passes where the value is clamped")
    func maskMatchesClamp() {
        let x = Tensor.random(normal: [257, 19], seed: 3) * 4
        let (a, b) = Self.factors(19, seed: 5)
        let ones = Tensor(ones: x.shape)
        for vector in [true, false] where vector == false || vectorKernelsAvailable {
            let y = affine(x, a, b, clampsToSix: true, vectorKernels: vector)
            let passed = batchNormInputGradient(ones, x: x, k: [Float](repeating: 1, count: 19),
                                                mask: ReLU6Mask(a: a, b: b), vectorKernels: vector)
            for (value, gradient) in zip(y.scalars, passed.scalars) {
                #expect(gradient == (value > 0 && value < 6 ? 1 : 0))
            }
        }
    }

    @Test("batch norm + convolution as one op: the values and all gradients of the two ops",
          arguments: [(groups: 1, kernel: 1, stride: 1), (groups: 12, kernel: 3, stride: 2),
                      (groups: 12, kernel: 5, stride: 1), (groups: 1, kernel: 3, stride: 1)])
    func normalizedConvolution(_ layout: (groups: Int, kernel: Int, stride: Int)) {
        let x = Tensor.random(normal: [2, 7, 6, 12], seed: 1) * 2 + 1
        let scale = Tensor.random(normal: [12], seed: 2) + 1, offset = Tensor.random(normal: [12], seed: 3) + 2
        let outputs = layout.groups == 1 ? 10 : 12
        let filter = Tensor.random(normal: [outputs, 12 / layout.groups, layout.kernel, layout.kernel], seed: 4)
        let bias = Tensor.random(normal: [outputs], seed: 5)
        let leaves = [x, scale, offset, filter, bias].map { $0.requiringGradient() }
        for activation in [FusedActivation.none, .relu6] {
            let fused = batchNormTrainingConvolution(
                leaves[0], scale: leaves[1], offset: leaves[2], epsilon: 1e-3, activation: activation,
                filter: leaves[3], bias: leaves[4], stride: layout.stride, padding: .same, groups: layout.groups)
            let (normalized, mean, variance) = batchNormTraining(leaves[0], scale: leaves[1], offset: leaves[2],
                                                                 epsilon: 1e-3, activation: activation)
            let separate = conv2d(normalized, filter: leaves[3], bias: leaves[4], stride: layout.stride,
                                  padding: .same, groups: layout.groups)
            #expect(fused.output.isAlmostEqual(to: separate, absoluteTolerance: 1e-4))
            #expect(fused.mean.isAlmostEqual(to: mean, absoluteTolerance: 1e-6))
            #expect(fused.variance.isAlmostEqual(to: variance, absoluteTolerance: 1e-6))
            let projection = Tensor.random(normal: separate.shape, seed: 6)
            let expected = (separate * projection).sum().gradients(for: leaves)
            let got = (fused.output * projection).sum().gradients(for: leaves)
            for (index, (g, e)) in zip(got, expected).enumerated() {
                #expect(g.isAlmostEqual(to: e, absoluteTolerance: 2e-3), "\(layout) \(activation) input \(index)")
            }
        }
    }

    @Test("1x1 and depthwise convolutions with a fused residual and ReLU6 give the composed ops' gradients",
          arguments: [(groups: 1, kernel: 1), (groups: 9, kernel: 3)])
    func fusedConvolutionGradients(_ layout: (groups: Int, kernel: Int)) {
        let x = Tensor.random(normal: [2, 5, 7, 9], seed: 1) * 2
        let filter = Tensor.random(normal: [9, 9 / layout.groups, layout.kernel, layout.kernel], seed: 2)
        let bias = Tensor.random(normal: [9], seed: 3) + 2, residual = Tensor.random(normal: [2, 5, 7, 9], seed: 4)
        let leaves = [x, filter, bias, residual].map { $0.requiringGradient() }
        let fused = conv2d(leaves[0], filter: leaves[1], bias: leaves[2], padding: .same, groups: layout.groups,
                           adding: leaves[3], activation: .relu6)
        let composed = relu6(conv2d(leaves[0], filter: leaves[1], bias: leaves[2], padding: .same,
                                    groups: layout.groups) + leaves[3])
        #expect(fused.isAlmostEqual(to: composed, absoluteTolerance: 1e-5))
        let projection = Tensor.random(normal: fused.shape, seed: 5)
        let got = (fused * projection).sum().gradients(for: leaves)
        let expected = (composed * projection).sum().gradients(for: leaves)
        for (index, (g, e)) in zip(got, expected).enumerated() {
            #expect(g.isAlmostEqual(to: e, absoluteTolerance: 1e-4), "\(layout) input \(index)")
        }
    }
}
