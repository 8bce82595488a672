// 2-D convolution on NHWC activations with PyTorch-layout filters [out, in/groups, kh, kw].
//
// Three kernels, chosen by shape:
// - pointwise (1x1, stride 1, no padding, groups 1): the NHWC buffer already is a [N·H·W, C] matrix, so the
//   convolution is one matrix product with the [O, C] filter (Pointwise.swift).
// - depthwise (groups == in == out): a direct loop, vectorized over contiguous channels (Depthwise.swift).
// - everything else: im2col per chunk of images and group, then sgemm; backward via sgemm and col2im.
// The filter is rearranged once per call to [O, kh, kw, C/groups] so each output channel's weights are one row
// matching the im2col column order (ky, kx, c).
//
// What follows a convolution is fused into it (a residual sum and ReLU6): the pointwise and depthwise kernels apply
// them before their one store, the im2col path in one pass over the output that also adds the bias. Each of those
// would otherwise be a separate pass and a fresh activation-sized buffer. The pointwise and depthwise backward
// passes go through the clamp (from the output) and the sum themselves; for the im2col path a recorded gradient
// composes the same value from the separate ops, whose backward rules then apply unchanged.

import Foundation

/// What a convolution applies to its output in the same pass (see `conv2d(_:filter:bias:stride:padding:groups:
/// adding:activation:)`).
public enum FusedActivation: Sendable, Equatable {
    /// The output as it is.
    case none
    /// min(max(y, 0), 6), EfficientNet-Lite's activation (PyTorch: `nn.ReLU6`).
    case relu6
}

/// The work fused into a convolution's output pass: bias, residual sum, activation.
struct Epilogue {
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let clampsToSix: Bool
}

/// 2-D convolution (cross-correlation) of NHWC images with a PyTorch-layout filter (PyTorch: `F.conv2d`,
/// `nn.Conv2d`; weights load unchanged from a state_dict).
///
/// Concretely: input `[N,H,W,C]`, filter `[O, C/groups, kh, kw]`, bias `[O]` → `[N, H', W', O]` with
/// H' = (H + padTop + padBottom - kh)/stride + 1 (⌈H/stride⌉ for `.same`). `groups == C == O` is depthwise.
///
/// `adding residual` (the output's shape) is added and `activation` applied after the bias, fused into the same pass
/// (for 1x1 and depthwise filters also when a gradient is recorded: their backward passes through the clamp and
/// the sum): `conv2d(x, filter: w, adding: r, activation: .relu6)` equals `relu6(conv2d(x, filter: w) + r)`. `packed` is `filter` already packed for the pointwise kernel (a 1x1 filter
/// used many times, as in a folded model); without it a 1x1 filter is packed per call.
public func conv2d(_ input: Tensor, filter: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding = .valid,
                   groups: Int = 1, adding residual: Tensor? = nil, activation: FusedActivation = .none,
                   packed: PackedPointwiseFilter? = nil) -> Tensor {
    precondition(filter.rank == 4, "conv2d filter must be [out, in/groups, kh, kw], got \(filter.shape)")
    let (outChannels, groupChannels) = (filter.shape[0], filter.shape[1])
    let geometry = WindowGeometry(input: input.shape, kernelHeight: filter.shape[2], kernelWidth: filter.shape[3],
                                  stride: stride, padding: padding)
    precondition(groups >= 1 && geometry.channels == groupChannels * groups && outChannels % groups == 0,
                 "conv2d: input \(input.shape) (NHWC), filter \(filter.shape) and groups \(groups) do not agree")
    if let bias { precondition(bias.shape == [outChannels], "conv2d bias must be [\(outChannels)], got \(bias.shape)") }
    let outputShape = [geometry.batch, geometry.outputHeight, geometry.outputWidth, outChannels]
    if let residual {
        precondition(residual.shape == outputShape, "conv2d residual must be \(outputShape), got \(residual.shape)")
    }
    let clampsToSix = activation == .relu6
    if geometry.isDepthwise(groups: groups, outputs: outChannels) {
        return depthwiseConv2d(input, filter: filter, bias: bias, geometry: geometry, adding: residual,
                               clampsToSix: clampsToSix)
    }
    if geometry.isPointwise(groups: groups) {
        return pointwiseConv2d(input, filter: filter, bias: bias, packed: packed, adding: residual,
                               clampsToSix: clampsToSix)
    }
    if residual != nil || clampsToSix {
        if input.requiresGradient || filter.requiresGradient || bias?.requiresGradient == true
            || residual?.requiresGradient == true {
            // The graph needs each step: the same value from the separate ops, with their backward rules.
            var y = im2colConv2d(input, filter: filter, bias: bias, geometry: geometry, groups: groups)
            if let residual { y = y + residual }
            return clampsToSix ? relu6(y) : y
        }
        // Nothing recorded: sgemm into a fresh buffer, then bias, residual and clamp in one pass.
        let rows = geometry.batch * geometry.outputPixels
        let out = makeScalars(count: rows * outChannels) { y in
            im2colProduct(input, filter: filter, geometry: geometry, groups: groups, into: y)
            withEpilogue(bias: bias, residual: residual, clampsToSix: clampsToSix) { epilogue in
                finishRows(y, rows: rows, columns: outChannels, epilogue)
            }
        }
        return Tensor(shape: outputShape, scalars: out)
    }
    return im2colConv2d(input, filter: filter, bias: bias, geometry: geometry, groups: groups)
}

