// 1x1 (pointwise) convolution: on NHWC the input already is a [N·H·W, C] matrix, so the convolution is the product
// Y = X·Wᵀ with the [O, C] filter, and backward is two more products (dX = G·W, dW = Gᵀ·X).
//
// Forward has two kernels:
// - AVX2/FMA (Pointwise.c), when the CPU has it: the filter packed into panels (`PackedPointwiseFilter`, made once
//   per model by the folded convolutions, else per call) and bias, residual and ReLU6 applied in registers before
//   the one store. No zeroing, no copy of X, no second pass over Y.
// - portable: OpenBLAS's sgemm, then bias, residual and clamp in one more pass (`finishRows`).
// Backward: dX = G·W is again a 1x1 convolution (of G with Wᵀ), done by the same kernel when there are enough rows;
// dW = Gᵀ·X, a sum over all rows, stays with sgemm.

import CKernels

/// A 1x1 convolution's filter rearranged for the engine's vector pointwise kernel: panels of 16 output channels,
/// each `[inputs][16]`. Make it once per set of weights (a folded model keeps one per convolution) and pass it to
/// `conv2d(_:filter:bias:stride:padding:groups:adding:activation:packed:)`; it is a copy, so it must be rebuilt
/// when the filter changes.
public struct PackedPointwiseFilter: Sendable {
    /// Output and input channels of the filter it was made from.
    public let outputs: Int, inputs: Int
    let scalars: [Float]

    /// Packs `filter` `[O, C, 1, 1]`; nil when it is not a 1x1 filter or the CPU has no vector kernels
    /// (then the portable path needs nothing packed).
    public init?(_ filter: Tensor) {
        guard vectorKernelsAvailable else { return nil }
        self.init(packing: filter)
    }

    /// Packs the transpose of 1x1 `filter` `[O, C, 1, 1]`: the filter of the input gradient dX = G·W, a product
    /// with C outputs and O inputs. Whatever the CPU; nil unless the filter is `[O, C, 1, 1]`.
    init?(transposing filter: Tensor) {
        guard filter.rank == 4, filter.shape[2] == 1, filter.shape[3] == 1 else { return nil }
        (outputs, inputs) = (filter.shape[1], filter.shape[0])
        let (o, c) = (inputs, outputs)
        scalars = makeScalars(count: tl_pointwise_packed_count(c, o)) { packed in
            filter.scalars.withUnsafeBufferPointer { w in
                tl_pointwise_pack_transposed(w.baseAddress, o, c, packed.baseAddress)
            }
        }
    }

    /// Packs `filter` whatever the CPU (tests compare the kernels with it); nil unless `[O, C, 1, 1]`.
    init?(packing filter: Tensor) {
        guard filter.rank == 4, filter.shape[2] == 1, filter.shape[3] == 1 else { return nil }
        (outputs, inputs) = (filter.shape[0], filter.shape[1])
        let count = tl_pointwise_packed_count(outputs, inputs)
        let (o, c) = (outputs, inputs)
        scalars = makeScalars(count: count) { packed in
            filter.scalars.withUnsafeBufferPointer { w in tl_pointwise_pack(w.baseAddress, o, c, packed.baseAddress) }
        }
    }
}

/// The 1x1 convolution of NHWC `input` `[N,H,W,C]` with `filter` `[O,C,1,1]` → `[N,H,W,O]`, plus bias, residual
/// and ReLU6 (fused in; the backward pass goes through them).
func pointwiseConv2d(_ input: Tensor, filter: Tensor, bias: Tensor?, packed: PackedPointwiseFilter?,
                     adding residual: Tensor? = nil, clampsToSix: Bool = false,
                     vectorKernels: Bool = vectorKernelsAvailable) -> Tensor {
    let (outputs, c) = (filter.shape[0], filter.shape[1])
    let rows = input.scalarCount / max(c, 1)
    let outputShape = Array(input.shape.dropLast()) + [outputs]
    let out = makeScalars(count: rows * outputs) { y in
        input.scalars.withUnsafeBufferPointer { x in
            withEpilogue(bias: bias, residual: residual, clampsToSix: clampsToSix) { epilogue in
                if vectorKernels, let panels = packed ?? PackedPointwiseFilter(packing: filter) {
                    precondition(panels.outputs == outputs && panels.inputs == c,
                                 "conv2d: packed filter \(panels.outputs)×\(panels.inputs) does not match "
                                 + "\(filter.shape)")
                    pointwiseProduct(x.baseAddress!, rows: rows, panels, epilogue, into: y.baseAddress!)
                } else {
                    filter.scalars.withUnsafeBufferPointer { w in
                        sgemm(transposeB: true, m: rows, n: outputs, k: c, x.baseAddress!, lda: c, w.baseAddress!,
                              ldb: c, y.baseAddress!, ldc: outputs)
                    }
                    finishRows(y, rows: rows, columns: outputs, epilogue)
                }
            }
        }
    }
    let (needInput, needFilter) = (input.requiresGradient, filter.requiresGradient)
    let output = Tensor(shape: outputShape, scalars: out)
    return output.recorded(from: fusedInputs(input, filter, bias: bias, residual: residual)) { upstream in
        // Through the fused clamp first; the residual's gradient is what reaches the sum.
        let g = throughFusedClamp(upstream, output: output, clampsToSix: clampsToSix)
        let (dx, dw) = pointwiseBackward(g, input: input, filter: filter, needInput: needInput,
                                         needFilter: needFilter, vectorKernels: vectorKernels)
        return convolutionGradients(input: dx, filter: dw, bias: bias, upstream: g)
            + (residual.map { [$0.requiresGradient ? g : nil] } ?? [])
    }
}

