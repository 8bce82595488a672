// Depthwise convolution (groups == in == out channels): every channel has its own kh x kw filter.
// NHWC makes the channel axis contiguous, so every loop below ends in `for c in 0..<C` over unit-stride
// memory, which the compiler vectorises. Rows of the output (n, oy) are independent and run in parallel.

import Foundation

/// Depthwise forward and backward; `filter` is PyTorch's `[C, 1, kh, kw]`, rearranged here to `[kh, kw, C]`.
func depthwiseConv2d(_ input: Tensor, filter: Tensor, bias: Tensor?, geometry: WindowGeometry) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    let weights = filter.detached().reshaped(to: [c, kh * kw]).transposed()   // [kh·kw, C]
    let zeros = [Float](repeating: 0, count: c)
    let biasValues = bias?.scalars ?? zeros
    let out = makeScalars(count: n * oh * ow * c) { y in
        input.scalars.withUnsafeBufferPointer { x in
            weights.scalars.withUnsafeBufferPointer { wt in
                biasValues.withUnsafeBufferPointer { b in
                    parallelFor(n * oh, work: n * oh * ow * c * kh * kw) { rows in
                        for row in rows {
                            let (image, oy) = (row / oh, row % oh)
                            for ox in 0..<ow {
                                let o = y.baseAddress! + (row * ow + ox) * c
                                for j in 0..<c { o[j] = b[j] }
                                for ky in 0..<kh {
                                    let iy = oy * s - top + ky
                                    guard iy >= 0 && iy < h else { continue }
                                    for kx in 0..<kw {
                                        let ix = ox * s - left + kx
                                        guard ix >= 0 && ix < w else { continue }
                                        let xp = x.baseAddress! + ((image * h + iy) * w + ix) * c
                                        let wp = wt.baseAddress! + (ky * kw + kx) * c
                                        for j in 0..<c { o[j] += xp[j] * wp[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let outputShape = [n, oh, ow, c]
    let (needInput, needFilter) = (input.requiresGradient, filter.requiresGradient)
    let inputs = [input, filter] + (bias.map { [$0] } ?? [])
    return Tensor(shape: outputShape, scalars: out).recorded(from: inputs) { g in
        // y[oy,ox,c] = Σ x[oy·s+ky, ox·s+kx, c]·w[ky,kx,c]: dx gathers g·w over the windows covering it,
        // dw[ky,kx,c] = Σ g[oy,ox,c]·x[oy·s+ky, ox·s+kx, c].
        let dx = needInput ? depthwiseInputGradient(g, weights: weights, geometry: geometry) : nil
        let dw = needFilter
            ? depthwiseFilterGradient(g, input: input, geometry: geometry).transposed().reshaped(to: filter.shape)
            : nil
        return convolutionGradients(input: dx, filter: dw, bias: bias, upstream: g)
    }
}

/// d(loss)/d(input) for a depthwise convolution, gathered per input row so rows can run in parallel.
private func depthwiseInputGradient(_ g: Tensor, weights: Tensor, geometry: WindowGeometry) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    let values = makeScalars(count: n * h * w * c) { dx in
        g.scalars.withUnsafeBufferPointer { g in
            weights.scalars.withUnsafeBufferPointer { wt in
                parallelFor(n * h, work: n * h * w * c * kh * kw) { rows in
                    for row in rows {
                        let (image, iy) = (row / h, row % h)
                        for ix in 0..<w {
                            let d = dx.baseAddress! + (row * w + ix) * c
                            for j in 0..<c { d[j] = 0 }
                            for ky in 0..<kh {
                                // Output row oy uses input row iy through tap ky when oy·s - top + ky == iy.
                                let ty = iy + top - ky
                                guard ty >= 0 && ty % s == 0 && ty / s < oh else { continue }
                                for kx in 0..<kw {
                                    let tx = ix + left - kx
                                    guard tx >= 0 && tx % s == 0 && tx / s < ow else { continue }
                                    let gp = g.baseAddress! + ((image * oh + ty / s) * ow + tx / s) * c
                                    let wp = wt.baseAddress! + (ky * kw + kx) * c
                                    for j in 0..<c { d[j] += gp[j] * wp[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, h, w, c], scalars: values)
}

/// d(loss)/d(filter) for a depthwise convolution as `[kh·kw, C]`; each task sums into its own buffer, then the
/// buffers are added (no shared writes).
private func depthwiseFilterGradient(_ g: Tensor, input: Tensor, geometry: WindowGeometry) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    let taps = kh * kw * c
    let chunks = max(1, min(n * oh, ProcessInfo.processInfo.activeProcessorCount * 2))
    var partials = [Float](repeating: 0, count: chunks * taps)
    g.scalars.withUnsafeBufferPointer { g in
        input.scalars.withUnsafeBufferPointer { x in
            partials.withUnsafeMutableBufferPointer { partials in
                parallelFor(chunks, work: n * oh * ow * taps) { range in
                    for chunk in range {
                        let dw = partials.baseAddress! + chunk * taps
                        for row in (chunk * n * oh / chunks)..<((chunk + 1) * n * oh / chunks) {
                            let (image, oy) = (row / oh, row % oh)
                            for ox in 0..<ow {
                                let gp = g.baseAddress! + (row * ow + ox) * c
                                for ky in 0..<kh {
                                    let iy = oy * s - top + ky
                                    guard iy >= 0 && iy < h else { continue }
                                    for kx in 0..<kw {
                                        let ix = ox * s - left + kx
                                        guard ix >= 0 && ix < w else { continue }
                                        let xp = x.baseAddress! + ((image * h + iy) * w + ix) * c
                                        let d = dw + (ky * kw + kx) * c
                                        for j in 0..<c { d[j] += gp[j] * xp[j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    var total = [Float](repeating: 0, count: taps)
    for chunk in 0..<chunks {
        for j in 0..<taps { total[j] += partials[chunk * taps + j] }
    }
    return Tensor(shape: [kh * kw, c], scalars: total)
}
