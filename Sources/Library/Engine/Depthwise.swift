// Depthwise convolution (groups == in == out channels): every channel has its own kh x kw filter.
//
// NHWC makes the channel axis contiguous, so each kernel works on 8 channels at a time (`SIMD8<Float>`) and
// accumulates all taps of a window in a register before storing once. Window bounds are clipped once per row and
// pixel, so the inner loops have no branches. Independent rows run in parallel (`parallelFor`).

import CKernels
import Foundation

/// True when the CPU has AVX2 and FMA, so the C kernels of CKernels run (see Kernels.c); read once.
/// `TRANSFERLAB_PORTABLE_KERNELS=1` turns them off, to compare or to test the portable Swift kernels.
let vectorKernelsAvailable: Bool = tl_has_avx2_fma() == 1
    && ProcessInfo.processInfo.environment["TRANSFERLAB_PORTABLE_KERNELS"] == nil

/// 8 floats from `p` (no alignment needed).
@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores 8 floats at `p` (no alignment needed).
@inline(__always) private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// The taps 0..<kernel whose input index `start + tap` lies in 0..<size.
@inline(__always) private func clip(_ start: Int, _ kernel: Int, _ size: Int) -> Range<Int> {
    let lower = Swift.max(0, -start), upper = Swift.min(kernel, size - start)
    return lower..<Swift.max(lower, upper)
}

/// Depthwise forward and backward; `filter` is PyTorch's `[C, 1, kh, kw]`, rearranged here to `[kh, kw, C]`.
/// `residual` and `clampsToSix` are fused into the store; the backward pass goes through them.
func depthwiseConv2d(_ input: Tensor, filter: Tensor, bias: Tensor?, geometry: WindowGeometry,
                     adding residual: Tensor? = nil, clampsToSix: Bool = false,
                     vectorKernels: Bool = vectorKernelsAvailable) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    let weights = filter.detached().reshaped(to: [c, kh * kw]).transposed()   // [kh·kw, C]
    let biasValues = bias?.scalars ?? [Float](repeating: 0, count: c)
    let residualValues = residual?.scalars ?? []
    let out = makeScalars(count: n * oh * ow * c) { y in
        input.scalars.withUnsafeBufferPointer { x in
            weights.scalars.withUnsafeBufferPointer { wt in
                biasValues.withUnsafeBufferPointer { b in
                  residualValues.withUnsafeBufferPointer { residual in
                    if vectorKernels {
                        let shape = TLDepthwiseGeometry(
                            batch: n, height: h, width: w, channels: c, kernelHeight: kh, kernelWidth: kw, stride: s,
                            top: top, left: left, outputHeight: oh, outputWidth: ow)
                        parallelFor(n * oh, work: n * oh * ow * c * kh * kw) { rows in
                            tl_depthwise_forward_avx2(x.baseAddress, wt.baseAddress, bias == nil ? nil : b.baseAddress,
                                                      residual.isEmpty ? nil : residual.baseAddress, y.baseAddress,
                                                      shape, rows.lowerBound,
                                                      rows.upperBound, clampsToSix ? 1 : 0)
                        }
                        return
                    }
                    let (zero, six) = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 6))
                    parallelFor(n * oh, work: n * oh * ow * c * kh * kw) { rows in
                        for row in rows {
                            let (image, oy) = (row / oh, row % oh)
                            let iy0 = oy * s - top, kys = clip(iy0, kh, h)
                            for ox in 0..<ow {
                                let ix0 = ox * s - left, kxs = clip(ix0, kw, w)
                                let o = y.baseAddress! + (row * ow + ox) * c
                                let r = residual.isEmpty ? nil : residual.baseAddress! + (row * ow + ox) * c
                                // y[c] = b[c] + Σ_taps x[iy0+ky, ix0+kx, c]·w[ky, kx, c]. The window's corner may lie
                                // in the padding; only clipped taps are read. Wrapping &+ &* keep overflow checks out
                                // of the inner loops.
                                let window = x.baseAddress! + ((image * h + iy0) * w + ix0) * c
                                var j = 0
                                while j + 8 <= c {
                                    var sum = load8(b.baseAddress! + j)
                                    for ky in kys {
                                        let xr = window + (ky &* w &* c &+ j)
                                        let wr = wt.baseAddress! + (ky &* kw &* c &+ j)
                                        for kx in kxs { sum += load8(xr + kx &* c) * load8(wr + kx &* c) }
                                    }
                                    if let r { sum += load8(r + j) }
                                    if clampsToSix { sum = pointwiseMin(pointwiseMax(sum, zero), six) }
                                    store8(sum, o + j)
                                    j += 8
                                }
                                for j in j..<c {
                                    var sum = b[j]
                                    for ky in kys {
                                        for kx in kxs {
                                            sum += window[(ky * w + kx) * c + j] * wt[(ky * kw + kx) * c + j]
                                        }
                                    }
                                    if let r { sum += r[j] }
                                    o[j] = clampsToSix ? Swift.min(Swift.max(sum, 0), 6) : sum
                                }
                            }
                        }
                    }
                  }
                }
            }
        }
    }
    let output = Tensor(shape: [n, oh, ow, c], scalars: out)
    let (needInput, needFilter) = (input.requiresGradient, filter.requiresGradient)
    return output.recorded(from: fusedInputs(input, filter, bias: bias, residual: residual)) { upstream in
        // Through the fused clamp first; the residual's gradient is what reaches the sum.
        let g = throughFusedClamp(upstream, output: output, clampsToSix: clampsToSix)
        let (dx, dw) = depthwiseBackward(g, input: input, filter: filter, geometry: geometry, needInput: needInput,
                                         needFilter: needFilter, vectorKernels: vectorKernels)
        return convolutionGradients(input: dx, filter: dw, bias: bias, upstream: g)
            + (residual.map { [$0.requiresGradient ? g : nil] } ?? [])
    }
}

