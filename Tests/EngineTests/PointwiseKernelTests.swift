// The AVX2 pointwise (1x1) kernel against the portable sgemm path, on shapes that hit every edge of its tiling:
// rows not a multiple of 6 or 12, output channels with 8-wide and partial panels, both loop orders.

@testable import Engine
import Testing

@Suite("Pointwise kernel")
struct PointwiseKernelTests {
    /// (rows as [N, H, W], input channels, output channels).
    static let shapes: [(pixels: [Int], inputs: Int, outputs: Int)] = [
        ([1, 1, 1], 3, 1), ([1, 1, 5], 17, 7), ([1, 3, 3], 1, 8), ([2, 1, 7], 5, 9), ([1, 2, 7], 17, 16),
        ([1, 13, 1], 3, 17), ([3, 2, 5], 24, 24), ([1, 7, 7], 40, 33), ([2, 5, 3], 16, 40),
        // Panels too large for L1 (300 inputs × 112 outputs): the row-blocked order, split across threads.
        ([1, 7, 11], 300, 112), ([2, 7, 7], 320, 100),
    ]

    @Test("the vector kernel equals sgemm with bias, residual and ReLU6 fused, packed once or per call")
    func forward() throws {
        try #require(vectorKernelsAvailable, "this CPU has no AVX2/FMA (or TRANSFERLAB_PORTABLE_KERNELS is set)")
        for (index, shape) in Self.shapes.enumerated() {
            let seed = UInt64(index * 10)
            let x = Tensor.random(normal: shape.pixels + [shape.inputs], seed: seed) * 2
            let w = Tensor.random(normal: [shape.outputs, shape.inputs, 1, 1], seed: seed + 1)
            let b = Tensor.random(normal: [shape.outputs], seed: seed + 2)
            let r = Tensor.random(normal: shape.pixels + [shape.outputs], seed: seed + 3) * 3
            let packed = try #require(PackedPointwiseFilter(packing: w))
            let variants: [(bias: Tensor?, residual: Tensor?, clamp: Bool)] = [
                (nil, nil, false), (b, nil, true), (nil, r, false), (b, r, true),
            ]
            for (bias, residual, clamp) in variants {
                let portable = pointwiseConv2d(x, filter: w, bias: bias, packed: nil, adding: residual,
                                               clampsToSix: clamp, vectorKernels: false)
                for panels in [packed, nil] {
                    let vector = pointwiseConv2d(x, filter: w, bias: bias, packed: panels, adding: residual,
                                                 clampsToSix: clamp, vectorKernels: true)
                    #expect(vector.shape == portable.shape)
                    #expect(vector.isAlmostEqual(to: portable, absoluteTolerance: 1e-4),
                            "\(shape) bias \(bias != nil) residual \(residual != nil) clamp \(clamp)")
                }
            }
        }
    }

    @Test("conv2d with a packed filter gives the unpacked result, and both kernels give the same gradients")
    func packedThroughConv2d() throws {
        // 288 rows: the input gradient runs through the vector kernel too.
        let x = Tensor.random(normal: [2, 16, 9, 19], seed: 1), w = Tensor.random(normal: [27, 19, 1, 1], seed: 2)
        let b = Tensor.random(normal: [27], seed: 3)
        let packed = PackedPointwiseFilter(w)   // nil without AVX2: the portable path then
        let plain = conv2d(x, filter: w, bias: b, activation: .relu6)
        #expect(conv2d(x, filter: w, bias: b, activation: .relu6, packed: packed)
            .isAlmostEqual(to: plain, absoluteTolerance: 1e-5))
        let projection = Tensor.random(normal: plain.shape, seed: 4)
        let (xLeaf, wLeaf) = (x.requiringGradient(), w.requiringGradient())
        let gradients = [true, false].map { vector in
            (pointwiseConv2d(xLeaf, filter: wLeaf, bias: b, packed: nil, vectorKernels: vector && packed != nil)
                * projection).sum().gradients(for: [xLeaf, wLeaf])
        }
        for (vector, portable) in zip(gradients[0], gradients[1]) {
            #expect(vector.isAlmostEqual(to: portable, absoluteTolerance: 1e-4))
        }
    }

    @Test("packing the transpose of a filter equals packing its transposed copy; 144-row input gradients agree")
    func transposedPacking() throws {
        for (outputs, inputs) in [(1, 1), (7, 17), (16, 9), (24, 144), (40, 33)] {
            let w = Tensor.random(normal: [outputs, inputs, 1, 1], seed: UInt64(outputs))
            let copy = w.reshaped(to: [outputs, inputs]).transposed().reshaped(to: [inputs, outputs, 1, 1])
            let direct = try #require(PackedPointwiseFilter(transposing: w))
            let viaCopy = try #require(PackedPointwiseFilter(packing: copy))
            #expect(direct.outputs == inputs && direct.inputs == outputs)
            #expect(direct.scalars == viaCopy.scalars, "\(outputs)×\(inputs)")
        }
        // A 12×12 image: 144 rows, an input gradient that goes through the vector kernel (from 128 rows).
        let x = Tensor.random(normal: [1, 12, 12, 40], seed: 5).requiringGradient()
        let w = Tensor.random(normal: [33, 40, 1, 1], seed: 6)
        let projection = Tensor.random(normal: [1, 12, 12, 33], seed: 7)
        let gradients = [true, false].map { vector in
            (pointwiseConv2d(x, filter: w, bias: nil, packed: nil, vectorKernels: vector && vectorKernelsAvailable)
                * projection).sum().gradient(for: x)
        }
        #expect(gradients[0].isAlmostEqual(to: gradients[1], absoluteTolerance: 1e-4))
    }

    @Test("a packed filter that does not match the convolution is refused: only 1x1 filters pack")
    func onlyOneByOne() {
        #expect(PackedPointwiseFilter(packing: Tensor(zeros: [4, 3, 3, 3])) == nil)
        #expect(PackedPointwiseFilter(packing: Tensor(zeros: [4, 3])) == nil)
        #expect(PackedPointwiseFilter(packing: Tensor(zeros: [5, 3, 1, 1]))?.outputs == 5)
    }
}
