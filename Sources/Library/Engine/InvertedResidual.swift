// An inverted-residual block (MobileNetV2 / EfficientNet's MBConv) for inference, a few rows at a time.
//
// Done layer by layer, the block writes its expanded activation (6× the input's channels) to memory and reads it
// back for the depthwise convolution, then writes and reads the depthwise output for the projection: at batch 32
// the first of those is 154 MB, so the depthwise pass is bound by memory bandwidth, not arithmetic, and a second
// thread hardly helps. Here each task (an image, or a band of its rows) walks down the image in chunks of output
// rows: it expands only the input rows the chunk's windows need (keeping the rows it shares with the previous
// chunk), runs the depthwise kernel on them and projects the result straight into the output. The expanded rows
// (about 160 KB) stay in L2, and only the block's input and output touch memory. The arithmetic is that of the
// vector kernels (Pointwise.c, Kernels.c) with the same fused bias, ReLU6 and residual, so results equal the
// layer-by-layer pass up to float rounding.

import CKernels

/// The weights of one inverted-residual block with BatchNorm folded in, arranged for `invertedResidual(_:_:)`:
/// expand 1x1 + ReLU6 (optional) → depthwise k×k + ReLU6 → project 1x1, plus the input when `addsInput`.
public struct InvertedResidualWeights: Sendable {
    let expand: PackedPointwiseFilter?, expandBias: [Float]?
    /// The depthwise filter as `[kh·kw, C]` (tap-major, channels contiguous), and its bias.
    let depthwise: [Float], depthwiseBias: [Float]?
    let kernelSize: Int, stride: Int, padding: Padding
    let project: PackedPointwiseFilter, projectBias: [Float]?
    /// Whether the block's input is added to the projection (stride 1, equal channel counts).
    public let addsInput: Bool

    /// Arranges the weights; nil when the CPU has no vector kernels or a filter has the wrong shape (a 1x1 expand
    /// and projection, a square depthwise filter `[C, 1, k, k]` with C the expansion's outputs).
    public init?(expand: (filter: Tensor, bias: Tensor?)?, depthwise: (filter: Tensor, bias: Tensor?),
                 stride: Int, padding: Padding, project: (filter: Tensor, bias: Tensor?), addsInput: Bool) {
        guard vectorKernelsAvailable else { return nil }
        self.init(packing: expand, depthwise: depthwise, stride: stride, padding: padding, project: project,
                  addsInput: addsInput)
    }

    /// As `init?(expand:...)` whatever the CPU (the tests compare the kernels with it).
    init?(packing expand: (filter: Tensor, bias: Tensor?)?, depthwise: (filter: Tensor, bias: Tensor?),
          stride: Int, padding: Padding, project: (filter: Tensor, bias: Tensor?), addsInput: Bool) {
        let w = depthwise.filter
        guard w.rank == 4, w.shape[1] == 1, w.shape[2] == w.shape[3], stride >= 1,
              let projection = PackedPointwiseFilter(packing: project.filter), projection.inputs == w.shape[0]
        else { return nil }
        if let expand {
            guard let packed = PackedPointwiseFilter(packing: expand.filter), packed.outputs == w.shape[0]
            else { return nil }
            (self.expand, expandBias) = (packed, expand.bias?.scalars)
        } else {
            (self.expand, expandBias) = (nil, nil)
        }
        let (c, k) = (w.shape[0], w.shape[2])
        self.depthwise = w.detached().reshaped(to: [c, k * k]).transposed().scalars
        depthwiseBias = depthwise.bias?.scalars
        (kernelSize, self.stride, self.padding) = (k, stride, padding)
        (self.project, projectBias) = (projection, project.bias?.scalars)
        self.addsInput = addsInput
    }

    /// Output rows per chunk for images `width` pixels wide: the chunk's expanded rows ((rows − 1)·stride + k
    /// of them) in about 160 KB, so they stay in L2 with the depthwise output.
    func chunkRows(width: Int) -> Int {
        let rowBytes = max(width * expandedChannels * 4, 1)
        return max(1, ((160 << 10) / rowBytes - kernelSize) / stride + 1)
    }

