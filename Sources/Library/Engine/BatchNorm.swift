// Batch normalization over the last axis (the channels of NHWC activations, or the features of [N, F]).
// Both variants are fused kernels (BatchNormKernels.swift): one pass for the value (ReLU6 included when asked); in
// backward, one pass of per-channel sums and one for the input gradient, both recomputing the ReLU6 mask from the
// input, so the output is not kept for the backward pass.

import Foundation

/// Batch normalization with fixed statistics, as at inference (PyTorch: `F.batch_norm(training=False)`,
/// `nn.BatchNorm2d.eval()`; checkpoint keys `running_mean`, `running_var`, `weight`, `bias`).
///
/// y = (x - mean) / √(variance + ε) · scale + offset, per channel. Concretely: x `[..., C]`; mean, variance, scale,
/// offset `[C]`. `epsilon` defaults to PyTorch's 1e-5 (TensorFlow-trained EfficientNet-Lite uses 1e-3).
///
/// `activation: .relu6` clamps the output in the same pass (`relu6(batchNorm(...))`, one activation-sized buffer
/// fewer to write and to keep for the backward pass).
public func batchNorm(_ x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor, offset: Tensor,
                      epsilon: Float = 1e-5, activation: FusedActivation = .none) -> Tensor {
    let c = checkChannels(x, [mean, variance, scale, offset])
    // y = x·a + b with a = scale/√(var+ε), b = offset - mean·a.
    let inverseStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let a = (0..<c).map { scale.scalars[$0] * inverseStd[$0] }
    let b = (0..<c).map { offset.scalars[$0] - mean.scalars[$0] * a[$0] }
    let mask = activation == .relu6 ? ReLU6Mask(a: a, b: b) : nil
    let y = affine(x, a, b, clampsToSix: mask != nil)
    return y.recorded(from: [x, mean, variance, scale, offset]) { upstream in
        // Through the clamp too: d relu6/dz = 1 where 0 < z < 6 (z = x·a + b), else 0 (the mask m).
        // dy/dx = m·a; dy/dmean = -m·a; dy/dvar = -½·m·scale·(x-mean)·(var+ε)^-3/2; dy/dscale = m·x̂;
        // dy/doffset = m.
        let dx = x.requiresGradient ? batchNormInputGradient(upstream, x: x, k: a, mask: mask) : nil
        // A frozen network (e.g. an attack on the input) needs only dx: skip the per-channel sums.
        guard [mean, variance, scale, offset].contains(where: \.requiresGradient) else {
            return [dx, nil, nil, nil, nil]
        }
        let (sumG, sumGCentered) = channelSums(upstream, x, vShift: mean.scalars, mask: mask)   // Σg, Σg·(x-mean)
        let sumGXHat = (0..<c).map { sumGCentered[$0] * inverseStd[$0] }
        return [dx,
                Tensor(shape: [c], scalars: (0..<c).map { -a[$0] * sumG[$0] }),
                Tensor(shape: [c], scalars: (0..<c).map {
                    -0.5 * scale.scalars[$0] * sumGXHat[$0] * inverseStd[$0] * inverseStd[$0]
                }),
                Tensor(shape: [c], scalars: sumGXHat),
                Tensor(shape: [c], scalars: sumG)]
    }
}

/// Batch normalization with the statistics of this batch, as in training (PyTorch: `F.batch_norm(training=True)`,
/// `nn.BatchNorm2d.train()`). Gradients flow through the batch mean and variance.
///
/// Returns the output (shape of x) and the batch's per-channel `mean` and biased `variance` `[C]` (the ones used to
/// normalize; detached). For PyTorch's running-variance update multiply the variance by M/(M-1), M = count/C.
///
/// `activation: .relu6` clamps the output in the same pass, as `batchNorm` does.
public func batchNormTraining(_ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float = 1e-5,
                              activation: FusedActivation = .none) -> (output: Tensor, mean: Tensor, variance: Tensor) {
    let norm = BatchNormalization(x, scale: scale, offset: offset, epsilon: epsilon, activation: activation)
    let output = norm.value(of: x).recorded(from: [x, scale, offset]) { upstream in
        let (dx, dScale, dOffset) = norm.gradients(upstream, x: x, needInput: x.requiresGradient)
        return [dx, dScale, dOffset]
    }
    return (output, norm.meanTensor, norm.varianceTensor)
}

