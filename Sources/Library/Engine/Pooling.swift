// Pooling over NHWC images: max, average, and global average. Inner loops run over contiguous channels.

/// The largest value in each `size` x `size` window (PyTorch: `F.max_pool2d`, `nn.MaxPool2d`); padding never wins.
///
/// Concretely: `[N,H,W,C]` → `[N,H',W',C]`; `stride` defaults to `size`.
public func maxPool2d(_ x: Tensor, size: Int, stride: Int? = nil, padding: Padding = .valid) -> Tensor {
    let geo = WindowGeometry(input: x.shape, kernelHeight: size, kernelWidth: size, stride: stride ?? size,
                             padding: padding)
    let (n, h, w, c) = (geo.batch, geo.height, geo.width, geo.channels)
    let (oh, ow, s) = (geo.outputHeight, geo.outputWidth, geo.stride)
    var winners = [Int32](repeating: -1, count: n * oh * ow * c)   // input offset of each maximum, per image
    let values = makeScalars(count: n * oh * ow * c) { y in
        x.scalars.withUnsafeBufferPointer { x in
            winners.withUnsafeMutableBufferPointer { winners in
                parallelFor(n * oh, work: n * oh * ow * c * size * size) { rows in
                    for row in rows {
                        let (image, oy) = (row / oh, row % oh)
                        for ox in 0..<ow {
                            let (y, best) = (y.baseAddress! + (row * ow + ox) * c,
                                             winners.baseAddress! + (row * ow + ox) * c)
                            for j in 0..<c { y[j] = -.infinity }
                            for iy in max(oy * s - geo.top, 0)..<min(oy * s - geo.top + size, h) {
                                for ix in max(ox * s - geo.left, 0)..<min(ox * s - geo.left + size, w) {
                                    let local = (iy * w + ix) * c
                                    let x = x.baseAddress! + image * h * w * c + local
                                    for j in 0..<c where x[j] > y[j] || best[j] < 0 {
                                        y[j] = x[j]
                                        best[j] = Int32(local + j)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let inputShape = x.shape
    return Tensor(shape: [n, oh, ow, c], scalars: values).recorded(from: [x]) { g in
        // d max/dx = 1 at the window's maximum, 0 elsewhere: route each upstream value to its winner.
        var dx = [Float](repeating: 0, count: n * h * w * c)
        dx.withUnsafeMutableBufferPointer { dx in
            g.scalars.withUnsafeBufferPointer { g in
                parallelFor(n, work: g.count) { images in   // overlapping windows: images are the parallel unit
                    for image in images {
                        let base = image * oh * ow * c
                        for i in base..<(base + oh * ow * c) { dx[image * h * w * c + Int(winners[i])] += g[i] }
                    }
                }
            }
        }
        return [Tensor(shape: inputShape, scalars: dx)]
    }
}

/// The mean of each `size` x `size` window over the positions inside the image (PyTorch: `F.avg_pool2d` with
/// `count_include_pad=False`). Concretely: `[N,H,W,C]` → `[N,H',W',C]`; `stride` defaults to `size`.
public func avgPool2d(_ x: Tensor, size: Int, stride: Int? = nil, padding: Padding = .valid) -> Tensor {
    let geo = WindowGeometry(input: x.shape, kernelHeight: size, kernelWidth: size, stride: stride ?? size,
                             padding: padding)
    let (n, h, w, c) = (geo.batch, geo.height, geo.width, geo.channels)
    let (oh, ow, s) = (geo.outputHeight, geo.outputWidth, geo.stride)
    /// The input rows and columns window (oy, ox) covers.
    func window(_ oy: Int, _ ox: Int) -> (Range<Int>, Range<Int>) {
        (max(oy * s - geo.top, 0)..<min(oy * s - geo.top + size, h),
         max(ox * s - geo.left, 0)..<min(ox * s - geo.left + size, w))
    }
    let values = makeScalars(count: n * oh * ow * c) { y in
        x.scalars.withUnsafeBufferPointer { x in
            parallelFor(n * oh, work: n * oh * ow * c * size * size) { rows in
                for row in rows {
                    let (image, oy) = (row / oh, row % oh)
                    for ox in 0..<ow {
                        let y = y.baseAddress! + (row * ow + ox) * c
                        for j in 0..<c { y[j] = 0 }
                        let (ys, xs) = window(oy, ox)
                        for iy in ys {
                            for ix in xs {
                                let x = x.baseAddress! + ((image * h + iy) * w + ix) * c
                                for j in 0..<c { y[j] += x[j] }
                            }
                        }
                        let scale = 1 / Float(ys.count * xs.count)
                        for j in 0..<c { y[j] *= scale }
                    }
                }
            }
        }
    }
    let inputShape = x.shape
    return Tensor(shape: [n, oh, ow, c], scalars: values).recorded(from: [x]) { g in
        // d mean/dx = 1/count for every position in the window.
        var dx = [Float](repeating: 0, count: n * h * w * c)
        dx.withUnsafeMutableBufferPointer { dx in
            g.scalars.withUnsafeBufferPointer { g in
                parallelFor(n, work: g.count * size * size) { images in
                    for image in images {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let (ys, xs) = window(oy, ox)
                                let scale = 1 / Float(ys.count * xs.count)
                                let g = g.baseAddress! + ((image * oh + oy) * ow + ox) * c
                                for iy in ys {
                                    for ix in xs {
                                        let dx = dx.baseAddress! + ((image * h + iy) * w + ix) * c
                                        for j in 0..<c { dx[j] += g[j] * scale }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: inputShape, scalars: dx)]
    }
}

/// The mean over all positions of each channel (PyTorch: `nn.AdaptiveAvgPool2d(1)` followed by `flatten(1)`).
///
/// Concretely: `[N,H,W,C]` → `[N,C]`.
public func globalAveragePool(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "globalAveragePool expects NHWC [N,H,W,C], got \(x.shape)")
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let pixels = h * w, scale = 1 / Float(pixels)
    var values = [Float](repeating: 0, count: n * c)
    x.scalars.withUnsafeBufferPointer { x in
        values.withUnsafeMutableBufferPointer { y in
            for image in 0..<n {
                let y = y.baseAddress! + image * c
                for p in 0..<pixels {
                    let x = x.baseAddress! + (image * pixels + p) * c
                    for j in 0..<c { y[j] += x[j] }
                }
                for j in 0..<c { y[j] *= scale }
            }
        }
    }
    let inputShape = x.shape
    return Tensor(shape: [n, c], scalars: values).recorded(from: [x]) { g in
        // d mean/dx = 1/(H·W) at every position.
        [(g / Float(pixels)).reshaped(to: [n, 1, 1, c]).broadcasted(to: inputShape)]
    }
}

/// The mean of each of `height` × `width` cells that tile the image as evenly as possible
/// (PyTorch: `nn.AdaptiveAvgPool2d((height, width))`: cell i spans ⌊i·H/h⌋ ..< ⌈(i+1)·H/h⌉, so cells may overlap
/// when H is not a multiple of h, and repeat when H < h).
///
/// Concretely: `[N, H, W, C]` → `[N, height, width, C]`; the identity when the input already has that size.
public func adaptiveAveragePool(_ x: Tensor, height: Int, width: Int) -> Tensor {
    precondition(x.rank == 4, "adaptiveAveragePool expects NHWC [N,H,W,C], got \(x.shape)")
    precondition(height > 0 && width > 0, "adaptiveAveragePool needs a positive output size")
    let (inputHeight, inputWidth) = (x.shape[1], x.shape[2])
    if inputHeight == height && inputWidth == width { return x }
    if inputHeight % height == 0 && inputWidth % width == 0 && inputHeight / height == inputWidth / width {
        return avgPool2d(x, size: inputHeight / height)   // equal, disjoint square windows
    }
    // The general case, composed of slices and means: only small maps reach it (e.g. VGG on tiny inputs).
    func cell(_ index: Int, _ count: Int, _ size: Int) -> Range<Int> {
        (index * size / count)..<(((index + 1) * size + count - 1) / count)
    }
    let rows = (0..<height).map { row in
        concatenate((0..<width).map { column in
            let (ys, xs) = (cell(row, height, inputHeight), cell(column, width, inputWidth))
            return x.slice(lowerBounds: [0, ys.lowerBound, xs.lowerBound, 0],
                           upperBounds: [x.shape[0], ys.upperBound, xs.upperBound, x.shape[3]])
                .mean(alongAxes: [1, 2])
        }, alongAxis: 2)
    }
    return concatenate(rows, alongAxis: 1)
}
