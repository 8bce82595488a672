import Engine

/// Batch normalization over the channel (last) axis (PyTorch: `nn.BatchNorm2d` / `nn.BatchNorm1d`).
///
/// In the training phase a trainable layer normalizes with the batch's statistics and updates its running
/// averages; otherwise — inference, or a frozen layer during fine-tuning — it uses the running statistics:
/// y = (x − running_mean) / √(running_var + ε) · weight + bias.
public final class BatchNorm: Layer {
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Parameter
    public let runningVariance: Parameter
    public let epsilon: Float
    /// PyTorch's convention: running = (1 − momentum)·running + momentum·batch. Recomputing the statistics
    /// (`recomputeBatchNormStatistics`) sets it to 1/k on the k-th batch, which makes the running values exact
    /// averages.
    public var momentum: Float

    public init(featureCount: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        weight = Parameter(Tensor(ones: [featureCount]))
        bias = Parameter(Tensor(zeros: [featureCount]))
        runningMean = Parameter(Tensor(zeros: [featureCount]), kind: .buffer)
        runningVariance = Parameter(Tensor(ones: [featureCount]), kind: .buffer)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance)]
    }

    /// True when this call normalizes with batch statistics.
    public var usesBatchStatistics: Bool { LearningPhase.current == .training && weight.isTrainable }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        callAsFunction(input, activation: .none)
    }

    /// The normalized input with `activation` applied in the same pass: `norm(x, activation: .relu6)` equals
    /// `relu6(norm(x))`, with one activation-sized buffer fewer to write and to keep for the backward pass.
    public func callAsFunction(_ input: Tensor, activation: FusedActivation) -> Tensor {
        // A forward hook must see this layer's own output, before the activation.
        if activation == .relu6 && ForwardHook.isActive { return relu6(callAsFunction(input, activation: .none)) }
        guard usesBatchStatistics else {
            return hooked(batchNorm(input, mean: runningMean.value, variance: runningVariance.value,
                                    scale: weight.value, offset: bias.value, epsilon: epsilon, activation: activation))
        }
        let (output, batchMean, batchVariance) = batchNormTraining(input, scale: weight.value, offset: bias.value,
                                                                   epsilon: epsilon, activation: activation)
        updateRunningStatistics(of: input, mean: batchMean, variance: batchVariance)
        return hooked(output)
    }

    /// `convolution(self(input, activation: activation))`. While training with batch statistics and recording a
    /// gradient, one engine op (`batchNormTrainingConvolution`) that recomputes this layer's output in the backward
    /// pass instead of keeping it for the convolution: a training step holds one activation fewer per pair.
    public func callAsFunction(_ input: Tensor, activation: FusedActivation, then convolution: Conv2D) -> Tensor {
        guard usesBatchStatistics, GradientRecording.isEnabled, !ForwardHook.isActive else {
            return convolution(callAsFunction(input, activation: activation))
        }
        let (output, batchMean, batchVariance) = batchNormTrainingConvolution(
            input, scale: weight.value, offset: bias.value, epsilon: epsilon, activation: activation,
            filter: convolution.weight.value, bias: convolution.bias?.value, stride: convolution.stride,
            padding: convolution.padding, groups: convolution.groups)
        updateRunningStatistics(of: input, mean: batchMean, variance: batchVariance)
        return output
    }

    /// running = (1 − momentum)·running + momentum·batch, with the batch variance made unbiased, as in PyTorch.
    private func updateRunningStatistics(of input: Tensor, mean: Tensor, variance: Tensor) {
        let count = Float(input.scalarCount / input.shape[input.rank - 1])
        let unbiased = variance.detached() * (count / max(count - 1, 1))
        runningMean.assign(runningMean.value * (1 - momentum) + mean.detached() * momentum)
        runningVariance.assign(runningVariance.value * (1 - momentum) + unbiased * momentum)
    }
}