/// Batch norm in training for one batch: its statistics (one pass over x), the per-channel affine map they give,
/// its value and its backward rule. `batchNormTraining` and `batchNormTrainingConvolution` share it.
struct BatchNormalization {
    let channels: Int, count: Float
    let mean: [Float], variance: [Float], inverseStd: [Float]
    /// The value is x·k + shift (then the ReLU6 `mask` when there is one).
    let k: [Float], shift: [Float], mask: ReLU6Mask?

    init(_ x: Tensor, scale: Tensor, offset: Tensor, epsilon: Float, activation: FusedActivation) {
        let c = checkChannels(x, [scale, offset])
        let m = Float(x.scalarCount / c)
        precondition(m > 0, "batchNormTraining needs at least one row, got shape \(x.shape)")
        // One pass for both statistics: Σx and Σ(x-K)² with K = the first row (a sample of each channel, so the
        // shifted sum does not cancel catastrophically), then var = Σ(x-K)²/M − (mean−K)².
        let first = Array(x.scalars.prefix(c))
        let (sum, shiftedSquares) = channelSums(x, x, uShift: first, vShift: first)
        let mean = sum.map { $0 / m }
        let variance = (0..<c).map {
            Swift.max(shiftedSquares[$0] / m - (mean[$0] - first[$0]) * (mean[$0] - first[$0]), 0)
        }
        let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        // y = x̂·scale + offset with x̂ = (x-mean)·invStd, computed in one pass as x·k + (offset - mean·k).
        let k = (0..<c).map { scale.scalars[$0] * inverseStd[$0] }
        let shift = (0..<c).map { offset.scalars[$0] - mean[$0] * k[$0] }
        mask = activation == .relu6 ? ReLU6Mask(a: k, b: shift) : nil
        (channels, count, self.mean, self.variance, self.inverseStd, self.k, self.shift)
            = (c, m, mean, variance, inverseStd, k, shift)
    }

    var meanTensor: Tensor { Tensor(shape: [channels], scalars: mean) }
    var varianceTensor: Tensor { Tensor(shape: [channels], scalars: variance) }

    /// The normalized x (clamped when the activation is ReLU6); no graph.
    func value(of x: Tensor) -> Tensor { affine(x, k, shift, clampsToSix: mask != nil) }

    /// d(loss)/d(x), d(loss)/d(scale), d(loss)/d(offset) for the upstream gradient of the value.
    func gradients(_ upstream: Tensor, x: Tensor, needInput: Bool) -> (x: Tensor?, scale: Tensor, offset: Tensor) {
        let (c, m, k, mean, inverseStd) = (channels, count, k, mean, inverseStd)
        // Through the clamp first: d relu6/dz = 1 where 0 < z < 6 (z = x·k + shift), else 0; g = m·upstream.
        let (sumG, sumGCentered) = channelSums(upstream, x, vShift: mean, mask: mask)
        let sumGXHat = (0..<c).map { sumGCentered[$0] * inverseStd[$0] }
        // dx = (k/M)·(M·g - Σg - x̂·Σ(g·x̂)), k = scale·invStd: the mean and variance depend on every x.
        // As one pass: dx = g·k + x·q + r with q = -k·invStd·Σ(g·x̂)/M and r = -k·Σg/M - q·mean.
        let dx: Tensor? = needInput ? {
            let q = (0..<c).map { -k[$0] * inverseStd[$0] * sumGXHat[$0] / m }
            return batchNormInputGradient(upstream, x: x, k: k, q: q,
                                          r: (0..<c).map { -k[$0] * sumG[$0] / m - q[$0] * mean[$0] }, mask: mask)
        }() : nil
        // dy/dscale = x̂, dy/doffset = 1.
        return (dx, Tensor(shape: [c], scalars: sumGXHat), Tensor(shape: [c], scalars: sumG))
    }
}

/// The channel count (last axis of x), after checking every per-channel tensor is `[C]`.
private func checkChannels(_ x: Tensor, _ perChannel: [Tensor]) -> Int {
    precondition(x.rank >= 1, "batch norm needs a tensor with a channel axis, got shape \(x.shape)")
    let c = x.shape[x.rank - 1]
    for t in perChannel {
        precondition(t.shape == [c], "batch norm parameters must be [\(c)] for input \(x.shape), got \(t.shape)")
    }
    return c
}
