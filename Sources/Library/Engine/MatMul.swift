// Matrix multiplication on OpenBLAS's cblas_sgemm (which parallelizes itself; never call it from inside a
// `concurrentPerform` worker).

import COpenBLAS

/// C = alpha·op(A)·op(B) + beta·C on row-major buffers; op(A) is [m,k], op(B) is [k,n], C is [m,n].
@inline(__always)
func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
           _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
           beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0 && n > 0 else { return }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
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
