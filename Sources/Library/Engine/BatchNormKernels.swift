// Batch normalization's per-channel passes over `[rows, C]` activations: the affine value (ReLU6 included), the
// per-channel sums, and the input gradient. Each has an AVX2/FMA kernel (BatchNorm.c), used when the CPU has it,
// and a portable Swift loop; both compute the ReLU6 mask from the input x (0 < x·a + b < 6, with the same
// arithmetic as their own forward value), so the backward pass needs neither the output nor a masked copy of the
// upstream gradient.

import CKernels

/// Per-channel factors `a`, `b` of a ReLU6 that follows `x·a + b`: where its gradient passes.
struct ReLU6Mask {
    let a: [Float], b: [Float]
}

/// x·a + b per channel along the last axis, clamped to [0, 6] when asked; no graph.
func affine(_ x: Tensor, _ a: [Float], _ b: [Float], clampsToSix: Bool,
            vectorKernels: Bool = vectorKernelsAvailable) -> Tensor {
    let c = a.count, rows = x.scalarCount / max(c, 1)
    let values = makeScalars(count: x.scalarCount) { y in
        x.scalars.withUnsafeBufferPointer { x in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    parallelFor(rows, work: x.count) { range in
                        if vectorKernels {
                            tl_affine_rows_avx2(x.baseAddress, a.baseAddress, b.baseAddress, y.baseAddress, c,
                                                range.lowerBound, range.upperBound, clampsToSix ? 1 : 0)
                            return
                        }
                        let (a, b) = (a.baseAddress!, b.baseAddress!)
                        for row in range {
                            let (y, x) = (y.baseAddress! + row * c, x.baseAddress! + row * c)
                            if clampsToSix {
                                for j in 0..<c { y[j] = Swift.min(Swift.max(x[j] * a[j] + b[j], 0), 6) }
                            } else {
                                for j in 0..<c { y[j] = x[j] * a[j] + b[j] }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: x.shape, scalars: values)
}

/// The input gradient of a batch norm, dx = m·g·k + x·q + r per channel, with m the ReLU6 mask of x (1 without
/// one); `q` and `r` empty mean zero. No graph.
func batchNormInputGradient(_ g: Tensor, x: Tensor, k: [Float], q: [Float] = [], r: [Float] = [],
                            mask: ReLU6Mask?, vectorKernels: Bool = vectorKernelsAvailable) -> Tensor {
    let c = k.count, rows = g.scalarCount / max(c, 1)
    let (maskA, maskB) = (mask?.a ?? [], mask?.b ?? [])
    let values = makeScalars(count: g.scalarCount) { dx in
        g.scalars.withUnsafeBufferPointer { g in
            x.scalars.withUnsafeBufferPointer { x in
                withPointers(k, q, r, maskA, maskB) { k, q, r, maskA, maskB in
                    parallelFor(rows, work: g.count) { range in
                        if vectorKernels {
                            tl_batchnorm_backward_rows_avx2(g.baseAddress, x.baseAddress, k, q, r, maskA, maskB,
                                                            dx.baseAddress, c, range.lowerBound, range.upperBound)
                            return
                        }
                        for row in range {
                            let (dx, g, x) = (dx.baseAddress! + row * c, g.baseAddress! + row * c,
                                              x.baseAddress! + row * c)
                            for j in 0..<c {
                                var gj = g[j]
                                if let maskA, let maskB {
                                    let z = x[j] * maskA[j] + maskB[j]
                                    if !(z > 0 && z < 6) { gj = 0 }
                                }
                                var sum = gj * k![j]
                                if let q { sum += x[j] * q[j] }
                                if let r { sum += r[j] }
                                dx[j] = sum
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: g.shape, scalars: values)
}

/// Per-channel Σ m·u and Σ (m·u − uShift)·(v − vShift) over all rows (the second only when v is given; shifts
/// default to 0; m is the ReLU6 mask of v, or 1). Rows are split among threads; each sums blocks of 64 rows in
/// Float into Double totals, and the per-thread totals are added in a fixed order, so results do not depend on
/// timing.
func channelSums(_ u: Tensor, _ v: Tensor? = nil, uShift: [Float]? = nil, vShift: [Float]? = nil,
                 mask: ReLU6Mask? = nil, vectorKernels: Bool = vectorKernelsAvailable)
    -> (sum: [Float], products: [Float]) {
    let c = u.shape[u.rank - 1], rows = u.scalarCount / max(c, 1)
    let chunks = max(1, min(rows / 256, engineThreadCount))
    var totals = [Double](repeating: 0, count: chunks * 2 * c)   // per chunk: Σu then Σ products
    let vScalars = v?.scalars ?? []
    u.scalars.withUnsafeBufferPointer { u in
        vScalars.withUnsafeBufferPointer { v in
            totals.withUnsafeMutableBufferPointer { totals in
                withPointers(uShift ?? [], vShift ?? [], mask?.a ?? [], mask?.b ?? [], []) { p, q, maskA, maskB, _ in
                    parallelFor(chunks, work: chunks > 1 ? u.count : 0) { range in
                        let block = UnsafeMutablePointer<Float>.allocate(capacity: 2 * c)
                        defer { block.deallocate() }
                        for chunk in range {
                            let total = totals.baseAddress! + chunk * 2 * c
                            let chunkRows = (chunk * rows / chunks)..<((chunk + 1) * rows / chunks)
                            if vectorKernels {
                                tl_channel_sums_avx2(u.baseAddress, v.baseAddress, p, q, maskA, maskB, c,
                                                     chunkRows.lowerBound, chunkRows.upperBound, block, total)
                                continue
                            }
                            sumRows(chunkRows, c: c, u: u.baseAddress!, v: v.baseAddress, p: p, q: q,
                                    maskA: maskA, maskB: maskB, block: block, total: total)
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

/// The portable loop of `channelSums` for one chunk of rows.
private func sumRows(_ rows: Range<Int>, c: Int, u: UnsafePointer<Float>, v: UnsafePointer<Float>?,
                     p: UnsafePointer<Float>?, q: UnsafePointer<Float>?, maskA: UnsafePointer<Float>?,
                     maskB: UnsafePointer<Float>?, block: UnsafeMutablePointer<Float>,
                     total: UnsafeMutablePointer<Double>) {
    let (blockU, blockUV) = (block, block + c)
    for start in stride(from: rows.lowerBound, to: rows.upperBound, by: 64) {
        block.update(repeating: 0, count: 2 * c)
        for row in start..<min(start + 64, rows.upperBound) {
            let u = u + row * c
            guard let v = v.map({ $0 + row * c }) else {
                for j in 0..<c { blockU[j] += u[j] }
                continue
            }
            for j in 0..<c {
                var uj = u[j]
                if let maskA, let maskB {
                    let z = v[j] * maskA[j] + maskB[j]
                    if !(z > 0 && z < 6) { uj = 0 }
                }
                blockU[j] += uj
                blockUV[j] += (uj - (p?[j] ?? 0)) * (v[j] - (q?[j] ?? 0))
            }
        }
        for j in 0..<c {
            total[j] += Double(blockU[j])
            total[c + j] += Double(blockUV[j])
        }
    }
}

/// Calls `body` with a pointer to each array, nil for an empty one.
private func withPointers<R>(_ a: [Float], _ b: [Float], _ c: [Float], _ d: [Float], _ e: [Float],
                             _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
                                      UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
    func pointer(_ x: [Float], _ body: (UnsafePointer<Float>?) -> R) -> R {
        x.isEmpty ? body(nil) : x.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
    return pointer(a) { a in pointer(b) { b in pointer(c) { c in pointer(d) { d in pointer(e) { e in
        body(a, b, c, d, e)
    } } } } }
}
