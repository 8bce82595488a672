import Engine

/// Examples held in memory as one tensor of inputs and one class index per example (PyTorch: `TensorDataset`).
///
/// Concretely: `inputs` is `[N, …]` (images `[N, H, W, C]`, features `[N, D]`), `labels.count == N`.
public struct TensorDataset: Sendable {
    /// All inputs, `[N, …]`.
    public let inputs: Tensor
    /// The class of each example.
    public let labels: [Int]

    /// Examples from stacked inputs `[N, …]` and N labels.
    public init(inputs: Tensor, labels: [Int]) {
        precondition(inputs.rank >= 1 && inputs.shape[0] == labels.count,
                     "\(labels.count) labels for inputs of shape \(inputs.shape)")
        self.inputs = inputs.detached()
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// The shape of one example's input (the inputs' shape without the first axis).
    public var exampleShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// The examples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int]) -> TensorDataset {
        let rowSize = exampleShape.reduce(1, *)
        var values = [Float](repeating: 0, count: indices.count * rowSize)
        values.withUnsafeMutableBufferPointer { out in
            inputs.scalars.withUnsafeBufferPointer { x in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "index \(index) is outside 0..<\(count)")
                    for k in 0..<rowSize { out[row * rowSize + k] = x[index * rowSize + k] }
                }
            }
        }
        return TensorDataset(inputs: Tensor(shape: [indices.count] + exampleShape, scalars: values),
                             labels: indices.map { labels[$0] })
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
