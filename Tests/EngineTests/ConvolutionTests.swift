// Convolution and pooling: hand-computed values, a naive reference, and finite-difference gradients.

@testable import Engine
import Testing

/// The textbook 7-loop convolution on NHWC input and a PyTorch-layout filter, for comparison.
private func referenceConv2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride s: Int,
                             padding: (top: Int, left: Int), outputSize: (Int, Int), groups: Int) -> Tensor {
    let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let og = o / groups
    var y = Tensor(zeros: [n, outputSize.0, outputSize.1, o])
    for b in 0..<n {
        for oy in 0..<outputSize.0 {
            for ox in 0..<outputSize.1 {
                for oc in 0..<o {
                    var sum = bias?.scalars[oc] ?? 0
                    for ic in 0..<cg {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let (iy, ix) = (oy * s - padding.top + ky, ox * s - padding.left + kx)
                                guard iy >= 0 && iy < h && ix >= 0 && ix < wd else { continue }
                                sum += x[b, iy, ix, (oc / og) * cg + ic] * w[oc, ic, ky, kx]
                            }
                        }
                    }
                    _ = c
                    y[b, oy, ox, oc] = sum
                }
            }
        }
    }
    return y
}

/// A convolution configuration: input shape (NHWC), filter shape, stride, padding, groups, bias.
struct ConvCase: CustomStringConvertible, Sendable {
    var input: [Int], filter: [Int], stride: Int, padding: Padding, groups: Int, bias: Bool
    var description: String { "input \(input) filter \(filter) stride \(stride) \(padding) groups \(groups)" }
}

let convCases: [ConvCase] = [
    ConvCase(input: [2, 5, 4, 6], filter: [7, 6, 1, 1], stride: 1, padding: .valid, groups: 1, bias: true),  // 1x1
    ConvCase(input: [2, 6, 6, 3], filter: [4, 3, 3, 3], stride: 1, padding: .same, groups: 1, bias: true),
    ConvCase(input: [2, 6, 6, 3], filter: [4, 3, 3, 3], stride: 2, padding: .same, groups: 1, bias: false),
    ConvCase(input: [1, 7, 5, 4], filter: [6, 2, 3, 2], stride: 2, padding: .same, groups: 2, bias: true),
    ConvCase(input: [2, 6, 6, 5], filter: [5, 1, 3, 3], stride: 1, padding: .same, groups: 5, bias: true),  // dw
    ConvCase(input: [2, 8, 7, 4], filter: [4, 1, 5, 5], stride: 2, padding: .same, groups: 4, bias: false),
    // 8-channel vector blocks plus a remainder, and a window wider than the image.
    ConvCase(input: [2, 6, 5, 11], filter: [11, 1, 3, 3], stride: 2, padding: .same, groups: 11, bias: true),
    ConvCase(input: [1, 3, 2, 16], filter: [16, 1, 5, 5], stride: 1, padding: .same, groups: 16, bias: false),
    ConvCase(input: [1, 5, 5, 2], filter: [3, 2, 3, 3], stride: 1, padding: .symmetric(1), groups: 1, bias: false),
    ConvCase(input: [1, 6, 6, 3], filter: [2, 3, 1, 1], stride: 2, padding: .valid, groups: 1, bias: false),
    ConvCase(input: [1, 5, 6, 2], filter: [4, 1, 3, 3], stride: 1,
             padding: .explicit(top: 0, bottom: 2, left: 1, right: 0), groups: 2, bias: true),  // multiplier 2
]

@Suite("Convolution")
struct ConvolutionTests {
    @Test("a 3x3 box filter with SAME padding sums each neighborhood")
    func boxFilterSame() {
        let x = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let y = conv2d(x, filter: Tensor(ones: [1, 1, 3, 3]), padding: .same)
        #expect(y.shape == [1, 3, 3, 1])
        #expect(y.scalars == [12, 21, 16, 27, 45, 33, 24, 39, 28])
    }

