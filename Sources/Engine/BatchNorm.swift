// Batch normalisation over the last axis (the channels of NHWC activations, or the features of [N, F]).
// Both variants are fused kernels: one pass for the value, one pass of per-channel sums for the gradient.

import Foundation

/// Batch normalisation with fixed statistics, as at inference (PyTorch: `F.batch_norm(training=False)`,
/// `nn.BatchNorm2d.eval()`; checkpoint keys `running_mean`, `running_var`, `weight`, `bias`).
///
/// y = (x - mean) / √(variance + ε) · scale + offset, per channel. Concretely: x `[..., C]`; mean, variance, scale,
/// offset `[C]`. `epsilon` defaults to PyTorch's 1e-5 (TensorFlow-trained EfficientNet-Lite uses 1e-3).
public func batchNorm(_ x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor, offset: Tensor,
                      epsilon: Float = 1e-5) -> Tensor {
    let c = checkChannels(x, [mean, variance, scale, offset])
    // y = x·a + b with a = scale/√(var+ε), b = offset - mean·a.
    let inverseStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let a = (0..<c).map { scale.scalars[$0] * inverseStd[$0] }
    let b = (0..<c).map { offset.scalars[$0] - mean.scalars[$0] * a[$0] }
    let y = scaleAndShift(x, a, b)
    return y.recorded(from: [x, mean, variance, scale, offset]) { g in
        // dy/dx = a; dy/dmean = -a; dy/dvar = -½·scale·(x-mean)·(var+ε)^-3/2; dy/dscale = x̂; dy/doffset = 1.
        let dx = x.requiresGradient ? scaleAndShift(g, a, [Float](repeating: 0, count: c)) : nil
        // A frozen network (e.g. an attack on the input) needs only dx: skip the per-channel sums.
        guard [mean, variance, scale, offset].contains(where: \.requiresGradient) else { return [dx, nil, nil, nil, nil] }
        let (sumG, sumGX) = channelSums(g, x)
        let sumGXHat = (0..<c).map { (sumGX[$0] - mean.scalars[$0] * sumG[$0]) * inverseStd[$0] }
        return [dx,
                Tensor(shape: [c], scalars: (0..<c).map { -a[$0] * sumG[$0] }),
                Tensor(shape: [c], scalars: (0..<c).map {
                    -0.5 * scale.scalars[$0] * sumGXHat[$0] * inverseStd[$0] * inverseStd[$0]
                }),
                Tensor(shape: [c], scalars: sumGXHat),
                Tensor(shape: [c], scalars: sumG)]
    }
}

/// Batch normalisation with the statistics of this batch, as in training (PyTorch: `F.batch_norm(training=True)`,
/// `nn.BatchNorm2d.train()`). Gradients flow through the batch mean and variance.
///
/// Returns the output (shape of x) and the batch's per-channel `mean` and biased `variance` `[C]` (the ones used to
/// normalise; detached). For PyTorch's running-variance update multiply the variance by M/(M-1), M = count/C.
public func batchNormTraining(_ x: Tensor, scale: Tensor, offset: Tensor,
                              epsilon: Float = 1e-5) -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let c = checkChannels(x, [scale, offset])
    let m = Float(x.scalarCount / c)
    precondition(m > 0, "batchNormTraining needs at least one row, got shape \(x.shape)")
    let (sum, _) = channelSums(x, nil)
    let mean = sum.map { $0 / m }
    let centred = x.detached() - Tensor(shape: [c], scalars: mean)
    let variance = channelSums(centred.squared(), nil).0.map { $0 / m }
    let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let normalised = scaleAndShift(centred, inverseStd, [Float](repeating: 0, count: c))   // x̂
    let a = (0..<c).map { scale.scalars[$0] }
    let y = scaleAndShift(normalised, a, offset.scalars)
    let output = y.recorded(from: [x, scale, offset]) { g in
        let (sumG, sumGXHat) = channelSums(g, normalised)
        // dx = (scale·invStd / M) · (M·g - Σg - x̂·Σ(g·x̂)): the mean and variance depend on every x.
        let dx: Tensor? = x.requiresGradient ? {
            let k = (0..<c).map { a[$0] * inverseStd[$0] }
            let shift = (0..<c).map { -k[$0] * sumG[$0] / m }
            let slope = (0..<c).map { -k[$0] * sumGXHat[$0] / m }
            return scaleAndShift(g, k, shift) + normalised * Tensor(shape: [c], scalars: slope)
        }() : nil
        // dy/dscale = x̂, dy/doffset = 1.
        return [dx, Tensor(shape: [c], scalars: sumGXHat), Tensor(shape: [c], scalars: sumG)]
    }
    return (output, Tensor(shape: [c], scalars: mean), Tensor(shape: [c], scalars: variance))
}

/// The channel count (last axis of x), after checking every per-channel tensor is `[C]`.
private func checkChannels(_ x: Tensor, _ perChannel: [Tensor]) -> Int {
    precondition(x.rank >= 1, "batch norm needs a tensor with a channel axis, got shape \(x.shape)")
    let c = x.shape[x.rank - 1]
    for t in perChannel {
        precondition(t.shape == [c], "batch norm parameters must be [\(c)] for input \(x.shape), got \(t.shape)")
    }
    return c
}

/// x·a + b with per-channel a, b `[C]` along the last axis; no graph.
private func scaleAndShift(_ x: Tensor, _ a: [Float], _ b: [Float]) -> Tensor {
    let c = a.count, rows = x.scalarCount / max(c, 1)
    let values = makeScalars(count: x.scalarCount) { y in
        x.scalars.withUnsafeBufferPointer { x in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    parallelFor(rows, work: x.count) { range in
                        for row in range {
                            let (y, x) = (y.baseAddress! + row * c, x.baseAddress! + row * c)
                            for j in 0..<c { y[j] = x[j] * a[j] + b[j] }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: x.shape, scalars: values)
}

/// Per-channel Σu and Σu·v over all rows (v optional), accumulated per row in Float then in Double across rows.
private func channelSums(_ u: Tensor, _ v: Tensor?) -> ([Float], [Float]) {
    let c = u.shape[u.rank - 1], rows = u.scalarCount / max(c, 1)
    var sumU = [Double](repeating: 0, count: c), sumUV = [Double](repeating: 0, count: c)
    let block = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c)
    defer { block.deallocate() }
    let (blockU, blockUV) = (block, block + c)
    let vScalars = v?.scalars ?? []
    u.scalars.withUnsafeBufferPointer { u in
        vScalars.withUnsafeBufferPointer { v in
            // Float sums over blocks of 64 rows vectorise; Double totals keep large batches accurate.
            for start in stride(from: 0, to: rows, by: 64) {
                block.update(repeating: 0, count: 2 * c)
                for row in start..<min(start + 64, rows) {
                    let u = u.baseAddress! + row * c
                    for j in 0..<c { blockU[j] += u[j] }
                    if let v = v.baseAddress { for j in 0..<c { blockUV[j] += u[j] * v[row * c + j] } }
                }
                for j in 0..<c { sumU[j] += Double(blockU[j]); sumUV[j] += Double(blockUV[j]) }
            }
        }
    }
    return (sumU.map { Float($0) }, sumUV.map { Float($0) })
}
