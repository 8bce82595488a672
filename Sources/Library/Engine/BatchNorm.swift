// Batch normalization over the last axis (the channels of NHWC activations, or the features of [N, F]).
// Both variants are fused kernels: one pass for the value (ReLU6 included when asked), one pass of per-channel sums
// for the gradient.

import Foundation

/// Batch normalization with fixed statistics, as at inference (PyTorch: `F.batch_norm(training=False)`,
/// `nn.BatchNorm2d.eval()`; checkpoint keys `running_mean`, `running_var`, `weight`, `bias`).
///
/// y = (x - mean) / √(variance + ε) · scale + offset, per channel. Concretely: x `[..., C]`; mean, variance, scale,
/// offset `[C]`. `epsilon` defaults to PyTorch's 1e-5 (TensorFlow-trained EfficientNet-Lite uses 1e-3).
///
/// `activation: .relu6` clamps the output in the same pass (`relu6(batchNorm(...))`, one activation-sized buffer
/// fewer to write and to keep for the backward pass).
public func batchNorm(_ x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor, offset: Tensor,
                      epsilon: Float = 1e-5, activation: FusedActivation = .none) -> Tensor {
    let c = checkChannels(x, [mean, variance, scale, offset])
    // y = x·a + b with a = scale/√(var+ε), b = offset - mean·a.
    let inverseStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let a = (0..<c).map { scale.scalars[$0] * inverseStd[$0] }
    let b = (0..<c).map { offset.scalars[$0] - mean.scalars[$0] * a[$0] }
    let clamps = activation == .relu6
    let y = scaleAndShift(x, a, b, clampsToSix: clamps)
    return y.recorded(from: [x, mean, variance, scale, offset]) { upstream in
        // Through the clamp first: d relu6/dz = 1 where 0 < relu6(z) < 6, else 0.
        let g = clamps ? upstream.masked(insideZeroToSix: y) : upstream
        // dy/dx = a; dy/dmean = -a; dy/dvar = -½·scale·(x-mean)·(var+ε)^-3/2; dy/dscale = x̂; dy/doffset = 1.
        let dx = x.requiresGradient ? scaleAndShift(g, a, [Float](repeating: 0, count: c)) : nil
        // A frozen network (e.g. an attack on the input) needs only dx: skip the per-channel sums.
        guard [mean, variance, scale, offset].contains(where: \.requiresGradient) else {
            return [dx, nil, nil, nil, nil]
        }
        let (sumG, sumGCentered) = channelSums(g, x, vShift: mean.scalars)   // Σg, Σg·(x-mean)
        let sumGXHat = (0..<c).map { sumGCentered[$0] * inverseStd[$0] }
        return [dx,
                Tensor(shape: [c], scalars: (0..<c).map { -a[$0] * sumG[$0] }),
                Tensor(shape: [c], scalars: (0..<c).map {
                    -0.5 * scale.scalars[$0] * sumGXHat[$0] * inverseStd[$0] * inverseStd[$0]
                }),
                Tensor(shape: [c], scalars: sumGXHat),
                Tensor(shape: [c], scalars: sumG)]
    }
}