/// The gradients in the order the inputs were recorded: input, filter, and the bias if there is one
/// (d(loss)/d(bias) = Σ over all output positions of the upstream).
func convolutionGradients(input: Tensor?, filter: Tensor?, bias: Tensor?, upstream: Tensor) -> [Tensor?] {
    guard let bias else { return [input, filter] }
    return [input, filter, bias.requiresGradient ? upstream.summed(toShape: bias.shape) : nil]
}

/// The input and filter gradients of `conv2d(input, filter: filter, stride:, padding:, groups:)` (its bias gradient
/// is Σ g) for upstream `g`, by the kernel that `conv2d` picks for the shape.
func convolutionBackward(_ g: Tensor, input: Tensor, filter: Tensor, stride: Int, padding: Padding, groups: Int,
                         needInput: Bool, needFilter: Bool) -> (input: Tensor?, filter: Tensor?) {
    let geometry = WindowGeometry(input: input.shape, kernelHeight: filter.shape[2], kernelWidth: filter.shape[3],
                                  stride: stride, padding: padding)
    if geometry.isDepthwise(groups: groups, outputs: filter.shape[0]) {
        return depthwiseBackward(g, input: input, filter: filter, geometry: geometry, needInput: needInput,
                                 needFilter: needFilter)
    }
    if geometry.isPointwise(groups: groups) {
        return pointwiseBackward(g, input: input, filter: filter, needInput: needInput, needFilter: needFilter)
    }
    return im2colBackward(g, input: input, filter: filter, geometry: geometry, groups: groups, needInput: needInput,
                          needFilter: needFilter)
}

extension WindowGeometry {
    /// Whether a convolution with this geometry is depthwise (one filter per channel).
    func isDepthwise(groups: Int, outputs: Int) -> Bool { groups == channels && outputs == groups }

    /// Whether it is a 1x1 convolution that keeps the image size (a matrix product on NHWC).
    func isPointwise(groups: Int) -> Bool {
        groups == 1 && kernelHeight == 1 && kernelWidth == 1 && stride == 1 && outputHeight == height
            && outputWidth == width
    }
}