    @Test("TensorFlow SAME pads (0, 1) for a stride-2 3x3 window on an even input")
    func sameIsAsymmetric() {
        let pad = Padding.same.amounts(inputSize: (4, 4), kernelSize: (3, 3), stride: 2)
        #expect(pad == (0, 1, 0, 1))
        #expect(Padding.same.amounts(inputSize: (5, 5), kernelSize: (3, 3), stride: 2) == (1, 1, 1, 1))
        #expect(Padding.same.amounts(inputSize: (224, 224), kernelSize: (5, 5), stride: 2) == (1, 2, 1, 2))
        let x = Tensor(shape: [1, 4, 4, 1], scalars: (1...16).map(Float.init))
        let y = conv2d(x, filter: Tensor(ones: [1, 1, 3, 3]), stride: 2, padding: .same)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.scalars == [54, 45, 72, 54])
        // PyTorch-style symmetric padding gives a different answer: the corner window sees only 1, 2, 5, 6.
        #expect(conv2d(x, filter: Tensor(ones: [1, 1, 3, 3]), stride: 2, padding: .symmetric(1)).scalars[0] == 14)
    }

    @Test("the filter is read in PyTorch layout [out, in, kh, kw]")
    func filterLayout() {
        // One input channel pattern, two output channels: out 0 picks the pixel to the right, out 1 the one below.
        let x = Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4])
        var w = Tensor(zeros: [2, 1, 2, 2])
        w[0, 0, 0, 1] = 1
        w[1, 0, 1, 0] = 1
        #expect(conv2d(x, filter: w).scalars == [2, 3])
    }

    @Test("conv2d matches the naive reference", arguments: convCases)
    func matchesReference(_ c: ConvCase) {
        let x = Tensor.random(normal: c.input, seed: 1), w = Tensor.random(normal: c.filter, seed: 2)
        let b = c.bias ? Tensor.random(normal: [c.filter[0]], seed: 3) : nil
        let y = conv2d(x, filter: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups)
        let pad = c.padding.amounts(inputSize: (c.input[1], c.input[2]), kernelSize: (c.filter[2], c.filter[3]),
                                    stride: c.stride)
        let expected = referenceConv2d(x, w, b, stride: c.stride, padding: (pad.top, pad.left),
                                       outputSize: (y.shape[1], y.shape[2]), groups: c.groups)
        #expect(y.isAlmostEqual(to: expected, absoluteTolerance: 1e-4), "\(c)")
    }

    @Test("conv2d gradients match finite differences", arguments: convCases)
    func gradients(_ c: ConvCase) {
        let x = Tensor.random(normal: c.input, seed: 4), w = Tensor.random(normal: c.filter, seed: 5)
        var inputs = [x, w]
        if c.bias { inputs.append(Tensor.random(normal: [c.filter[0]], seed: 6)) }
        let check = checkGradient(of: {
            conv2d($0[0], filter: $0[1], bias: $0.count > 2 ? $0[2] : nil, stride: c.stride, padding: c.padding,
                   groups: c.groups)
        }, at: inputs)
        #expect(check.worst < gradientTolerance, "\(c): \(check)")
    }

    @Test("residual and ReLU6 fused into conv2d equal the separate ops, with and without gradients",
          arguments: convCases)
    func fusedEpilogue(_ c: ConvCase) {
        // Scaled so that outputs fall on both sides of 0 and 6.
        let x = Tensor.random(normal: c.input, seed: 7) * 4, w = Tensor.random(normal: c.filter, seed: 8)
        let b = c.bias ? Tensor.random(normal: [c.filter[0]], seed: 9) : nil
        let plain = conv2d(x, filter: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups)
        let r = Tensor.random(normal: plain.shape, seed: 10) * 3
        for (residual, activation) in [(nil, FusedActivation.relu6), (r, .none), (r, .relu6)] {
            var expected = residual.map { plain + $0 } ?? plain
            if activation == .relu6 { expected = relu6(expected) }
            let fused = withoutGradients {
                conv2d(x, filter: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups,
                       adding: residual, activation: activation)
            }
            #expect(fused.isAlmostEqual(to: expected, absoluteTolerance: 1e-4), "\(c) \(activation)")
            // Recording a gradient composes the ops, so the value is the same and the gradient flows.
            let leaf = x.requiringGradient()
            let recorded = conv2d(leaf, filter: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups,
                                  adding: residual, activation: activation)
            #expect(recorded.isAlmostEqual(to: expected, absoluteTolerance: 1e-4))
            #expect(recorded.sum().gradient(for: leaf).shape == x.shape)
        }
    }

    @Test("the AVX2 depthwise kernels equal the portable ones: forward with bias, residual and ReLU6, and backward")
    func vectorDepthwise() throws {
        try #require(vectorKernelsAvailable, "this CPU has no AVX2/FMA (or TRANSFERLAB_PORTABLE_KERNELS is set)")
        // Lite0's kernels and strides, channel counts with and without a remainder, images narrower than 4 pixels.
        let cases: [(input: [Int], kernel: Int, stride: Int)] = [
            ([2, 9, 11, 24], 3, 1), ([1, 12, 10, 40], 5, 2), ([1, 7, 7, 19], 5, 1), ([2, 3, 2, 16], 3, 2),
            ([1, 14, 14, 8], 3, 2), ([1, 6, 13, 5], 5, 1),
        ]
        for (shape, k, stride) in cases {
            let c = shape[3]
            let x = Tensor.random(normal: shape, seed: 21) * 3, w = Tensor.random(normal: [c, 1, k, k], seed: 22)
            let b = Tensor.random(normal: [c], seed: 23)
            let geometry = WindowGeometry(input: shape, kernelHeight: k, kernelWidth: k, stride: stride, padding: .same)
            let r = Tensor.random(normal: [shape[0], geometry.outputHeight, geometry.outputWidth, c], seed: 24)
            let variants: [(bias: Tensor?, residual: Tensor?, clamp: Bool)] = [
                (b, nil, false), (nil, r, true), (b, r, true), (nil, nil, false),
            ]
            for (bias, residual, clamp) in variants {
                let portable = depthwiseConv2d(x, filter: w, bias: bias, geometry: geometry, adding: residual,
                                               clampsToSix: clamp, vectorKernels: false)
                let vector = depthwiseConv2d(x, filter: w, bias: bias, geometry: geometry, adding: residual,
                                             clampsToSix: clamp, vectorKernels: true)
                #expect(vector.isAlmostEqual(to: portable, absoluteTolerance: 1e-4), "\(shape) k\(k) s\(stride)")
            }
            // Backward: the input gradient (stride 1 runs the forward kernel on a flipped filter) and the filter's.
            let (xLeaf, wLeaf) = (x.requiringGradient(), w.requiringGradient())
            let projection = Tensor.random(normal: r.shape, seed: 25)
            let gradients = [false, true].map { vector in
                (depthwiseConv2d(xLeaf, filter: wLeaf, bias: nil, geometry: geometry, vectorKernels: vector)
                    * projection).sum().gradients(for: [xLeaf, wLeaf])
            }
            for (portable, vector) in zip(gradients[0], gradients[1]) {
                #expect(vector.isAlmostEqual(to: portable, absoluteTolerance: 1e-3, relativeTolerance: 1e-4),
                        "gradient \(shape) k\(k) s\(stride)")
            }
        }
    }

    @Test("a batch too large for one im2col buffer is processed in chunks with the same result")
    func chunkedBatch() {
        // 40·40 output pixels x 3·3·320 columns exceed the 2²² column budget, so each image is its own chunk.
        let x = Tensor.random(normal: [3, 40, 40, 320], seed: 10), w = Tensor.random(normal: [2, 320, 3, 3], seed: 11)
        let (xLeaf, wLeaf) = (x.requiringGradient(), w.requiringGradient())
        let projection = Tensor.random(normal: [3, 40, 40, 2], seed: 12)
        let batch = conv2d(xLeaf, filter: wLeaf, padding: .same)
        let grads = (batch * projection).sum().gradients(for: [xLeaf, wLeaf])
        var filterGradient = Tensor(zeros: w.shape)
        for i in 0..<3 {
            let image = x.slice(lowerBounds: [i, 0, 0, 0], upperBounds: [i + 1, 40, 40, 320]).requiringGradient()
            let single = conv2d(image, filter: wLeaf, padding: .same)
            let part = projection.slice(lowerBounds: [i, 0, 0, 0], upperBounds: [i + 1, 40, 40, 2])
            #expect(single.isAlmostEqual(to: batch.slice(lowerBounds: [i, 0, 0, 0], upperBounds: [i + 1, 40, 40, 2])))
            let g = (single * part).sum().gradients(for: [image, wLeaf])
            let batchImageGradient = grads[0].slice(lowerBounds: [i, 0, 0, 0], upperBounds: [i + 1, 40, 40, 320])
            #expect(g[0].isAlmostEqual(to: batchImageGradient))
            filterGradient = filterGradient + g[1]
        }
        #expect(grads[1].isAlmostEqual(to: filterGradient, absoluteTolerance: 1e-3))
    }

    @Test("conv2d skips the input gradient when only the filter needs one")
    func filterOnlyGradient() {
        let x = Tensor.random(normal: [1, 4, 4, 3], seed: 7), w = Tensor.random(normal: [2, 3, 3, 3], seed: 8)
        let leaf = w.requiringGradient()
        let full = conv2d(x.requiringGradient(), filter: leaf, padding: .same).sum().gradient(for: leaf)
        #expect(conv2d(x, filter: leaf, padding: .same).sum().gradient(for: leaf).isAlmostEqual(to: full))
    }
}