/// Batch normalization with the statistics of this batch, as in training (PyTorch: `F.batch_norm(training=True)`,
/// `nn.BatchNorm2d.train()`). Gradients flow through the batch mean and variance.
///
/// Returns the output (shape of x) and the batch's per-channel `mean` and biased `variance` `[C]` (the ones used to
/// normalize; detached). For PyTorch's running-variance update multiply the variance by M/(M-1), M = count/C.
///
/// `activation: .relu6` clamps the output in the same pass, as `batchNorm` does.
public func batchNormTraining(_ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float = 1e-5,
                              activation: FusedActivation = .none) -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let c = checkChannels(x, [scale, offset])
    let m = Float(x.scalarCount / c)
    precondition(m > 0, "batchNormTraining needs at least one row, got shape \(x.shape)")
    // One pass for both statistics: Σx and Σ(x-K)² with K = the first row (a sample of each channel, so the
    // shifted sum does not cancel catastrophically), then var = Σ(x-K)²/M − (mean−K)².
    let shift = Array(x.scalars.prefix(c))
    let (sum, shiftedSquares) = channelSums(x, x, uShift: shift, vShift: shift)
    let mean = sum.map { $0 / m }
    let variance = (0..<c).map { Swift.max(shiftedSquares[$0] / m - (mean[$0] - shift[$0]) * (mean[$0] - shift[$0]), 0) }
    let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    // y = x̂·scale + offset with x̂ = (x-mean)·invStd, computed in one pass as x·k + (offset - mean·k).
    let k = (0..<c).map { scale.scalars[$0] * inverseStd[$0] }
    let clamps = activation == .relu6
    let y = scaleAndShift(x, k, (0..<c).map { offset.scalars[$0] - mean[$0] * k[$0] }, clampsToSix: clamps)
    let output = y.recorded(from: [x, scale, offset]) { upstream in
        // Through the clamp first: d relu6/dz = 1 where 0 < relu6(z) < 6, else 0.
        let g = clamps ? upstream.masked(insideZeroToSix: y) : upstream
        let (sumG, sumGCentered) = channelSums(g, x, vShift: mean)
        let sumGXHat = (0..<c).map { sumGCentered[$0] * inverseStd[$0] }
        // dx = (k/M)·(M·g - Σg - x̂·Σ(g·x̂)), k = scale·invStd: the mean and variance depend on every x.
        // As one pass: dx = g·k + x·q + r with q = -k·invStd·Σ(g·x̂)/M and r = -k·Σg/M - q·mean.
        let dx: Tensor? = x.requiresGradient ? {
            let q = (0..<c).map { -k[$0] * inverseStd[$0] * sumGXHat[$0] / m }
            return scaleAndShift(g, k, (0..<c).map { -k[$0] * sumG[$0] / m - q[$0] * mean[$0] }, plus: x, times: q)
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

extension Tensor {
    /// This tensor where 0 < y < 6, zero elsewhere (the upstream gradient through ReLU6, from its output y).
    func masked(insideZeroToSix y: Tensor) -> Tensor {
        precondition(shape == y.shape, "shapes \(shape) and \(y.shape) differ")
        let count = scalarCount
        let values = makeScalars(count: count) { out in
            scalars.withUnsafeBufferPointer { g in
                y.scalars.withUnsafeBufferPointer { y in
                    let (g, y, out) = (g.baseAddress!, y.baseAddress!, out.baseAddress!)
                    // 8 at a time with a lane mask (a branch per element would stop the loop vectorizing).
                    let (zero, six) = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 6))
                    var i = 0
                    while i + 8 <= count {
                        let v = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
                        let u = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                        let inside = (v .> zero) .& (v .< six)
                        UnsafeMutableRawPointer(out + i).storeBytes(of: zero.replacing(with: u, where: inside),
                                                                    as: SIMD8<Float>.self)
                        i += 8
                    }
                    for i in i..<count { out[i] = y[i] > 0 && y[i] < 6 ? g[i] : 0 }
                }
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}

/// u·a + b (+ v·q when v is given) with per-channel a, b, q `[C]` along the last axis, clamped to [0, 6] when
/// asked; no graph.
private func scaleAndShift(_ u: Tensor, _ a: [Float], _ b: [Float], plus v: Tensor? = nil, times q: [Float] = [],
                           clampsToSix: Bool = false) -> Tensor {
    let c = a.count, rows = u.scalarCount / max(c, 1)
    let vScalars = v?.scalars ?? []
    // Per-channel factors in one buffer, read through pointers so the inner loops vectorize.
    let factors = a + b + (q.isEmpty ? a : q)
    let values = makeScalars(count: u.scalarCount) { y in
        u.scalars.withUnsafeBufferPointer { u in
            vScalars.withUnsafeBufferPointer { v in
                factors.withUnsafeBufferPointer { factors in
                    let (a, b, q) = (factors.baseAddress!, factors.baseAddress! + c, factors.baseAddress! + 2 * c)
                    parallelFor(rows, work: u.count) { range in
                        for row in range {
                            let (y, u) = (y.baseAddress! + row * c, u.baseAddress! + row * c)
                            if clampsToSix {
                                for j in 0..<c { y[j] = Swift.min(Swift.max(u[j] * a[j] + b[j], 0), 6) }
                            } else if v.isEmpty {
                                for j in 0..<c { y[j] = u[j] * a[j] + b[j] }
                            } else {
                                let v = v.baseAddress! + row * c
                                for j in 0..<c { y[j] = u[j] * a[j] + v[j] * q[j] + b[j] }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: u.shape, scalars: values)
}

/// Per-channel Σu and Σ(u - uShift)·(v - vShift) over all rows (the second only when v is given; shifts default
/// to 0). Rows are split among threads; each sums blocks of 64 rows in Float (vectorized) into Double totals, and
/// the per-thread totals are added in a fixed order, so results do not depend on timing.
private func channelSums(_ u: Tensor, _ v: Tensor? = nil, uShift: [Float]? = nil, vShift: [Float]? = nil)
    -> (sum: [Float], products: [Float]) {
    let c = u.shape[u.rank - 1], rows = u.scalarCount / max(c, 1)
    let zeros = [Float](repeating: 0, count: c)
    let shifts = (uShift ?? zeros) + (vShift ?? zeros)
    let chunks = max(1, min(rows / 256, engineThreadCount))
    var totals = [Double](repeating: 0, count: chunks * 2 * c)   // per chunk: Σu then Σ products
    let vScalars = v?.scalars ?? []
    u.scalars.withUnsafeBufferPointer { u in
        vScalars.withUnsafeBufferPointer { v in
            totals.withUnsafeMutableBufferPointer { totals in
              shifts.withUnsafeBufferPointer { shifts in
                let (p, q) = (shifts.baseAddress!, shifts.baseAddress! + c)
                parallelFor(chunks, work: chunks > 1 ? u.count : 0) { range in
                    let block = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c)
                    defer { block.deallocate() }
                    let (blockU, blockUV) = (block, block + c)
                    for chunk in range {
                        let total = totals.baseAddress! + chunk * 2 * c
                        let chunkRows = (chunk * rows / chunks)..<((chunk + 1) * rows / chunks)
                        for start in stride(from: chunkRows.lowerBound, to: chunkRows.upperBound, by: 64) {
                            block.update(repeating: 0, count: 2 * c)
                            for row in start..<min(start + 64, chunkRows.upperBound) {
                                let u = u.baseAddress! + row * c
                                for j in 0..<c { blockU[j] += u[j] }
                                if !v.isEmpty {
                                    let v = v.baseAddress! + row * c
                                    for j in 0..<c { blockUV[j] += (u[j] - p[j]) * (v[j] - q[j]) }
                                }
                            }
                            for j in 0..<c {
                                total[j] += Double(blockU[j])
                                total[c + j] += Double(blockUV[j])
                            }
                        }
                    }
                }
              }
            }
        }
    }
    var sumU = [Double](repeating: 0, count: c), sumUV = [Double](repeating: 0, count: c)
    for chunk in 0..<chunks {
        for j in 0..<c {
            sumU[j] += totals[chunk * 2 * c + j]
            sumUV[j] += totals[chunk * 2 * c + c + j]
        }
    }
    return (sumU.map { Float($0) }, sumUV.map { Float($0) })
}
