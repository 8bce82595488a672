// Forward values of the basic ops, with numbers small enough to check by hand.

@testable import Engine
import Foundation
import Testing

@Suite("Tensor basics")
struct TensorTests {
    @Test("initializers, subscripts and description")
    func basics() {
        var t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.rank == 2 && t.scalarCount == 6 && t[1, 2] == 6)
        t[0, 1] = 9
        #expect(t.scalars == [1, 9, 3, 4, 5, 6])
        t.withUnsafeMutableScalars { $0[5] = -6 }
        #expect(t[1, 2] == -6)
        t[1, 2] = 6
        #expect(Tensor(zeros: [2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor(repeating: 7, shape: [3]).scalars == [7, 7, 7])
        #expect(Tensor(2.5).shape == [] && Tensor(2.5).scalar == 2.5)
        #expect(t.description.hasPrefix("Tensor[2, 3](1, 9, 3"))
    }

    #if os(Linux)
    @Test("large freed buffers are kept for reuse (glibc settings applied once)")
    func bufferReuse() {
        _ = Tensor(zeros: [1])
        #expect(largeBufferReuse)
    }
    #endif

    @Test("copies are independent (copy-on-write)")
    func copyOnWrite() {
        let a = Tensor(shape: [2], scalars: [1, 2])
        var b = a
        b[0] = 5
        #expect(a.scalars == [1, 2] && b.scalars == [5, 2])
    }

    @Test("seeded random tensors are reproducible and have the requested statistics")
    func random() {
        #expect(Tensor.random(normal: [10], seed: 3) == Tensor.random(normal: [10], seed: 3))
        #expect(Tensor.random(normal: [10], seed: 3) != Tensor.random(normal: [10], seed: 4))
        let n = Tensor.random(normal: [20_000], mean: 2, standardDeviation: 3, seed: 1)
        let mean = n.mean().scalar, std = (n - mean).squared().mean().scalar.squareRoot()
        #expect(abs(mean - 2) < 0.1 && abs(std - 3) < 0.1)
        let u = Tensor.random(uniform: [10_000], in: -1...3, seed: 2)
        #expect(u.min() >= -1 && u.max() <= 3 && abs(u.mean().scalar - 1) < 0.05)
        var g = SeededGenerator(seed: 42)
        var same = SeededGenerator(seed: 42)
        let first = g.next(), again = same.next(), second = g.next()
        #expect(first == again && first != second)
    }

    @Test("broadcasting arithmetic follows NumPy rules")
    func broadcasting() {
        let column = Tensor(shape: [2, 1], scalars: [10, 20]), row = Tensor([1, 2, 3])
        #expect((column + row).shape == [2, 3])
        #expect((column + row).scalars == [11, 12, 13, 21, 22, 23])
        #expect((column - row).scalars == [9, 8, 7, 19, 18, 17])
        #expect((row * column).scalars == [10, 20, 30, 20, 40, 60])
        #expect((column / Tensor([2])).scalars == [5, 10])
        #expect((2 - row).scalars == [1, 0, -1] && (row / 2).scalars == [0.5, 1, 1.5] && (-row).scalars == [-1, -2, -3])
        let image = Tensor(ones: [2, 2, 2, 3])
        let expected: [Float] = Array([[Float]](repeating: [1, 2, 3], count: 8).joined())
        #expect((image * Tensor([1, 2, 3])).scalars == expected)
    }

    @Test("element-wise functions")
    func elementwise() {
        let x = Tensor([-4, -1, 0, 2, 7])
        #expect(relu(x).scalars == [0, 0, 0, 2, 7])
        #expect(relu6(x).scalars == [0, 0, 0, 2, 6])
        let minusOne: Float = -1, two: Float = 2
        #expect(hardSwish(x).scalars == [0, minusOne * 2 / 6, 0, two * 5 / 6, 7])
        #expect(x.clamped(min: -1, max: 3).scalars == [-1, -1, 0, 2, 3])
        #expect(sign(x).scalars == [-1, -1, 0, 1, 1] && abs(x).scalars == [4, 1, 0, 2, 7])
        #expect(sigmoid(Tensor([0])).scalars == [0.5] && swish(Tensor([0])).scalars == [0])
        #expect(exp(Tensor([0, 1])).isAlmostEqual(to: Tensor([1, Float(M_E)])))
        #expect(log(Tensor([1, 4])).isAlmostEqual(to: Tensor([0, Foundation.log(4)])))
        #expect(sqrt(Tensor([4, 9])).scalars == [2, 3] && Tensor([3]).squared().scalars == [9])
        #expect(tanh(Tensor([0])).scalars == [0])
    }

    @Test("reductions keep or squeeze axes")
    func reductions() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.sum().scalar == 21 && x.mean().scalar == 3.5)
        #expect(x.sum(alongAxes: [0]) == Tensor(shape: [1, 3], scalars: [5, 7, 9]))
        #expect(x.sum(squeezingAxes: [1]) == Tensor(shape: [2], scalars: [6, 15]))
        #expect(x.mean(squeezingAxes: [-1]) == Tensor(shape: [2], scalars: [2, 5]))
        #expect(x.sum(alongAxes: [0, 1]).shape == [1, 1])
        #expect(Tensor(shape: [2, 3], scalars: [1, 9, 3, 7, 2, 7]).argmax() == [1, 0])
    }

    @Test("reshape, transpose, slice, pad and concatenate")
    func shapes() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.reshaped(to: [3, -1]).shape == [3, 2])
        #expect(x.transposed() == Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
        let nchw = Tensor(shape: [1, 2, 1, 3], scalars: [1, 2, 3, 10, 20, 30])
        #expect(nchw.transposed(permutation: [0, 2, 3, 1]).scalars == [1, 10, 2, 20, 3, 30])
        #expect(x.slice(lowerBounds: [0, 1], upperBounds: [2, 3]) == Tensor(shape: [2, 2], scalars: [2, 3, 5, 6]))
        #expect(x.padded(forSizes: [(0, 1), (1, 0)]) == Tensor(shape: [3, 4], scalars: [0, 1, 2, 3, 0, 4, 5, 6,
                                                                                          0, 0, 0, 0]))
        #expect(concatenate([x, x * 10], alongAxis: 1)
                == Tensor(shape: [2, 6], scalars: [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60]))
        #expect(concatenate([x, x], alongAxis: 0).shape == [4, 3])
        #expect(x.expandingShape(at: 0).shape == [1, 2, 3] && x.flattened().shape == [2, 3])
        #expect(x.broadcasted(to: [2, 2, 3]).scalars == x.scalars + x.scalars)
    }

    @Test("matmul of small matrices, transposed and batched")
    func matmulValues() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
        #expect(matmul(a, b).scalars == [19, 22, 43, 50])
        #expect(matmul(a, b, transposeA: true).scalars == [26, 30, 38, 44])
        #expect(matmul(a, b, transposeB: true).scalars == [17, 23, 39, 53])
        let batch = matmul(concatenate([a, b]).reshaped(to: [2, 2, 2]), concatenate([b, a]).reshaped(to: [2, 2, 2]))
        #expect(batch.scalars == [19, 22, 43, 50, 23, 34, 31, 46])
    }

    @Test("softmax, log-softmax and cross-entropy values")
    func lossValues() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
        let p = softmax(logits)
        let e = [Float(M_E), Float(M_E * M_E), Float(M_E * M_E * M_E)]
        let total = e.reduce(0, +)
        #expect(p.isAlmostEqual(to: Tensor(shape: [2, 3], scalars: e.map { $0 / total } + [1, 1, 1].map { $0 / 3 })))
        #expect(logSoftmax(logits).isAlmostEqual(to: log(p), absoluteTolerance: 1e-5))
        let ce = crossEntropy(logits: logits, labels: [2, 0]).scalar
        #expect(abs(ce - (-Foundation.log(e[2] / total) + Foundation.log(3)) / 2) < 1e-4)
        // Smoothing 0.3 over 3 classes: target (0.1, 0.1, 0.8) for label 2.
        let smooth = crossEntropy(logits: logits.slice(lowerBounds: [0, 0], upperBounds: [1, 3]), labels: [2],
                                  labelSmoothing: 0.3).scalar
        let manual = -(0.1 * Foundation.log(e[0] / total) + 0.1 * Foundation.log(e[1] / total)
                       + 0.8 * Foundation.log(e[2] / total))
        #expect(abs(smooth - manual) < 1e-5)
        let soft = crossEntropy(logits: logits, probabilities: Tensor(shape: [2, 3], scalars: [0, 0, 1, 1, 0, 0]))
        #expect(abs(soft.scalar - ce) < 1e-6)
    }

    @Test("dropout zeroes about `rate` of the elements and rescales the rest")
    func dropoutValues() {
        var g = SeededGenerator(seed: 1)
        let y = dropout(Tensor(ones: [10_000]), rate: 0.25, generator: &g)
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(abs(Float(zeros) / 10_000 - 0.25) < 0.02)
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 4 / 3) < 1e-6 })
    }
}