/// The inputs a fused convolution records: input, filter, then the bias and the residual where present.
func fusedInputs(_ input: Tensor, _ filter: Tensor, bias: Tensor?, residual: Tensor?) -> [Tensor] {
    [input, filter] + (bias.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
}

/// The upstream gradient through a fused ReLU6 (d relu6/dz = 1 where 0 < y < 6, from the output y), or as it is.
func throughFusedClamp(_ upstream: Tensor, output: Tensor, clampsToSix: Bool) -> Tensor {
    clampsToSix ? upstream.masked(insideZeroToSix: output) : upstream
}

/// A [rows, columns] buffer with every row equal to `bias` (zeros without a bias): the sgemm accumulates onto it.
func biasRows(_ bias: Tensor?, rows: Int, columns: Int) -> [Float] {
    guard let bias else { return [Float](repeating: 0, count: rows * columns) }
    return makeScalars(count: rows * columns) { out in
        bias.scalars.withUnsafeBufferPointer { b in
            for row in 0..<rows {
                (out.baseAddress! + row * columns).update(from: b.baseAddress!, count: columns)
            }
        }
    }
}

/// Dense or grouped convolution through im2col + sgemm, in chunks of images to bound the column buffer.
private func im2colConv2d(_ input: Tensor, filter: Tensor, bias: Tensor?, geometry: WindowGeometry,
                          groups: Int) -> Tensor {
    let outChannels = filter.shape[0], pixels = geometry.outputPixels
    // [O, Cg, kh, kw] → [O, kh, kw, Cg]: output channel o's weights become row o, in im2col column order.
    let rows = filter.detached().transposed(permutation: [0, 2, 3, 1])
    var out = biasRows(bias, rows: geometry.batch * pixels, columns: outChannels)
    out.withUnsafeMutableBufferPointer { y in
        im2colProduct(input, filter: filter, geometry: geometry, groups: groups, rearranged: rows, beta: 1, into: y)
    }
    let outputShape = [geometry.batch, geometry.outputHeight, geometry.outputWidth, outChannels]
    let (needInput, needFilter) = (input.requiresGradient, filter.requiresGradient)
    let inputs = [input, filter] + (bias.map { [$0] } ?? [])
    return Tensor(shape: outputShape, scalars: out).recorded(from: inputs) { g in
        let (dx, dw) = im2colBackward(g, input: input, filter: filter, geometry: geometry, groups: groups,
                                      needInput: needInput, needFilter: needFilter)
        return convolutionGradients(input: dx, filter: dw, bias: bias, upstream: g)
    }
}

/// The input and filter gradients of a dense or grouped convolution for upstream `g` (the bias gradient is the
/// caller's): per group Y = cols·Wᵀ, so dW = Gᵀ·cols and dcols = G·W, which col2im scatters back onto dX.
private func im2colBackward(_ g: Tensor, input: Tensor, filter: Tensor, geometry: WindowGeometry, groups: Int,
                            needInput: Bool, needFilter: Bool) -> (input: Tensor?, filter: Tensor?) {
    let outChannels = filter.shape[0], groupChannels = filter.shape[1], groupOut = outChannels / groups
    let k = geometry.kernelHeight * geometry.kernelWidth * groupChannels   // columns per output pixel
    let pixels = geometry.outputPixels
    let rows = filter.detached().transposed(permutation: [0, 2, 3, 1])
    let imagesPerChunk = im2colChunk(geometry: geometry, columnsPerPixel: k)
    var dx = [Float](repeating: 0, count: needInput ? input.scalarCount : 0)
    var dw = [Float](repeating: 0, count: needFilter ? rows.scalarCount : 0)
    var cols = [Float](repeating: 0, count: imagesPerChunk * pixels * k)
    var dcols = [Float](repeating: 0, count: needInput ? imagesPerChunk * pixels * k : 0)
    g.scalars.withUnsafeBufferPointer { g in
        input.scalars.withUnsafeBufferPointer { x in
            rows.scalars.withUnsafeBufferPointer { w in
                for first in stride(from: 0, to: geometry.batch, by: imagesPerChunk) {
                    let images = first..<min(first + imagesPerChunk, geometry.batch)
                    let m = images.count * pixels
                    for group in 0..<groups {
                        let gp = g.baseAddress! + first * pixels * outChannels + group * groupOut
                        if needFilter {
                            cols.withUnsafeMutableBufferPointer { cols in
                                im2col(x, geometry: geometry, images: images, channelOffset: group * groupChannels,
                                       channelCount: groupChannels, into: cols)
                                dw.withUnsafeMutableBufferPointer { dw in
                                    sgemm(transposeA: true, m: groupOut, n: k, k: m, gp, lda: outChannels,
                                          cols.baseAddress!, ldb: k, beta: 1,
                                          dw.baseAddress! + group * groupOut * k, ldc: k)
                                }
                            }
                        }
                        if needInput {
                            dcols.withUnsafeMutableBufferPointer { dcols in
                                sgemm(m: m, n: k, k: groupOut, gp, lda: outChannels,
                                      w.baseAddress! + group * groupOut * k, ldb: k, dcols.baseAddress!, ldc: k)
                                dx.withUnsafeMutableBufferPointer { dx in
                                    col2im(dcols, geometry: geometry, images: images,
                                           channelOffset: group * groupChannels, channelCount: groupChannels,
                                           into: dx)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let filterGradient = needFilter
        ? Tensor(shape: rows.shape, scalars: dw).transposed(permutation: [0, 3, 1, 2]) : nil
    return (needInput ? Tensor(shape: input.shape, scalars: dx) : nil, filterGradient)
}

/// Images per im2col chunk: bounds the column buffer at about 16 MB.
private func im2colChunk(geometry: WindowGeometry, columnsPerPixel k: Int) -> Int {
    max(1, min(geometry.batch, (1 << 22) / max(geometry.outputPixels * k, 1)))
}

/// y = beta·y + im2col(x)·Wᵀ per group, in chunks of images: the forward product of a dense or grouped
/// convolution into `y` `[N·H'·W', O]`. `rearranged` is the filter as `[O, kh, kw, C/groups]` if already made.
private func im2colProduct(_ input: Tensor, filter: Tensor, geometry: WindowGeometry, groups: Int,
                           rearranged: Tensor? = nil, beta: Float = 0, into y: UnsafeMutableBufferPointer<Float>) {
    let outChannels = filter.shape[0], groupChannels = filter.shape[1], groupOut = outChannels / groups
    let k = geometry.kernelHeight * geometry.kernelWidth * groupChannels, pixels = geometry.outputPixels
    let rows = rearranged ?? filter.detached().transposed(permutation: [0, 2, 3, 1])
    let imagesPerChunk = im2colChunk(geometry: geometry, columnsPerPixel: k)
    var columns = [Float](repeating: 0, count: imagesPerChunk * pixels * k)
    input.scalars.withUnsafeBufferPointer { x in
        rows.scalars.withUnsafeBufferPointer { w in
            columns.withUnsafeMutableBufferPointer { cols in
                for first in stride(from: 0, to: geometry.batch, by: imagesPerChunk) {
                    let images = first..<min(first + imagesPerChunk, geometry.batch)
                    for group in 0..<groups {
                        im2col(x, geometry: geometry, images: images, channelOffset: group * groupChannels,
                               channelCount: groupChannels, into: cols)
                        sgemm(transposeB: true, m: images.count * pixels, n: groupOut, k: k, cols.baseAddress!,
                              lda: k, w.baseAddress! + group * groupOut * k, ldb: k, beta: beta,
                              y.baseAddress! + first * pixels * outChannels + group * groupOut, ldc: outChannels)
                    }
                }
            }
        }
    }
}

/// Calls `body` with the bias and residual as pointers (nil where absent), valid for the call.
func withEpilogue<R>(bias: Tensor?, residual: Tensor?, clampsToSix: Bool, _ body: (Epilogue) -> R) -> R {
    func withPointer(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let t else { return body(nil) }
        return t.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
    return withPointer(bias) { b in
        withPointer(residual) { r in body(Epilogue(bias: b, residual: r, clampsToSix: clampsToSix)) }
    }
}

/// y = clamp(y + bias + residual) in place over `[rows, columns]`, whichever of them the epilogue has.
func finishRows(_ y: UnsafeMutableBufferPointer<Float>, rows: Int, columns: Int, _ epilogue: Epilogue) {
    let zeros = [Float](repeating: 0, count: columns)
    zeros.withUnsafeBufferPointer { zeros in
        let bias = epilogue.bias ?? zeros.baseAddress!
        parallelFor(rows, work: rows * columns) { range in
            for row in range {
                let y = y.baseAddress! + row * columns
                if let residual = epilogue.residual.map({ $0 + row * columns }) {
                    if epilogue.clampsToSix {
                        for j in 0..<columns { y[j] = Swift.min(Swift.max(y[j] + bias[j] + residual[j], 0), 6) }
                    } else {
                        for j in 0..<columns { y[j] = y[j] + bias[j] + residual[j] }
                    }
                } else if epilogue.clampsToSix {
                    for j in 0..<columns { y[j] = Swift.min(Swift.max(y[j] + bias[j], 0), 6) }
                } else {
                    for j in 0..<columns { y[j] += bias[j] }
                }
            }
        }
    }
}

/// Writes the receptive fields of `images` into `columns` as rows [pixel, (ky, kx, c)], zeros where the window
/// hangs over the padding. Channels `channelOffset ..< channelOffset+channelCount` only (one group).
private func im2col(_ x: UnsafeBufferPointer<Float>, geometry: WindowGeometry, images: Range<Int>,
                    channelOffset: Int, channelCount: Int, into columns: UnsafeMutableBufferPointer<Float>) {
    let (h, w, c) = (geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow) = (geometry.outputHeight, geometry.outputWidth)
    let k = kh * kw * channelCount
    let rowCount = images.count * oh
    parallelFor(rowCount, work: rowCount * ow * k) { range in
        for r in range {
            let (n, oy) = (images.lowerBound + r / oh, r % oh)
            for ox in 0..<ow {
                let column = columns.baseAddress! + (r * ow + ox) * k
                for ky in 0..<kh {
                    let iy = oy * s - geometry.top + ky
                    for kx in 0..<kw {
                        let ix = ox * s - geometry.left + kx
                        let dst = column + (ky * kw + kx) * channelCount
                        if iy < 0 || iy >= h || ix < 0 || ix >= w {
                            dst.update(repeating: 0, count: channelCount)
                        } else {
                            dst.update(from: x.baseAddress! + ((n * h + iy) * w + ix) * c + channelOffset,
                                       count: channelCount)
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds each column entry back onto the input position it was copied from.
private func col2im(_ columns: UnsafeMutableBufferPointer<Float>, geometry: WindowGeometry, images: Range<Int>,
                    channelOffset: Int, channelCount: Int, into dx: UnsafeMutableBufferPointer<Float>) {
    let (h, w, c) = (geometry.height, geometry.width, geometry.channels)
    let (kh, kw, s) = (geometry.kernelHeight, geometry.kernelWidth, geometry.stride)
    let (oh, ow) = (geometry.outputHeight, geometry.outputWidth)
    let k = kh * kw * channelCount
    // Windows of neighboring output rows overlap, so images (which never overlap) are the unit of parallelism.
    parallelFor(images.count, work: images.count * oh * ow * k) { range in
        for i in range {
            let n = images.lowerBound + i
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let column = columns.baseAddress! + ((i * oh + oy) * ow + ox) * k
                    for ky in 0..<kh {
                        let iy = oy * s - geometry.top + ky
                        guard iy >= 0 && iy < h else { continue }
                        for kx in 0..<kw {
                            let ix = ox * s - geometry.left + kx
                            guard ix >= 0 && ix < w else { continue }
                            let src = column + (ky * kw + kx) * channelCount
                            let dst = dx.baseAddress! + ((n * h + iy) * w + ix) * c + channelOffset
                            for j in 0..<channelCount { dst[j] += src[j] }
                        }
                    }
                }
            }
        }
    }
}