@Suite("Pooling")
struct PoolingTests {
    @Test("max and average pooling of a 4x4 ramp")
    func poolValues() {
        let x = Tensor(shape: [1, 4, 4, 1], scalars: (1...16).map(Float.init))
        #expect(maxPool2d(x, size: 2).scalars == [6, 8, 14, 16])
        #expect(avgPool2d(x, size: 2).isAlmostEqual(to: Tensor(shape: [1, 2, 2, 1], scalars: [3.5, 5.5, 11.5, 13.5])))
        // SAME 3x3 stride 2: windows rows/cols {0,1,2} and {2,3}; padding is ignored in the average.
        #expect(maxPool2d(x, size: 3, stride: 2, padding: .same).scalars == [11, 12, 15, 16])
        #expect(avgPool2d(x, size: 3, stride: 2, padding: .same)
                    .isAlmostEqual(to: Tensor(shape: [1, 2, 2, 1], scalars: [6, 7.5, 12, 13.5])))
        let channels = Tensor(shape: [1, 1, 2, 2], scalars: [1, 10, 3, 30])
        #expect(globalAveragePool(channels).scalars == [2, 20])
        #expect(globalAveragePool(Tensor.random(normal: [2, 3, 5, 4], seed: 1)).shape == [2, 4])
    }

    @Test("pooling gradients match finite differences")
    func poolGradients() {
        // Distinct values 0.01 apart, so a 1e-3 nudge never changes which element is the maximum.
        var generator = SeededGenerator(seed: 9)
        let ramp = (0..<(2 * 6 * 5 * 3)).map { Float($0) * 0.01 }.shuffled(using: &generator)
        let x = Tensor(shape: [2, 6, 5, 3], scalars: ramp)
        let ops: [(Tensor) -> Tensor] = [
            { maxPool2d($0, size: 2) }, { maxPool2d($0, size: 3, stride: 2, padding: .same) },
            { avgPool2d($0, size: 2) }, { avgPool2d($0, size: 3, stride: 1, padding: .same) },
            { globalAveragePool($0) },
        ]
        for (i, op) in ops.enumerated() {
            let check = checkGradient(of: op, at: x, epsilon: 1e-3)
            #expect(check.worst < gradientTolerance, "pool \(i): \(check)")
        }
    }
}
