// Total variation: how much neighboring pixels differ. Noise has a large total variation, a smooth picture a small
// one, so adding it to a loss asks gradient descent for smooth images (Mahendran & Vedaldi 2015).

/// The anisotropic total variation of `[N, H, W, C]` images, divided by the number of values N·H·W·C so its
/// weight in a loss does not depend on the image size (the reference README's definition):
/// TV = (Σ|x[h+1, w] − x[h, w]| + Σ|x[h, w+1] − x[h, w]|) / (N·H·W·C).
///
/// Differentiable: d|a − b|/da = sign(a − b), so each pixel's gradient is a sum of up to four ±1/(N·H·W·C).
public func totalVariation(_ images: Tensor) -> Tensor {
    precondition(images.rank == 4, "totalVariation expects [N, H, W, C] images, got \(images.shape)")
    let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    var sum = Tensor(0)
    if h > 1 {
        let vertical = images.slice(lowerBounds: [0, 1, 0, 0], upperBounds: [n, h, w, c])
            - images.slice(lowerBounds: [0, 0, 0, 0], upperBounds: [n, h - 1, w, c])
        sum = sum + abs(vertical).sum()
    }
    if w > 1 {
        let horizontal = images.slice(lowerBounds: [0, 0, 1, 0], upperBounds: [n, h, w, c])
            - images.slice(lowerBounds: [0, 0, 0, 0], upperBounds: [n, h, w - 1, c])
        sum = sum + abs(horizontal).sum()
    }
    return sum / Float(images.scalarCount)
}
