// Shape manipulation: reshape, transpose, slice, pad, concatenate. Each backward is the "opposite" op
// (transpose ↔ inverse transpose, slice ↔ zero padding, concatenate ↔ slices).

extension Tensor {
    /// The same elements with a new shape of equal element count; one axis may be -1 (inferred)
    /// (PyTorch: `reshape`). Concretely: `[N,1,1,C].reshaped(to: [N, -1])` → `[N,C]`.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().reduce(1) { $1.offset == inferred ? $0 : $0 * $1.element }
            precondition(known > 0 && scalarCount % known == 0, "cannot reshape \(shape) to \(newShape)")
            newShape[inferred] = scalarCount / known
        }
        precondition(newShape.reduce(1, *) == scalarCount, "cannot reshape \(shape) to \(newShape)")
        let inputShape = shape
        // d reshape/dx = reshape back
        return Tensor(shape: newShape, scalars: scalars).recorded(from: [self]) { g in [g.reshaped(to: inputShape)] }
    }

    /// All axes after the first merged into one: `[N, ...]` → `[N, rest]` (PyTorch: `torch.flatten(x, 1)`).
    public func flattened() -> Tensor {
        reshaped(to: [shape.first ?? 1, -1])
    }

    /// Inserts an axis of size 1 at `axis` (PyTorch: `unsqueeze`).
    public func expandingShape(at axis: Int) -> Tensor {
        var newShape = shape
        newShape.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(to: newShape)
    }

    /// Removes the size-1 axis at `axis` (PyTorch: `squeeze(axis)`).
    public func squeezingShape(at axis: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(shape[axis] == 1, "cannot squeeze axis \(axis) of size \(shape[axis])")
        var newShape = shape
        newShape.remove(at: axis)
        return reshaped(to: newShape)
    }

    /// Axes reordered: output axis i is input axis `permutation[i]` (PyTorch: `permute`).
    /// Concretely: NCHW → NHWC is `transposed(permutation: [0, 2, 3, 1])`.
    public func transposed(permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "\(permutation) is not a permutation of \(rank) axes")
        let newShape = permutation.map { shape[$0] }
        let strides = Tensor.strides(of: shape)
        let loop = StridedLoop(shape: newShape, stridesA: permutation.map { strides[$0] },
                               stridesB: [Int](repeating: 0, count: rank))
        let n = loop.rowLength, step = loop.rowStrideA
        let values = makeScalars(count: scalarCount) { out in
            scalars.withUnsafeBufferPointer { x in
                for (o, a, _) in loop {
                    let (out, x) = (out.baseAddress! + o, x.baseAddress! + a)
                    for k in 0..<n { out[k] = x[k * step] }
                }
            }
        }
        var inverse = permutation
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        // d transpose/dx = the inverse transpose
        return Tensor(shape: newShape, scalars: values).recorded(from: [self]) { g in
            [g.transposed(permutation: inverse)]
        }
    }

    /// The axes in reverse order; for a matrix, its transpose (PyTorch: `x.T`).
    public func transposed() -> Tensor {
        transposed(permutation: Array((0..<rank).reversed()))
    }

    /// The block `lowerBounds ..< upperBounds` along every axis (PyTorch: `x[a0:b0, a1:b1, ...]`).
    public func slice(lowerBounds: [Int], upperBounds: [Int]) -> Tensor {
        precondition(lowerBounds.count == rank && upperBounds.count == rank, "slice bounds must have \(rank) entries")
        for axis in 0..<rank {
            precondition(0 <= lowerBounds[axis] && lowerBounds[axis] <= upperBounds[axis]
                         && upperBounds[axis] <= shape[axis],
                         "slice \(lowerBounds)..<\(upperBounds) is outside shape \(shape)")
        }
        let newShape = zip(lowerBounds, upperBounds).map { $1 - $0 }
        var values = [Float](repeating: 0, count: newShape.reduce(1, *))
        copyBlock(from: scalars, shape: shape, into: &values, shape: newShape, offsets: lowerBounds, sliceOfBig: true)
        let inputShape = shape
        // d slice/dx = the upstream placed back in the block, zeros elsewhere
        return Tensor(shape: newShape, scalars: values).recorded(from: [self]) { g in
            [g.padded(forSizes: (0..<inputShape.count).map { (lowerBounds[$0], inputShape[$0] - upperBounds[$0]) })]
        }
    }

    /// This tensor surrounded by `value`: `sizes[axis] = (before, after)` elements per axis
    /// (PyTorch: `F.pad`, constant mode). Concretely: NHWC padding is `[(0,0), (top,bottom), (left,right), (0,0)]`.
    public func padded(forSizes sizes: [(before: Int, after: Int)], with value: Float = 0) -> Tensor {
        precondition(sizes.count == rank, "padded needs one (before, after) pair per axis, \(rank) in all")
        let newShape = (0..<rank).map { shape[$0] + sizes[$0].before + sizes[$0].after }
        var values = [Float](repeating: value, count: newShape.reduce(1, *))
        let lower = sizes.map(\.before)
        copyBlock(from: scalars, shape: shape, into: &values, shape: newShape, offsets: lower, sliceOfBig: false)
        let upper = (0..<rank).map { lower[$0] + shape[$0] }
        // d pad/dx = the upstream's interior block
        return Tensor(shape: newShape, scalars: values).recorded(from: [self]) { g in
            [g.slice(lowerBounds: lower, upperBounds: upper)]
        }
    }
}