/// The input and filter gradients of a depthwise convolution for upstream `g` (the bias gradient is the caller's):
/// y[oy,ox,c] = Σ x[oy·s+ky, ox·s+kx, c]·w[ky,kx,c], so dx gathers g·w over the windows covering it and
/// dw[ky,kx,c] = Σ g[oy,ox,c]·x[oy·s+ky, ox·s+kx, c].
func depthwiseBackward(_ g: Tensor, input: Tensor, filter: Tensor, geometry: WindowGeometry, needInput: Bool,
                       needFilter: Bool, vectorKernels: Bool = vectorKernelsAvailable)
    -> (input: Tensor?, filter: Tensor?) {
    let (c, kh, kw) = (geometry.channels, geometry.kernelHeight, geometry.kernelWidth)
    let weights = filter.detached().reshaped(to: [c, kh * kw]).transposed()   // [kh·kw, C]
    let dx = needInput
        ? depthwiseInputGradient(g, weights: weights, geometry: geometry, vectorKernels: vectorKernels) : nil
    let dw = needFilter
        ? depthwiseFilterGradient(g, input: input, geometry: geometry, vectorKernels: vectorKernels)
            .transposed().reshaped(to: filter.shape)
        : nil
    return (dx, dw)
}

/// d(loss)/d(input) for a depthwise convolution, gathered per input pixel so rows can run in parallel.
private func depthwiseInputGradient(_ g: Tensor, weights: Tensor, geometry: WindowGeometry,
                                    vectorKernels: Bool) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    if vectorKernels && s == 1 {
        // Stride 1: dx[i] = Σ_tap g[i + top − tap]·w[tap] is a forward depthwise convolution of g with the
        // flipped filter and padding k − 1 − top, so the vector kernel does it.
        let flipped = makeScalars(count: kh * kw * c) { f in
            weights.scalars.withUnsafeBufferPointer { wt in
                for tap in 0..<(kh * kw) {
                    (f.baseAddress! + (kh * kw - 1 - tap) * c).update(from: wt.baseAddress! + tap * c, count: c)
                }
            }
        }
        let shape = TLDepthwiseGeometry(batch: n, height: oh, width: ow, channels: c, kernelHeight: kh,
                                        kernelWidth: kw, stride: 1, top: kh - 1 - top, left: kw - 1 - left,
                                        outputHeight: h, outputWidth: w)
        let values = makeScalars(count: n * h * w * c) { dx in
            g.scalars.withUnsafeBufferPointer { g in
                flipped.withUnsafeBufferPointer { f in
                    parallelFor(n * h, work: n * h * w * c * kh * kw) { rows in
                        tl_depthwise_forward_avx2(g.baseAddress, f.baseAddress, nil, nil, dx.baseAddress, shape,
                                                  rows.lowerBound, rows.upperBound, 0)
                    }
                }
            }
        }
        return Tensor(shape: [n, h, w, c], scalars: values)
    }
    /// The (tap, output index) pairs through which input index `i` feeds an output: o·s - pad + tap == i.
    func feeds(_ i: Int, _ pad: Int, _ kernel: Int, _ outputs: Int, into list: inout [(tap: Int, output: Int)]) {
        list.removeAll(keepingCapacity: true)
        for tap in 0..<kernel {
            let t = i + pad - tap
            if t >= 0 && t % s == 0 && t / s < outputs { list.append((tap, t / s)) }
        }
    }
    let values = makeScalars(count: n * h * w * c) { dx in
        g.scalars.withUnsafeBufferPointer { g in
            weights.scalars.withUnsafeBufferPointer { wt in
                parallelFor(n * h, work: n * h * w * c * kh * kw) { rows in
                    var ys: [(tap: Int, output: Int)] = [], xs: [(tap: Int, output: Int)] = []
                    ys.reserveCapacity(kh)
                    xs.reserveCapacity(kw)
                    for row in rows {
                        let (image, iy) = (row / h, row % h)
                        feeds(iy, top, kh, oh, into: &ys)
                        for ix in 0..<w {
                            feeds(ix, left, kw, ow, into: &xs)
                            let d = dx.baseAddress! + (row * w + ix) * c
                            let gImage = g.baseAddress! + image * oh * ow * c
                            var j = 0
                            while j + 8 <= c {
                                var sum = SIMD8<Float>()
                                for (ky, oy) in ys {
                                    let gr = gImage + (oy &* ow &* c &+ j)
                                    let wr = wt.baseAddress! + (ky &* kw &* c &+ j)
                                    for (kx, ox) in xs { sum += load8(gr + ox &* c) * load8(wr + kx &* c) }
                                }
                                store8(sum, d + j)
                                j += 8
                            }
                            for j in j..<c {
                                var sum: Float = 0
                                for (ky, oy) in ys {
                                    for (kx, ox) in xs {
                                        sum += g[((image * oh + oy) * ow + ox) * c + j] * wt[(ky * kw + kx) * c + j]
                                    }
                                }
                                d[j] = sum
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, h, w, c], scalars: values)
}

/// d(loss)/d(filter) for a depthwise convolution as `[kh·kw, C]`. Each task sums into its own buffer (then the
/// buffers are added, so there are no shared writes); per tap and 8 channels, a register runs along an output row.
private func depthwiseFilterGradient(_ g: Tensor, input: Tensor, geometry: WindowGeometry,
                                     vectorKernels: Bool) -> Tensor {
    let (n, h, w, c) = (geometry.batch, geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow, top, left) = (geometry.outputHeight, geometry.outputWidth, geometry.top, geometry.left)
    let shape = TLDepthwiseGeometry(batch: n, height: h, width: w, channels: c, kernelHeight: kh, kernelWidth: kw,
                                    stride: s, top: top, left: left, outputHeight: oh, outputWidth: ow)
    let taps = kh * kw * c
    let chunks = max(1, min(n * oh, engineThreadCount * 2))
    // Output columns whose window includes tap kx inside the image: 0 ≤ ox·s - left + kx < w.
    let columns = (0..<kw).map { kx in
        let lower = max(0, (left - kx + s - 1) / s), last = w - 1 + left - kx
        return lower..<max(lower, last < 0 ? 0 : min(ow, last / s + 1))
    }
    var partials = [Float](repeating: 0, count: chunks * taps)
    g.scalars.withUnsafeBufferPointer { g in
        input.scalars.withUnsafeBufferPointer { x in
            partials.withUnsafeMutableBufferPointer { partials in
                parallelFor(chunks, work: n * oh * ow * taps) { range in
                    for chunk in range where vectorKernels {
                        tl_depthwise_filter_gradient_avx2(
                            g.baseAddress, x.baseAddress, partials.baseAddress! + chunk * taps, shape,
                            chunk * n * oh / chunks, (chunk + 1) * n * oh / chunks)
                    }
                    for chunk in range where !vectorKernels {
                        let dw = partials.baseAddress! + chunk * taps
                        for row in (chunk * n * oh / chunks)..<((chunk + 1) * n * oh / chunks) {
                            let (image, oy) = (row / oh, row % oh)
                            for ky in clip(oy * s - top, kh, h) {
                                let iy = oy * s - top + ky
                                for kx in 0..<kw {
                                    // dw[ky,kx,c] += Σ_ox g[oy,ox,c]·x[iy, ox·s - left + kx, c]
                                    let gRow = g.baseAddress! + row * ow * c
                                    let xRow = x.baseAddress! + ((image * h + iy) * w - left + kx) * c
                                    let d = dw + (ky * kw + kx) * c
                                    var j = 0
                                    let (oxs, step) = (columns[kx], s &* c)
                                    while j + 8 <= c {
                                        var sum = SIMD8<Float>()
                                        var gp = gRow + (oxs.lowerBound &* c &+ j)
                                        var xp = xRow + (oxs.lowerBound &* step &+ j)
                                        for _ in oxs {
                                            sum += load8(gp) * load8(xp)
                                            gp += c
                                            xp += step
                                        }
                                        store8(load8(d + j) + sum, d + j)
                                        j += 8
                                    }
                                    for j in j..<c {
                                        for ox in columns[kx] { d[j] += gRow[ox * c + j] * xRow[ox * s * c + j] }
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
