// Batch normalization, and a small conv net checked end to end.

@testable import Engine
import Testing

@Suite("Batch normalization")
struct BatchNormTests {
    @Test("inference batch norm normalizes each channel with the given statistics")
    func inferenceValues() {
        let x = Tensor(shape: [2, 2], scalars: [1, 10, 3, 20])
        let y = batchNorm(x, mean: Tensor([2, 10]), variance: Tensor([4, 25]), scale: Tensor([1, 2]),
                          offset: Tensor([0, 1]), epsilon: 0)
        // Channel 0: (x-2)/2; channel 1: (x-10)/5·2 + 1.
        #expect(y.isAlmostEqual(to: Tensor(shape: [2, 2], scalars: [-0.5, 1, 0.5, 5])))
    }

    @Test("training batch norm returns zero-mean unit-variance output and the batch statistics")
    func trainingValues() {
        let x = Tensor.random(normal: [4, 3, 3, 5], mean: 2, standardDeviation: 3, seed: 1)
        let (y, mean, variance) = batchNormTraining(x, scale: Tensor(ones: [5]), offset: Tensor(zeros: [5]),
                                                    epsilon: 0)
        #expect(y.mean(squeezingAxes: [0, 1, 2]).isAlmostEqual(to: Tensor(zeros: [5]), absoluteTolerance: 1e-5))
        let secondMoment = y.squared().mean(squeezingAxes: [0, 1, 2])
        #expect(secondMoment.isAlmostEqual(to: Tensor(ones: [5]), absoluteTolerance: 1e-4))
        #expect(mean.isAlmostEqual(to: x.mean(squeezingAxes: [0, 1, 2])))
        #expect(variance.isAlmostEqual(to: (x - mean).squared().mean(squeezingAxes: [0, 1, 2])))
    }

    @Test("batch norm gradients match finite differences, inference and training")
    func gradients() {
        let x = Tensor.random(normal: [3, 2, 2, 4], seed: 2)
        let mean = Tensor.random(normal: [4], seed: 3), variance = abs(Tensor.random(normal: [4], seed: 4)) + 0.5
        let scale = Tensor.random(normal: [4], mean: 1, seed: 5), offset = Tensor.random(normal: [4], seed: 6)
        let inference = checkGradient(of: {
            batchNorm($0[0], mean: $0[1], variance: $0[2], scale: $0[3], offset: $0[4], epsilon: 1e-3)
        }, at: [x, mean, variance, scale, offset])
        #expect(inference.worst < gradientTolerance, "\(inference)")
        // Frozen statistics and parameters: only the input needs a gradient (the path attacks take).
        let inputOnly = checkGradient(of: {
            batchNorm($0, mean: mean, variance: variance, scale: scale, offset: offset, epsilon: 1e-3)
        }, at: x)
        #expect(inputOnly.worst < gradientTolerance, "\(inputOnly)")
        let training = checkGradient(of: {
            batchNormTraining($0[0], scale: $0[1], offset: $0[2], epsilon: 1e-3).output
        }, at: [x, scale, offset])
        #expect(training.worst < gradientTolerance, "\(training)")
    }

    @Test("fused training batch norm equals the same formula built from primitive ops, values and gradients")
    func matchesComposition() {
        // 2048 rows: the channel sums are split over threads.
        let x = Tensor.random(normal: [8, 16, 16, 6], mean: 1, standardDeviation: 2, seed: 8).requiringGradient()
        let scale = Tensor.random(normal: [6], mean: 1, seed: 9).requiringGradient()
        let offset = Tensor.random(normal: [6], seed: 10).requiringGradient()
        let projection = Tensor.random(normal: x.shape, seed: 11)
        let fused = batchNormTraining(x, scale: scale, offset: offset, epsilon: 1e-3)
        let mean = x.mean(alongAxes: [0, 1, 2]), centered = x - mean
        let variance = centered.squared().mean(alongAxes: [0, 1, 2])
        let composed = centered / sqrt(variance + 1e-3) * scale + offset
        #expect(fused.output.isAlmostEqual(to: composed, absoluteTolerance: 1e-4))
        #expect(fused.variance.isAlmostEqual(to: variance.reshaped(to: [6]), absoluteTolerance: 1e-4))
        let a = (fused.output * projection).sum().gradients(for: [x, scale, offset])
        let b = (composed * projection).sum().gradients(for: [x, scale, offset])
        for (fusedGradient, composedGradient) in zip(a, b) {
            #expect(fusedGradient.isAlmostEqual(to: composedGradient, absoluteTolerance: 1e-3, relativeTolerance: 1e-3))
        }
    }