/// Concatenates tensors whose shapes agree except along `axis` (PyTorch: `torch.cat(tensors, dim=axis)`).
public func concatenate(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
    let axis = tensors[0].normalizedAxis(axis)
    var shape = tensors[0].shape
    shape[axis] = 0
    for tensor in tensors {
        precondition(tensor.rank == shape.count && (0..<shape.count).allSatisfy {
            $0 == axis || tensor.shape[$0] == shape[$0]
        }, "cannot concatenate \(tensor.shape) with \(tensors[0].shape) along axis \(axis)")
        shape[axis] += tensor.shape[axis]
    }
    var values = [Float](repeating: 0, count: shape.reduce(1, *))
    var starts: [Int] = []
    var start = 0
    for tensor in tensors {
        var offsets = [Int](repeating: 0, count: shape.count)
        offsets[axis] = start
        copyBlock(from: tensor.scalars, shape: tensor.shape, into: &values, shape: shape, offsets: offsets,
                  sliceOfBig: false)
        starts.append(start)
        start += tensor.shape[axis]
    }
    // d concat/d(piece) = the upstream's block for that piece
    return Tensor(shape: shape, scalars: values).recorded(from: tensors) { g in
        zip(tensors, starts).map { tensor, start in
            var lower = [Int](repeating: 0, count: shape.count), upper = shape
            lower[axis] = start
            upper[axis] = start + tensor.shape[axis]
            return tensor.requiresGradient ? g.slice(lowerBounds: lower, upperBounds: upper) : nil
        }
    }
}

/// Copies between a big tensor and a block of it starting at `offsets`: reads the block out of `source` when
/// `sliceOfBig` (source is big), otherwise writes `source` (the block) into `destination` (big).
private func copyBlock(from source: [Float], shape sourceShape: [Int], into destination: inout [Float],
                       shape destinationShape: [Int], offsets: [Int], sliceOfBig: Bool) {
    let bigShape = sliceOfBig ? sourceShape : destinationShape
    let blockShape = sliceOfBig ? destinationShape : sourceShape
    guard blockShape.reduce(1, *) > 0 else { return }
    let bigStrides = Tensor.strides(of: bigShape)
    let base = zip(offsets, bigStrides).reduce(0) { $0 + $1.0 * $1.1 }
    let loop = StridedLoop(shape: blockShape, stridesA: bigStrides,
                           stridesB: [Int](repeating: 0, count: bigShape.count))
    let n = loop.rowLength, step = loop.rowStrideA
    source.withUnsafeBufferPointer { src in
        destination.withUnsafeMutableBufferPointer { dst in
            for (block, big, _) in loop {
                if sliceOfBig {
                    let (dst, src) = (dst.baseAddress! + block, src.baseAddress! + base + big)
                    for k in 0..<n { dst[k] = src[k * step] }
                } else {
                    let (dst, src) = (dst.baseAddress! + base + big, src.baseAddress! + block)
                    for k in 0..<n { dst[k * step] = src[k] }
                }
            }
        }
    }
}
