// Sums, means and arg-max. `alongAxes` keeps the reduced axes with size 1 (so the result broadcasts back against
// the input); `squeezingAxes` removes them (swift-apis convention; PyTorch `keepdim=True` / `False`).

extension Tensor {
    /// The sum of all elements, a scalar tensor of shape `[]` (PyTorch: `x.sum()`).
    public func sum() -> Tensor {
        var total: Double = 0  // accumulate in Double: losses sum many terms of mixed size
        scalars.withUnsafeBufferPointer { x in
            for value in x { total += Double(value) }
        }
        let inputShape = shape
        // d(Σx)/dx = 1
        return Tensor(Float(total)).recorded(from: [self]) { g in [g.broadcasted(to: inputShape)] }
    }

    /// The mean of all elements, a scalar tensor (PyTorch: `x.mean()`).
    public func mean() -> Tensor {
        sum() / Float(Swift.max(scalarCount, 1))
    }

    /// Sums along `axes`, keeping each with size 1 (PyTorch: `x.sum(dim=axes, keepdim=True)`).
    /// Negative axes count from the end. Concretely: `[N,H,W,C].sum(alongAxes: [1, 2])` → `[N,1,1,C]`.
    public func sum(alongAxes axes: [Int]) -> Tensor {
        var target = shape
        for axis in axes { target[normalizedAxis(axis)] = 1 }
        return summed(toShape: target)
    }

    /// Sums along `axes` and removes them (PyTorch: `x.sum(dim=axes)`). Concretely: `[N,K].sum(squeezingAxes: [1])`
    /// → `[N]`.
    public func sum(squeezingAxes axes: [Int]) -> Tensor {
        let resolved = Set(axes.map(normalizedAxis))
        return sum(alongAxes: axes).reshaped(to: shape.indices.filter { !resolved.contains($0) }.map { shape[$0] })
    }

    /// Means along `axes`, keeping each with size 1 (PyTorch: `x.mean(dim=axes, keepdim=True)`).
    public func mean(alongAxes axes: [Int]) -> Tensor {
        let count = Set(axes.map(normalizedAxis)).reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes) / Float(Swift.max(count, 1))
    }

    /// Means along `axes` and removes them (PyTorch: `x.mean(dim=axes)`).
    public func mean(squeezingAxes axes: [Int]) -> Tensor {
        let count = Set(axes.map(normalizedAxis)).reduce(1) { $0 * shape[$1] }
        return sum(squeezingAxes: axes) / Float(Swift.max(count, 1))
    }

    /// The largest element (PyTorch: `x.max()`). Not differentiable.
    public func max() -> Float {
        scalars.max() ?? -.infinity
    }

    /// The smallest element (PyTorch: `x.min()`). Not differentiable.
    public func min() -> Float {
        scalars.min() ?? .infinity
    }

    /// For each row along the last axis, the index of its largest element (first one on ties)
    /// (PyTorch: `x.argmax(dim=-1)`). Concretely: logits `[N,K]` → N class indices.
    public func argmax() -> [Int] {
        precondition(rank >= 1 && shape[rank - 1] > 0, "argmax needs a non-empty last axis, shape is \(shape)")
        let k = shape[rank - 1]
        return scalars.withUnsafeBufferPointer { x in
            (0..<(scalarCount / k)).map { row in
                var best = 0
                for j in 1..<k where x[row * k + j] > x[row * k + best] { best = j }
                return best
            }
        }
    }
}