    @Test("ReLU6 fused into batch norm equals relu6 after it, values and gradients, inference and training")
    func fusedReLU6() {
        // Scaled so that outputs fall on both sides of 0 and 6.
        let x = Tensor.random(normal: [4, 8, 8, 12], mean: 1, standardDeviation: 4, seed: 12).requiringGradient()
        let scale = Tensor.random(normal: [12], mean: 2, seed: 13).requiringGradient()
        let offset = Tensor.random(normal: [12], mean: 2, seed: 14).requiringGradient()
        let mean = Tensor.random(normal: [12], seed: 15), variance = abs(Tensor.random(normal: [12], seed: 16)) + 0.5
        let projection = Tensor.random(normal: x.shape, seed: 17)
        let pairs: [(fused: Tensor, composed: Tensor)] = [
            (batchNormTraining(x, scale: scale, offset: offset, epsilon: 1e-3, activation: .relu6).output,
             relu6(batchNormTraining(x, scale: scale, offset: offset, epsilon: 1e-3).output)),
            (batchNorm(x, mean: mean, variance: variance, scale: scale, offset: offset, activation: .relu6),
             relu6(batchNorm(x, mean: mean, variance: variance, scale: scale, offset: offset))),
        ]
        for (fused, composed) in pairs {
            #expect(fused.isAlmostEqual(to: composed, absoluteTolerance: 1e-5))
            #expect(fused.scalars.contains(0) && fused.scalars.contains(6))
            let a = (fused * projection).sum().gradients(for: [x, scale, offset])
            let b = (composed * projection).sum().gradients(for: [x, scale, offset])
            for (fusedGradient, composedGradient) in zip(a, b) {
                #expect(fusedGradient.isAlmostEqual(to: composedGradient, absoluteTolerance: 1e-4,
                                                    relativeTolerance: 1e-4))
            }
        }
    }

    @Test("training batch norm's input gradient includes the path through the batch statistics")
    func statisticsPath() {
        // With scale 1 and offset 0, Σ over the batch of the output is always 0, so its gradient must vanish;
        // treating mean and variance as constants would give a gradient of 1/σ instead.
        let x = Tensor.random(normal: [6, 3], seed: 7).requiringGradient()
        let y = batchNormTraining(x, scale: Tensor(ones: [3]), offset: Tensor(zeros: [3])).output
        #expect(y.sum().gradient(for: x).isAlmostEqual(to: Tensor(zeros: [6, 3]), absoluteTolerance: 1e-5))
    }
}

@Suite("A small conv net end to end")
struct SmallNetworkTests {
    /// conv 3x3/2 SAME → batch norm (training) → relu6 → depthwise 3x3 → global pool → dense → cross-entropy.
    static func loss(_ p: [Tensor]) -> Tensor {
        var h = conv2d(p[0], filter: p[1], stride: 2, padding: .same)
        h = batchNormTraining(h, scale: p[2], offset: p[3], epsilon: 1e-3).output
        h = relu6(h * 2)
        h = conv2d(h, filter: p[4], bias: p[5], padding: .same, groups: 8)
        let logits = matmul(globalAveragePool(h), p[6], transposeB: true) + p[7]
        return crossEntropy(logits: logits, labels: [1, 4, 0], labelSmoothing: 0.1)
    }

    static let parameters: [Tensor] = [
        Tensor.random(normal: [3, 8, 8, 3], seed: 1),            // images NHWC
        Tensor.random(normal: [8, 3, 3, 3], standardDeviation: 0.5, seed: 2),
        Tensor.random(normal: [8], mean: 1, seed: 3), Tensor.random(normal: [8], mean: 1, seed: 4),
        Tensor.random(normal: [8, 1, 3, 3], seed: 5), Tensor.random(normal: [8], seed: 6),
        Tensor.random(normal: [5, 8], seed: 7), Tensor.random(normal: [5], seed: 8),
    ]

    @Test("every parameter's gradient matches finite differences")
    func endToEnd() {
        let check = checkGradient(of: Self.loss, at: Self.parameters, epsilon: 3e-3)
        #expect(check.worst < gradientTolerance, "\(check)")
    }

    @Test("a few steps of gradient descent lower the loss")
    func training() {
        var p = Self.parameters
        let before = Self.loss(p).scalar
        for _ in 0..<20 {
            let leaves = p.map { $0.requiringGradient() }
            let grads = Self.loss(leaves).gradients(for: Array(leaves[1...]))
            for i in 1..<p.count { p[i] = p[i] - 0.1 * grads[i - 1] }
        }
        #expect(Self.loss(p).scalar < before * 0.7)
    }
}
