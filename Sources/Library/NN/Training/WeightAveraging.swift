// Stochastic weight averaging (Izmailov et al. 2018): the mean of the weights visited over the last epochs of a
// run usually sits nearer the middle of a wide, flat valley of the loss than any single epoch's weights. The
// mean of BatchNorm's statistics is not the statistics of the mean weights, so they are recomputed afterwards
// with one pass over the training data (PyTorch: `torch.optim.swa_utils.AveragedModel` and `update_bn`).

import Engine

/// A running mean of a model's learnable weights: after k snapshots, average = (w₁ + … + w_k) / k, kept as
/// average ← average + (w − average) / k so no snapshot is stored.
public final class WeightAverage {
    /// The weights averaged, in `Layer.weights` order.
    public let parameters: [Parameter]
    /// Snapshots taken so far.
    public private(set) var count = 0
    private var means: [[Float]]

    /// An empty average of `model`'s weights (buffers such as BatchNorm statistics are not averaged).
    public init(of model: any Layer) {
        parameters = model.weights
        means = parameters.map { [Float](repeating: 0, count: $0.value.scalarCount) }
    }

    /// Adds the weights as they are now.
    public func addSnapshot() {
        count += 1
        let rate = 1 / Float(count)
        for (index, parameter) in parameters.enumerated() {
            means[index].withUnsafeMutableBufferPointer { mean in
                parameter.value.scalars.withUnsafeBufferPointer { w in
                    for i in 0..<mean.count { mean[i] += (w[i] - mean[i]) * rate }
                }
            }
        }
    }

    /// The averaged values, one tensor per parameter.
    public var averages: [Tensor] { zip(parameters, means).map { Tensor(shape: $0.shape, scalars: $1) } }

    /// Writes the averages into the model's weights.
    public func assignToModel() {
        precondition(count > 0, "no snapshot has been added to the weight average")
        for (parameter, average) in zip(parameters, averages) { parameter.assign(average) }
    }
}

/// Averages the weights after every epoch from `startEpoch` on (Keras 3 and PyTorch: SWA). The model keeps
/// training normally; call `average.assignToModel()` and `recomputeBatchNormStatistics` when it ends.
public final class StochasticWeightAveraging: TrainingCallback {
    /// The first epoch (1-based) whose weights enter the average.
    public let startEpoch: Int
    /// The running average (nil before training begins).
    public private(set) var average: WeightAverage?

    /// Averages the weights of epochs `startEpoch`, `startEpoch + 1`, … .
    public init(startEpoch: Int) {
        precondition(startEpoch >= 1, "the first averaged epoch must be 1 or later, got \(startEpoch)")
        self.startEpoch = startEpoch
    }

    public func trainingWillBegin(_ context: TrainingContext) { average = WeightAverage(of: context.model) }

    public func epochDidEnd(_ log: EpochLog, context: TrainingContext) throws {
        if log.epoch >= startEpoch { average?.addSnapshot() }
    }
}

/// Recomputes every trainable BatchNorm layer's running mean and variance as exact averages over `data`
/// (PyTorch: `torch.optim.swa_utils.update_bn`): one pass in the training phase without gradients, with the
/// momentum of the k-th batch set to 1/k. Needed after averaging or otherwise editing weights.
public func recomputeBatchNormStatistics(of model: any Layer, on data: TensorDataset, batchSize: Int = 64) {
    let norms = model.namedLayers.compactMap { $0.layer as? BatchNorm }.filter { $0.weight.isTrainable }
    let momenta = norms.map(\.momentum)
    for (k, batch) in data.batches(size: batchSize).enumerated() {
        for norm in norms { norm.momentum = 1 / Float(k + 1) }
        withLearningPhase(.training) { withoutGradients { _ = model(batch.inputs) } }
    }
    for (norm, momentum) in zip(norms, momenta) { norm.momentum = momentum }
}
