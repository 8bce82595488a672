// Averaging predictions: over several models (an ensemble) or over transformed copies of each input (test-time
// augmentation). Both average probabilities, not logits, so each member votes with its confidence.

import Engine

/// The mean softmax probabilities `[N, K]` of every model on every view of `inputs` (`views` transform a batch;
/// the default is the batch as is), in the inference phase without gradients, in batches of `batchSize`.
/// An ensemble passes several models; test-time augmentation passes several views.
public func meanProbabilities(of models: [any Layer], on inputs: Tensor, views: [(Tensor) -> Tensor] = [{ $0 }],
                              batchSize: Int = 128) -> Tensor {
    precondition(!models.isEmpty && !views.isEmpty, "needs at least one model and one view")
    let batches = TensorDataset(inputs: inputs, labels: Array(repeating: 0, count: inputs.shape[0]))
        .batches(size: batchSize)
    let parts = withLearningPhase(.inference) {
        withoutGradients {
            batches.map { batch in
                var total: Tensor?
                for model in models {
                    for view in views {
                        let probabilities = softmax(model(view(batch.inputs)))
                        total = total.map { $0 + probabilities } ?? probabilities
                    }
                }
                return total! / Float(models.count * views.count)
            }
        }
    }
    return concatenate(parts, alongAxis: 0)
}

/// The fraction of rows of `probabilities` `[N, K]` whose largest entry is at the label.
public func accuracy(of probabilities: Tensor, labels: [Int]) -> Double {
    precondition(probabilities.shape.first == labels.count, "\(labels.count) labels for \(probabilities.shape)")
    return Double(zip(probabilities.argmax(), labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
}