    /// Whether running the block a few rows at a time pays for `inputShape` `[N, H, W, C]`: when the expanded
    /// activation of the whole batch (or the depthwise output, without an expansion) is larger than L2 (1 MB and
    /// more); below that the layer-by-layer pass keeps it in cache anyway and parallelizes more finely.
    public func fusesRows(for inputShape: [Int]) -> Bool {
        inputShape.count == 4 && inputShape[0] * inputShape[1] * inputShape[2] * expandedChannels * 4 >= 1 << 20
    }

    /// Channels of the block's input, of the expanded activation, and of its output.
    var inputChannels: Int { expand?.inputs ?? project.inputs }
    var expandedChannels: Int { project.inputs }
    var outputChannels: Int { project.outputs }
}

/// The block's output for NHWC `input` `[N, H, W, C]` → `[N, H', W', O]`: equal (up to float rounding) to
/// `conv2d(relu6(depthwise(relu6(expand(x))))) + x`, each convolution with its bias. Inference only: nothing is
/// recorded, so call it when no gradient is needed (the input records none).
public func invertedResidual(_ input: Tensor, _ block: InvertedResidualWeights) -> Tensor {
    precondition(input.rank == 4 && input.shape[3] == block.inputChannels,
                 "invertedResidual: input \(input.shape) (NHWC) does not have \(block.inputChannels) channels")
    precondition(!input.requiresGradient, "invertedResidual is inference only; the input records a gradient")
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    let (cin, c, cout) = (block.inputChannels, block.expandedChannels, block.outputChannels)
    let k = block.kernelSize
    let geometry = WindowGeometry(input: [n, h, w, c], kernelHeight: k, kernelWidth: k, stride: block.stride,
                                  padding: block.padding)
    let (oh, ow, s) = (geometry.outputHeight, geometry.outputWidth, geometry.stride)
    precondition(!block.addsInput || (oh == h && ow == w && cin == cout),
                 "invertedResidual: the input \(input.shape) cannot be added to [\(n), \(oh), \(ow), \(cout)]")
    // At least 48 pixels per chunk, so the pointwise kernel's 6- and 12-row tiles are mostly full on small images.
    let chunk = min(max(block.chunkRows(width: w), (48 + ow - 1) / ow), oh)
    // Bands of rows per image when there are fewer images than tasks wanted; a band boundary expands k − s rows
    // twice, so bands stay at least 4 chunks tall.
    let wanted = engineThreadCount == 1 ? 1 : engineThreadCount * 2
    let bands = min((wanted + n - 1) / n, max(1, oh / (4 * chunk)))
    let out = makeScalars(count: n * oh * ow * cout) { y in
        input.scalars.withUnsafeBufferPointer { x in
            withWeights(block) { weights in
                let run = BlockRun(block: block, weights: weights, geometry: geometry, chunk: chunk,
                                   input: x.baseAddress!, output: y.baseAddress!)
                parallelFor(n * bands, work: n * oh * ow * c * (cin + cout + k * k)) { tasks in
                    var expanded = [Float](repeating: 0, count: block.expand == nil ? 0 : ((chunk - 1) * s + k) * w * c)
                    var middle = [Float](repeating: 0, count: chunk * ow * c)
                    expanded.withUnsafeMutableBufferPointer { expanded in
                        middle.withUnsafeMutableBufferPointer { middle in
                            for task in tasks {
                                let (image, band) = (task / bands, task % bands)
                                run.rows((band * oh / bands)..<((band + 1) * oh / bands), of: image,
                                         expanded: block.expand == nil ? nil : expanded.baseAddress,
                                         middle: middle.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, oh, ow, cout], scalars: out)
}

/// One call of `invertedResidual`: its sizes and pointers, and the work of one task.
private struct BlockRun {
    let block: InvertedResidualWeights, weights: BlockPointers, geometry: WindowGeometry, chunk: Int
    let input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>

    /// Output rows `rows` of `image`, chunk by chunk, with `expanded` and `middle` as the task's scratch.
    func rows(_ rows: Range<Int>, of image: Int, expanded: UnsafeMutablePointer<Float>?,
              middle: UnsafeMutablePointer<Float>) {
        let (h, w, c, s, k) = (geometry.height, geometry.width, geometry.channels, geometry.stride,
                               geometry.kernelHeight)
        let (oh, ow, cin, cout) = (geometry.outputHeight, geometry.outputWidth, block.inputChannels,
                                   block.outputChannels)
        let image0 = input + image * h * w * cin
        var have = 0..<0   // input rows whose expansion `expanded` holds, from its start
        for first in stride(from: rows.lowerBound, to: rows.upperBound, by: chunk) {
            let last = min(first + chunk, rows.upperBound)
            // The input rows the chunk's windows read, clipped to the image.
            let need = max(0, first * s - geometry.top)..<min(h, (last - 1) * s - geometry.top + k)
            var source = image0 + need.lowerBound * w * cin
            if let expanded {
                // Keep the rows shared with the previous chunk, expand the others.
                if have.contains(need.lowerBound) {
                    let kept = (have.upperBound - need.lowerBound) * w * c
                    expanded.update(from: expanded + (need.lowerBound - have.lowerBound) * w * c, count: kept)
                    have = need.lowerBound..<have.upperBound
                } else {
                    have = need.lowerBound..<need.lowerBound
                }
                tl_pointwise_avx2(image0 + have.upperBound * w * cin, weights.expand, weights.expandBias, nil,
                                  expanded + have.count * w * c, cin, c, 0, (need.upperBound - have.upperBound) * w,
                                  0, Int.max, 1)
                have = need
                source = UnsafePointer(expanded)
            }
            // The depthwise kernel sees the needed rows as the whole image (rows above them become padding it
            // never reads); output row oy lands at middle + (oy − first)·ow·c.
            let window = TLDepthwiseGeometry(batch: 1, height: need.count, width: w, channels: c, kernelHeight: k,
                                             kernelWidth: k, stride: s, top: geometry.top + need.lowerBound,
                                             left: geometry.left, outputHeight: oh, outputWidth: ow)
            tl_depthwise_forward_avx2(source, weights.depthwise, weights.depthwiseBias, nil, middle - first * ow * c,
                                      window, first, last, 1)
            let offset = (image * oh + first) * ow
            tl_pointwise_avx2(middle, weights.project, weights.projectBias,
                              block.addsInput ? input + offset * cin : nil, output + offset * cout, c, cout, 0,
                              (last - first) * ow, 0, Int.max, 0)
        }
    }
}

/// Pointers to a block's packed weights and biases (nil where absent), valid for one call.
private struct BlockPointers {
    let expand: UnsafePointer<Float>?, expandBias: UnsafePointer<Float>?
    let depthwise: UnsafePointer<Float>, depthwiseBias: UnsafePointer<Float>?
    let project: UnsafePointer<Float>, projectBias: UnsafePointer<Float>?
}

/// Calls `body` with pointers to the block's weights.
private func withWeights<R>(_ block: InvertedResidualWeights, _ body: (BlockPointers) -> R) -> R {
    func withPointer(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
    return withPointer(block.expand?.scalars) { e in
        withPointer(block.expandBias) { eb in
            withPointer(block.depthwise) { d in
                withPointer(block.depthwiseBias) { db in
                    withPointer(block.project.scalars) { p in
                        withPointer(block.projectBias) { pb in
                            body(BlockPointers(expand: e, expandBias: eb, depthwise: d!, depthwiseBias: db,
                                               project: p!, projectBias: pb))
                        }
                    }
                }
            }
        }
    }
}
