// The row-by-row inverted-residual block against the same three convolutions run layer by layer.

@testable import Engine
import Testing

@Suite("Inverted-residual kernel")
struct InvertedResidualKernelTests {
    struct Case: CustomStringConvertible {
        var input: [Int], expanded: Int, output: Int, kernel: Int, stride: Int, expands: Bool
        var description: String { "\(input) → \(expanded) → \(output), k\(kernel) s\(stride) expand \(expands)" }
    }

    static let cases: [Case] = [
        Case(input: [1, 9, 7, 5], expanded: 13, output: 5, kernel: 3, stride: 1, expands: true),   // adds its input
        Case(input: [2, 10, 9, 4], expanded: 24, output: 7, kernel: 5, stride: 2, expands: true),
        Case(input: [3, 8, 8, 16], expanded: 16, output: 8, kernel: 3, stride: 1, expands: false),
        // Rows of 160 KB: one output row per chunk, rows kept between chunks, and two bands per image.
        Case(input: [1, 11, 64, 8], expanded: 640, output: 8, kernel: 3, stride: 1, expands: true),
        Case(input: [1, 12, 64, 8], expanded: 640, output: 24, kernel: 5, stride: 2, expands: true),
    ]

    @Test("equals expand → depthwise → project (+ input) layer by layer", arguments: cases)
    func matchesLayers(_ c: Case) throws {
        try #require(vectorKernelsAvailable, "this CPU has no AVX2/FMA (or TRANSFERLAB_PORTABLE_KERNELS is set)")
        let x = Tensor.random(normal: c.input, seed: 1)
        let (cin, e) = (c.input[3], c.expanded)
        // Scaled so the ReLU6 clamps on both sides.
        let expandFilter = Tensor.random(normal: [e, cin, 1, 1], seed: 2) * 2
        let expandBias = Tensor.random(normal: [e], seed: 3)
        let depthwiseFilter = Tensor.random(normal: [e, 1, c.kernel, c.kernel], seed: 4)
        let depthwiseBias = Tensor.random(normal: [e], seed: 5)
        let projectFilter = Tensor.random(normal: [c.output, e, 1, 1], seed: 6) * 0.3
        let projectBias = Tensor.random(normal: [c.output], seed: 7)
        let addsInput = c.stride == 1 && cin == c.output
        let block = try #require(InvertedResidualWeights(
            packing: c.expands ? (expandFilter, expandBias) : nil, depthwise: (depthwiseFilter, depthwiseBias),
            stride: c.stride, padding: .same, project: (projectFilter, projectBias), addsInput: addsInput))

        var expected = c.expands ? conv2d(x, filter: expandFilter, bias: expandBias, activation: .relu6) : x
        expected = conv2d(expected, filter: depthwiseFilter, bias: depthwiseBias, stride: c.stride, padding: .same,
                          groups: e, activation: .relu6)
        expected = conv2d(expected, filter: projectFilter, bias: projectBias, adding: addsInput ? x : nil)
        let rowWise = invertedResidual(x, block)
        #expect(rowWise.shape == expected.shape)
        #expect(rowWise.isAlmostEqual(to: expected, absoluteTolerance: 1e-4), "\(c)")
    }

    @Test("refuses filters that do not make a block")
    func refusesMismatches() {
        let depthwise = (filter: Tensor(zeros: [6, 1, 3, 3]), bias: Tensor?.none)
        #expect(InvertedResidualWeights(packing: nil, depthwise: depthwise, stride: 1, padding: .same,
                                        project: (Tensor(zeros: [4, 5, 1, 1]), nil), addsInput: false) == nil)
        #expect(InvertedResidualWeights(packing: (Tensor(zeros: [5, 4, 1, 1]), nil), depthwise: depthwise, stride: 1,
                                        padding: .same, project: (Tensor(zeros: [4, 6, 1, 1]), nil),
                                        addsInput: false) == nil)
        #expect(InvertedResidualWeights(packing: (Tensor(zeros: [6, 4, 1, 1]), nil), depthwise: depthwise, stride: 1,
                                        padding: .same, project: (Tensor(zeros: [4, 6, 1, 1]), nil),
                                        addsInput: true) != nil)
    }
}
