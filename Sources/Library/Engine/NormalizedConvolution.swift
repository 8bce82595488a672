// A training-mode batch norm (and ReLU6) followed by a convolution, as one recorded op that keeps only the batch
// norm's input for the backward pass.
//
// Recorded as two ops, the pair keeps two activations of the same size: the norm's input x (its backward needs
// x̂) and its output y (the convolution's backward needs its input for the filter gradient). y is one cheap pass
// over x (x·k + shift, clamped), so here the backward pass recomputes it instead of keeping it: in an MBConv block
// the expanded activations are the large ones, and this keeps two of the four a block would otherwise hold until
// the backward pass (the training step's peak memory). The cost is one more read of x and write of y per pair.

/// `conv2d(batchNormTraining(x, ...).output, filter: ...)` with the norm's `activation` applied in between, as one
/// op whose backward pass recomputes the normalized activation from x instead of keeping it (less memory while a
/// graph is held; the same values and gradients up to float rounding).
///
/// Concretely: x `[N, H, W, C]`, scale and offset `[C]`, filter `[O, C/groups, kh, kw]`, bias `[O]` → the
/// convolution's output `[N, H', W', O]` and the batch's `mean` and biased `variance` `[C]` (detached), as
/// `batchNormTraining` returns them.
public func batchNormTrainingConvolution(_ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float = 1e-5,
                                         activation: FusedActivation = .none, filter: Tensor, bias: Tensor? = nil,
                                         stride: Int = 1, padding: Padding = .valid, groups: Int = 1)
    -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let norm = BatchNormalization(x, scale: scale, offset: offset, epsilon: epsilon, activation: activation)
    let value = withoutGradients {
        conv2d(norm.value(of: x), filter: filter.detached(), bias: bias?.detached(), stride: stride,
               padding: padding, groups: groups)
    }
    let inputs = [x, scale, offset, filter] + (bias.map { [$0] } ?? [])
    let output = value.recorded(from: inputs) { upstream in
        // z = conv(y), y = norm(x): recompute y, then the convolution's backward rule and the norm's.
        let y = norm.value(of: x)
        let (dy, dFilter) = convolutionBackward(upstream, input: y, filter: filter, stride: stride, padding: padding,
                                                groups: groups, needInput: true,
                                                needFilter: filter.requiresGradient)
        let (dx, dScale, dOffset) = norm.gradients(dy!, x: x, needInput: x.requiresGradient)
        let dBias = bias.map { [$0.requiresGradient ? upstream.summed(toShape: $0.shape) : nil] } ?? []
        return [dx, dScale, dOffset, dFilter] + dBias
    }
    return (output, norm.meanTensor, norm.varianceTensor)
}
