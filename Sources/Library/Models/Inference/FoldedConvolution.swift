// Inference with BatchNorm folded into the convolution before it. With running statistics, BatchNorm is a
// per-channel affine map y = s·(x − μ) + β with s = γ / √(σ² + ε), and a bias-free convolution is linear per
// output channel, so the pair is one convolution with weights s[o]·W[o] and bias β − s·μ. That saves one full
// read and write of every activation tensor (about a third of the element-wise passes of a Lite0 forward).
// Only valid when nothing is trained: batch statistics (training phase) and weight gradients need the pair.

import Engine
import NN

/// A convolution with the BatchNorm after it folded in, optionally followed by ReLU6.
///
/// Concretely: `[N, H, W, C]` → `[N, H', W', O]`, equal (up to float rounding) to `relu6(norm(conv(x)))`
/// evaluated with the norm's running statistics.
public struct FoldedConvolution: Sendable {
    /// The scaled filter `[O, C/groups, kh, kw]`.
    public let filter: Tensor
    /// The folded bias `[O]`.
    public let bias: Tensor
    public let stride: Int
    public let padding: Padding
    public let groups: Int
    /// Whether ReLU6 follows.
    public let clampsToSix: Bool
    /// A 1x1 filter packed once for the engine's pointwise kernel (nil for other filters, or without AVX2).
    let packed: PackedPointwiseFilter?

    /// Folds `norm`'s running statistics and affine parameters into `convolution` (which must have no bias or
    /// a bias that is folded along).
    public init(_ convolution: Conv2D, _ norm: BatchNorm, relu6 clampsToSix: Bool) {
        let weight = convolution.weight.value.detached(), outputs = weight.shape[0]
        precondition(norm.weight.shape == [outputs], "BatchNorm of \(norm.weight.shape[0]) features after a conv "
                     + "with \(outputs) outputs")
        let gamma = norm.weight.value.scalars, beta = norm.bias.value.scalars
        let mean = norm.runningMean.value.scalars, variance = norm.runningVariance.value.scalars
        let convolutionBias = convolution.bias?.value.scalars ?? [Float](repeating: 0, count: outputs)
        // Same expression as the engine's batchNorm (1 / √(σ² + ε) in Float) so rounding stays close to it.
        let scale = (0..<outputs).map { gamma[$0] * (1 / (variance[$0] + norm.epsilon).squareRoot()) }
        let perOutput = weight.scalarCount / max(outputs, 1)
        var scaled = weight.scalars
        scaled.withUnsafeMutableBufferPointer { w in
            for o in 0..<outputs {
                for i in (o * perOutput)..<((o + 1) * perOutput) { w[i] *= scale[o] }
            }
        }
        filter = Tensor(shape: weight.shape, scalars: scaled)
        bias = Tensor(shape: [outputs],
                      scalars: (0..<outputs).map { beta[$0] + scale[$0] * (convolutionBias[$0] - mean[$0]) })
        stride = convolution.stride
        padding = convolution.padding
        groups = convolution.groups
        self.clampsToSix = clampsToSix
        packed = groups == 1 && stride == 1 ? PackedPointwiseFilter(filter) : nil
    }

    /// The folded convolution (and ReLU6) of `input`, plus `residual` (before the ReLU6) when given; one pass
    /// over the output (the engine fuses bias, residual and activation).
    public func callAsFunction(_ input: Tensor, adding residual: Tensor? = nil) -> Tensor {
        conv2d(input, filter: filter, bias: bias, stride: stride, padding: padding, groups: groups, adding: residual,
               activation: clampsToSix ? .relu6 : .none, packed: packed)
    }
}

/// An `MBConvBlock` with each convolution's BatchNorm folded in (inference only: no drop-connect).
struct FoldedMBConvBlock: Sendable {
    let expand: FoldedConvolution?
    let depthwise: FoldedConvolution
    let project: FoldedConvolution
    let hasResidual: Bool
    /// The three convolutions arranged for the engine's row-by-row block (nil without AVX2).
    let rowWise: InvertedResidualWeights?

    init(_ block: MBConvBlock) {
        if let conv = block.expandConv, let norm = block.expandNorm {
            expand = FoldedConvolution(conv, norm, relu6: true)
        } else {
            expand = nil
        }
        depthwise = FoldedConvolution(block.depthwiseConv, block.depthwiseNorm, relu6: true)
        project = FoldedConvolution(block.projectConv, block.projectNorm, relu6: false)
        hasResidual = block.hasResidual
        rowWise = InvertedResidualWeights(expand: expand.map { ($0.filter, $0.bias) },
                                          depthwise: (depthwise.filter, depthwise.bias), stride: depthwise.stride,
                                          padding: depthwise.padding, project: (project.filter, project.bias),
                                          addsInput: hasResidual)
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        // Row by row when the expanded activation would not fit in cache and nothing needs a gradient (a pixel
        // gradient flows through the layer-by-layer pass).
        if let rowWise, !input.requiresGradient, rowWise.fusesRows(for: input.shape) {
            return invertedResidual(input, rowWise)
        }
        let x = expand.map { $0(input) } ?? input
        return project(depthwise(x), adding: hasResidual ? input : nil)
    }
}