/// The input and filter gradients of a 1x1 convolution for upstream `g`: Y = X·Wᵀ, so dX = G·W and dW = Gᵀ·X
/// (the bias gradient, Σ_rows G, is the caller's).
func pointwiseBackward(_ g: Tensor, input: Tensor, filter: Tensor, needInput: Bool, needFilter: Bool,
                       vectorKernels: Bool = vectorKernelsAvailable) -> (input: Tensor?, filter: Tensor?) {
    let (outputs, c) = (filter.shape[0], filter.shape[1])
    let rows = input.scalarCount / max(c, 1)
    let dx = needInput ? pointwiseInputGradient(g, filter: filter, vectorKernels: vectorKernels) : nil
    var dw = [Float](repeating: 0, count: needFilter ? outputs * c : 0)
    g.scalars.withUnsafeBufferPointer { g in
        input.scalars.withUnsafeBufferPointer { x in
            dw.withUnsafeMutableBufferPointer { dw in
                guard needFilter else { return }
                sgemm(transposeA: true, m: outputs, n: c, k: rows, g.baseAddress!, lda: outputs, x.baseAddress!,
                      ldb: c, dw.baseAddress!, ldc: c)
            }
        }
    }
    return (dx.map { Tensor(shape: input.shape, scalars: $0) },
            needFilter ? Tensor(shape: filter.shape, scalars: dw) : nil)
}

/// dX = G·W for upstream `g` `[..., O]` and `filter` `[O, C, 1, 1]`, as `[rows·C]` scalars. That is itself a 1x1
/// convolution of g with the transposed filter, so the vector kernel does it when there are enough rows for the
/// per-call packing of Wᵀ (one pass over W) to be a small part (at 128 rows and more, e.g. a 14×14 image);
/// sgemm otherwise.
private func pointwiseInputGradient(_ g: Tensor, filter: Tensor, vectorKernels: Bool) -> [Float] {
    let (outputs, c) = (filter.shape[0], filter.shape[1])
    let rows = g.scalarCount / max(outputs, 1)
    return makeScalars(count: rows * c) { dx in
        g.scalars.withUnsafeBufferPointer { g in
            if vectorKernels && rows >= 128, let panels = PackedPointwiseFilter(transposing: filter) {
                let plain = Epilogue(bias: nil, residual: nil, clampsToSix: false)
                pointwiseProduct(g.baseAddress!, rows: rows, panels, plain, into: dx.baseAddress!)
                return
            }
            filter.scalars.withUnsafeBufferPointer { w in
                sgemm(m: rows, n: c, k: outputs, g.baseAddress!, lda: outputs, w.baseAddress!, ldb: c,
                      dx.baseAddress!, ldc: c)
            }
        }
    }
}

/// y = clamp(x·Wᵀ + bias + residual) with the vector kernel, split over rows (and over panels of output channels
/// when there are too few rows to keep every thread busy, e.g. the 7×7 layers of a single image).
private func pointwiseProduct(_ x: UnsafePointer<Float>, rows: Int, _ panels: PackedPointwiseFilter,
                              _ epilogue: Epilogue, into y: UnsafeMutablePointer<Float>) {
    let (outputs, inputs) = (panels.outputs, panels.inputs)
    guard rows > 0 && outputs > 0 else { return }
    let rowUnits = (rows + 11) / 12, panelCount = (outputs + 15) / 16   // the kernel's 12-row and 16-channel units
    let wanted = engineThreadCount == 1 ? 1 : engineThreadCount * 4
    let panelGroups = min(panelCount, (wanted + rowUnits - 1) / rowUnits)
    let rowChunks = min(rowUnits, max(1, wanted / panelGroups))
    panels.scalars.withUnsafeBufferPointer { packed in
        parallelFor(panelGroups * rowChunks, work: rows * outputs * inputs) { tasks in
            for task in tasks {
                let (group, chunk) = (task / rowChunks, task % rowChunks)
                let rowBegin = chunk * rowUnits / rowChunks * 12
                let rowEnd = min(rows, (chunk + 1) * rowUnits / rowChunks * 12)
                tl_pointwise_avx2(x, packed.baseAddress, epilogue.bias, epilogue.residual, y, inputs, outputs,
                                  rowBegin, rowEnd, group * panelCount / panelGroups,
                                  (group + 1) * panelCount / panelGroups, epilogue.clampsToSix ? 1 : 0)
            }
        }
    }
}
