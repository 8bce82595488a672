import Engine

/// Examples held in memory as one tensor of inputs and one class index per example (PyTorch: `TensorDataset`).
///
/// Concretely: `inputs` is `[N, …]` (images `[N, H, W, C]`, features `[N, D]`), `labels.count == N`.
public struct TensorDataset: Sendable {
    /// All inputs, `[N, …]`.
    public let inputs: Tensor
    /// The class of each example.
    public let labels: [Int]
    /// Optional per-example targets `[N, …]` that travel with the examples through `subset` and `batches`, e.g.
    /// a teacher's logits for distillation (read them in `Trainer.batchLoss`).
    public let targets: Tensor?

    /// Examples from stacked inputs `[N, …]`, N labels and optionally N targets.
    public init(inputs: Tensor, labels: [Int], targets: Tensor? = nil) {
        precondition(inputs.rank >= 1 && inputs.shape[0] == labels.count,
                     "\(labels.count) labels for inputs of shape \(inputs.shape)")
        precondition(targets.map { $0.rank >= 1 && $0.shape[0] == labels.count } ?? true,
                     "targets of shape \(targets?.shape ?? []) for \(labels.count) examples")
        self.inputs = inputs.detached()
        self.labels = labels
        self.targets = targets?.detached()
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// The shape of one example's input (the inputs' shape without the first axis).
    public var exampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// The examples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int]) -> TensorDataset {
        TensorDataset(inputs: Self.rows(indices, of: inputs), labels: indices.map { labels[$0] },
                      targets: targets.map { Self.rows(indices, of: $0) })
    }

    /// The rows `indices` of `tensor` `[N, …]`, stacked.
    private static func rows(_ indices: [Int], of tensor: Tensor) -> Tensor {
        let rowShape = Array(tensor.shape.dropFirst()), rowSize = rowShape.reduce(1, *), count = tensor.shape[0]
        var values = [Float](repeating: 0, count: indices.count * rowSize)
        values.withUnsafeMutableBufferPointer { out in
            tensor.scalars.withUnsafeBufferPointer { x in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "index \(index) is outside 0..<\(count)")
                    for k in 0..<rowSize { out[row * rowSize + k] = x[index * rowSize + k] }
                }
            }
        }
        return Tensor(shape: [indices.count] + rowShape, scalars: values)
    }

    /// Consecutive batches of at most `size` examples (the last may be smaller), in order, or shuffled with
    /// `generator` when one is given (a new order every call, reproducible from the generator's seed).
    public func batches(size: Int, shuffledWith generator: inout SeededGenerator) -> [TensorDataset] {
        var order = Array(0..<count)
        order.shuffle(using: &generator)
        return batches(size: size, order: order)
    }

    /// Consecutive batches of at most `size` examples, in order.
    public func batches(size: Int) -> [TensorDataset] {
        batches(size: size, order: Array(0..<count))
    }

    private func batches(size: Int, order: [Int]) -> [TensorDataset] {
        precondition(size > 0, "batch size must be positive, got \(size)")
        if order.count <= size && order == Array(0..<count) { return [self] }
        return stride(from: 0, to: order.count, by: size).map { start in
            subset(Array(order[start..<Swift.min(start + size, order.count)]))
        }
    }

    /// The datasets joined one after the other (inputs must share an example shape).
    public static func concatenating(_ parts: [TensorDataset]) -> TensorDataset {
        precondition(!parts.isEmpty, "nothing to concatenate")
        return TensorDataset(inputs: concatenate(parts.map(\.inputs), alongAxis: 0), labels: parts.flatMap(\.labels))
    }
}
