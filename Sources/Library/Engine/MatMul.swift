// Matrix multiplication on OpenBLAS's cblas_sgemm, threaded by the engine.
//
// The engine owns the threads: OpenBLAS runs single-threaded (set once, before the first product) and `sgemm`
// splits a large product into one block of C per engine thread, each a single-threaded cblas_sgemm call. With
// OpenBLAS's own pool, its idle workers spin (`sched_yield`) between calls on the very cores the engine's loops
// want: 16% of a 2-thread training step's samples. Calling `sgemm` from inside a `parallelFor` worker is safe.

import COpenBLAS

/// Set once per process, before the first product: OpenBLAS runs on the calling thread only.
private let blasSingleThreaded: Bool = {
    openblas_set_num_threads(1)
    return true
}()

/// Products smaller than this many multiply-adds run on one thread (splitting would cost more than it saves).
private let parallelProductWork = 1 << 20

/// C = alpha·op(A)·op(B) + beta·C on row-major buffers; op(A) is [m,k], op(B) is [k,n], C is [m,n]. Split over
/// the engine's threads along the longer of m and n when it is large.
func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
           _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0 && n > 0 else { return }
    _ = blasSingleThreaded
    func product(rows: Range<Int>, columns: Range<Int>) {
        // op(A) rows i.. start at A[i, 0] (row-major [m, k]) or A[0, i] (transposed, [k, m]); op(B) columns j..
        // at B[0, j] ([k, n]) or B[j, 0] (transposed, [n, k]).
        let aStart = a + (transposeA ? rows.lowerBound : rows.lowerBound * lda)
        let bStart = b + (transposeB ? columns.lowerBound * ldb : columns.lowerBound)
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(rows.count), blasint(columns.count), blasint(k), alpha, aStart, blasint(lda), bStart,
                    blasint(ldb), beta, c + rows.lowerBound * ldc + columns.lowerBound, blasint(ldc))
    }
    let threads = engineThreadCount
    guard threads > 1, m * n * k >= parallelProductWork, max(m, n) >= 32 * threads else {
        product(rows: 0..<m, columns: 0..<n)
        return
    }
    // Blocks of whole 16-wide units (OpenBLAS's kernel tiles), one per thread.
    let splitsRows = m >= n
    let units = ((splitsRows ? m : n) + 15) / 16
    let length = splitsRows ? m : n
    parallelFor(threads, work: Int.max) { parts in
        for part in parts {
            let range = min(length, part * units / threads * 16)..<min(length, (part + 1) * units / threads * 16)
            guard !range.isEmpty else { continue }
            if splitsRows { product(rows: range, columns: 0..<n) } else { product(rows: 0..<m, columns: range) }
        }
    }
}

/// The matrix product op(a)·op(b), where op transposes when asked (PyTorch: `torch.matmul`, `a.T @ b`).
///
/// Concretely: a `[m,k]` · b `[k,n]` → `[m,n]`; with `transposeB`, b is `[n,k]` (a PyTorch `nn.Linear` weight).
/// Rank-3 operands `[B,m,k]` · `[B,k,n]` multiply batch by batch → `[B,m,n]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition((a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0]),
                 "matmul needs two matrices or two equal-sized batches of matrices, got \(a.shape) and \(b.shape)")
    let batched = a.rank == 3
    let batch = batched ? a.shape[0] : 1
    let (aRows, aCols) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bRows, bCols) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
    let (k2, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
    precondition(k == k2, "matmul inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · "
                 + "\(b.shape)\(transposeB ? "ᵀ" : "")")
    var values = [Float](repeating: 0, count: batch * m * n)
    a.scalars.withUnsafeBufferPointer { x in
        b.scalars.withUnsafeBufferPointer { y in
            values.withUnsafeMutableBufferPointer { c in
                for i in 0..<batch where k > 0 {
                    sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                          x.baseAddress! + i * m * k, lda: aCols, y.baseAddress! + i * k * n, ldb: bCols,
                          c.baseAddress! + i * m * n, ldc: n)
                }
            }
        }
    }
    let shape = batched ? [batch, m, n] : [m, n]
    let (needA, needB) = (a.requiresGradient, b.requiresGradient)
    return Tensor(shape: shape, scalars: values).recorded(from: [a, b]) { g in
        // d(A·B)/dA = G·Bᵀ, d(A·B)/dB = Aᵀ·G; transposed operands take the transposed rule.
        switch (transposeA, transposeB) {
        case (false, false):
            return [needA ? matmul(g, b, transposeB: true) : nil, needB ? matmul(a, g, transposeA: true) : nil]
        case (true, false):
            return [needA ? matmul(b, g, transposeB: true) : nil, needB ? matmul(a, g) : nil]
        case (false, true):
            return [needA ? matmul(g, b) : nil, needB ? matmul(g, a, transposeA: true) : nil]
        case (true, true):
            return [needA ? matmul(b, g, transposeA: true, transposeB: true) : nil,
                    needB ? matmul(g, a, transposeA: true, transposeB: true) : nil]
        }
    }
}
