// Strided iteration: the one loop behind broadcasting, reductions to a shape, and transposition.
//
// An output of shape `shape` is walked in row-major order; two operands are read (or written) through their
// own strides, where a stride of 0 repeats a value (broadcasting). Axes of size 1 are dropped and adjacent axes
// that are contiguous for every operand are merged, so e.g. `[N,H,W,C] + [C]` becomes one outer loop over N·H·W
// and an inner loop over C with unit strides.

/// Row-major walk over a shape with two strided operands, one element per innermost row.
struct StridedLoop: Sequence {
    /// The coalesced shape; never empty (a scalar walk is one row of length 1).
    private(set) var shape: [Int]
    private(set) var stridesA: [Int]
    private(set) var stridesB: [Int]

    init(shape: [Int], stridesA: [Int], stridesB: [Int]) {
        var dims: [(size: Int, a: Int, b: Int)] = []
        for axis in shape.indices where shape[axis] != 1 {
            let dim = (size: shape[axis], a: stridesA[axis], b: stridesB[axis])
            // Merge with the previous axis when one step of it equals a full sweep of this one, for both operands.
            if let last = dims.last, last.a == dim.a * dim.size, last.b == dim.b * dim.size {
                dims[dims.count - 1] = (last.size * dim.size, dim.a, dim.b)
            } else {
                dims.append(dim)
            }
        }
        if dims.isEmpty { dims = [(1, 0, 0)] }
        self.shape = dims.map(\.size)
        self.stridesA = dims.map(\.a)
        self.stridesB = dims.map(\.b)
    }

    /// Elements per innermost row.
    var rowLength: Int { shape[shape.count - 1] }
    /// Stride of operand A along the innermost row.
    var rowStrideA: Int { stridesA[stridesA.count - 1] }
    /// Stride of operand B along the innermost row.
    var rowStrideB: Int { stridesB[stridesB.count - 1] }

    /// The start of every innermost row in row-major order: (contiguous offset, offset in A, offset in B).
    func makeIterator() -> Rows {
        Rows(loop: self)
    }

    /// Odometer over the outer axes. NOTE: callers write their per-element loop inline in `for row in loop`:
    /// a per-element closure handed to a function in another file is not inlined (files compile separately in
    /// debug builds), which measured ~10x slower.
    struct Rows: IteratorProtocol {
        let loop: StridedLoop
        var index: [Int]
        var offset = 0, offsetA = 0, offsetB = 0
        var done: Bool

        init(loop: StridedLoop) {
            self.loop = loop
            index = [Int](repeating: 0, count: loop.shape.count - 1)
            done = loop.shape.contains(0)
        }

        mutating func next() -> (offset: Int, a: Int, b: Int)? {
            if done { return nil }
            let row = (offset, offsetA, offsetB)
            offset += loop.rowLength
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                offsetA += loop.stridesA[axis]
                offsetB += loop.stridesB[axis]
                if index[axis] < loop.shape[axis] { break }
                offsetA -= loop.stridesA[axis] * loop.shape[axis]
                offsetB -= loop.stridesB[axis] * loop.shape[axis]
                index[axis] = 0
                axis -= 1
            }
            done = axis < 0
            return row
        }
    }
}

/// The NumPy broadcast of two shapes (axes aligned on the right; sizes must match or be 1).
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let a = [Int](repeating: 1, count: rank - a.count) + a
    let b = [Int](repeating: 1, count: rank - b.count) + b
    return zip(a, b).map { x, y in
        precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) cannot be broadcast together")
        return max(x, y)
    }
}

/// Strides that read a tensor of `shape` as if broadcast to `target` (0 along repeated axes).
func broadcastStrides(of shape: [Int], to target: [Int]) -> [Int] {
    let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
    let strides = Tensor.strides(of: padded)
    return padded.indices.map { padded[$0] == 1 && target[$0] != 1 ? 0 : strides[$0] }
}

extension Tensor {
    /// This tensor repeated along axes of size 1 to `shape` (NumPy broadcasting; PyTorch: `expand(...)`).
    public func broadcasted(to shape: [Int]) -> Tensor {
        if shape == self.shape { return self }
        precondition(broadcastShape(self.shape, shape) == shape, "cannot broadcast \(self.shape) to \(shape)")
        let loop = StridedLoop(shape: shape, stridesA: broadcastStrides(of: self.shape, to: shape),
                               stridesB: [Int](repeating: 0, count: shape.count))
        let rowLength = loop.rowLength, step = loop.rowStrideA
        let values = makeScalars(count: shape.reduce(1, *)) { out in
            scalars.withUnsafeBufferPointer { x in
                for (o, a, _) in loop {
                    let (out, x) = (out.baseAddress! + o, x.baseAddress! + a)
                    for i in 0..<rowLength { out[i] = x[i * step] }
                }
            }
        }
        let inputShape = self.shape
        // d(broadcast)/dx sums the upstream over the repeated axes.
        return Tensor(shape: shape, scalars: values).recorded(from: [self]) { g in [g.summed(toShape: inputShape)] }
    }

    /// The sum over the axes along which `shape` was broadcast to `self.shape` (the adjoint of
    /// `broadcasted(to:)`); used by the backward of every broadcasting op.
    public func summed(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(broadcastShape(target, shape) == shape, "cannot sum \(shape) down to \(target)")
        let loop = StridedLoop(shape: shape, stridesA: broadcastStrides(of: target, to: shape),
                               stridesB: [Int](repeating: 0, count: shape.count))
        let rowLength = loop.rowLength, step = loop.rowStrideA
        var values = [Float](repeating: 0, count: target.reduce(1, *))
        values.withUnsafeMutableBufferPointer { out in
            scalars.withUnsafeBufferPointer { x in
                for (o, a, _) in loop {
                    let (out, x) = (out.baseAddress! + a, x.baseAddress! + o)
                    if step == 0 {
                        var sum: Float = 0
                        for i in 0..<rowLength { sum += x[i] }
                        out[0] += sum
                    } else {
                        for i in 0..<rowLength { out[i * step] += x[i] }
                    }
                }
            }
        }
        // d(sum)/dx broadcasts the upstream back.
        let inputShape = shape
        return Tensor(shape: target, scalars: values).recorded(from: [self]) { g in [g.broadcasted(to: inputShape)] }
    }
}
