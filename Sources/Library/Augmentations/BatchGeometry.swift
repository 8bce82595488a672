// Exact pixel moves on a whole batch tensor, for test-time augmentation: cheap, deterministic views of each
// picture that keep its label (the random, interpolating transforms of `Geometry.swift` work on `Image`s).

import Engine

extension Tensor {
    /// Every picture of a `[N, H, W, C]` batch moved `x` pixels right and `y` down (negative: left, up), the
    /// uncovered border filled with `fill`. Concretely: `[N, H, W, C]` → `[N, H, W, C]`.
    public func shiftedImages(x: Int, y: Int, fill: Float = 0) -> Tensor {
        precondition(rank == 4, "shiftedImages needs [N, H, W, C], got \(shape)")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: fill, count: scalarCount)
        guard Swift.abs(x) < w, Swift.abs(y) < h else { return Tensor(shape: shape, scalars: out) }
        scalars.withUnsafeBufferPointer { source in
            for image in 0..<n {
                for row in Swift.max(0, y)..<Swift.min(h, h + y) {
                    for column in Swift.max(0, x)..<Swift.min(w, w + x) {
                        let to = ((image * h + row) * w + column) * c
                        let from = ((image * h + row - y) * w + column - x) * c
                        for channel in 0..<c { out[to + channel] = source[from + channel] }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Every picture of a `[N, H, W, C]` batch mirrored left to right.
    public func horizontallyFlippedImages() -> Tensor {
        precondition(rank == 4, "horizontallyFlippedImages needs [N, H, W, C], got \(shape)")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: 0, count: scalarCount)
        scalars.withUnsafeBufferPointer { source in
            for line in 0..<(n * h) {
                for column in 0..<w {
                    let (to, from) = ((line * w + column) * c, (line * w + w - 1 - column) * c)
                    for channel in 0..<c { out[to + channel] = source[from + channel] }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
