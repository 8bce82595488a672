// Softmax, log-softmax and cross-entropy over the last axis, each a fused, numerically stable kernel
// (the row maximum is subtracted before exponentiating).

import Foundation

/// log(softmax(x)) for each row along the last axis, values only.
private func logSoftmaxValues(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 1 && x.shape[x.rank - 1] > 0, "softmax needs a non-empty last axis, got \(x.shape)")
    let k = x.shape[x.rank - 1], rows = x.scalarCount / k
    let values = makeScalars(count: x.scalarCount) { y in
        x.scalars.withUnsafeBufferPointer { x in
            for row in 0..<rows {
                let (x, y) = (x.baseAddress! + row * k, y.baseAddress! + row * k)
                var largest = -Float.infinity
                for j in 0..<k { largest = max(largest, x[j]) }
                var total: Float = 0
                for j in 0..<k { total += Foundation.exp(x[j] - largest) }
                let shift = largest + Foundation.log(total)
                for j in 0..<k { y[j] = x[j] - shift }
            }
        }
    }
    return Tensor(shape: x.shape, scalars: values)
}

/// Per-row sums along the last axis, shaped to broadcast back (`[..., 1]`).
private func rowSums(_ x: Tensor) -> Tensor {
    x.sum(alongAxes: [x.rank - 1])
}

/// e^x normalized to sum to 1 along the last axis (PyTorch: `F.softmax(x, dim=-1)`).
public func softmax(_ x: Tensor) -> Tensor {
    let y = exp(logSoftmaxValues(x))
    // dx = y ⊙ (g - Σ g·y)
    return y.recorded(from: [x]) { g in [y * (g - rowSums(g * y))] }
}

/// log(softmax(x)) along the last axis, computed stably (PyTorch: `F.log_softmax(x, dim=-1)`).
public func logSoftmax(_ x: Tensor) -> Tensor {
    let y = logSoftmaxValues(x)
    // dx = g - softmax(x)·Σg
    return y.recorded(from: [x]) { g in [g - exp(y) * rowSums(g)] }
}

/// Mean cross-entropy of logits against class indices, optionally with label smoothing
/// (PyTorch: `F.cross_entropy(logits, labels, label_smoothing=ε)`).
///
/// Concretely: logits `[N,K]`, `labels.count == N`, each in `0..<K` → scalar. With smoothing ε the target is
/// (1-ε)·one-hot + ε/K.
public func crossEntropy(logits: Tensor, labels: [Int], labelSmoothing: Float = 0) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                 "crossEntropy needs logits [N,K] and N labels, got \(logits.shape) and \(labels.count) labels")
    let (n, k) = (logits.shape[0], logits.shape[1])
    precondition(labels.allSatisfy { (0..<k).contains($0) }, "crossEntropy labels must lie in 0..<\(k)")
    var target = [Float](repeating: labelSmoothing / Float(k), count: n * k)
    for (row, label) in labels.enumerated() { target[row * k + label] += 1 - labelSmoothing }
    return crossEntropy(logits: logits, probabilities: Tensor(shape: [n, k], scalars: target))
}

/// Mean cross-entropy of logits against target distributions, e.g. MixUp's blended one-hots
/// (PyTorch: `F.cross_entropy(logits, probabilities)` with class-probability targets).
///
/// Concretely: logits and probabilities `[N,K]` → scalar -(1/N)·Σ q·log softmax(logits).
public func crossEntropy(logits: Tensor, probabilities: Tensor) -> Tensor {
    precondition(logits.rank == 2 && logits.shape == probabilities.shape,
                 "crossEntropy needs logits and probabilities of the same [N,K] shape, got \(logits.shape) "
                 + "and \(probabilities.shape)")
    let n = Float(logits.shape[0])
    let logP = logSoftmaxValues(logits)
    var total: Double = 0
    logP.scalars.withUnsafeBufferPointer { l in
        probabilities.scalars.withUnsafeBufferPointer { q in
            for i in 0..<l.count where q[i] != 0 { total -= Double(q[i] * l[i]) }
        }
    }
    let loss = Tensor(Float(total) / n)
    return loss.recorded(from: [logits, probabilities]) { g in
        // d/dlogits = (softmax·Σq - q)/N (softmax - q for distributions); d/dq = -log softmax / N.
        let scale = g.scalar / n
        return [logits.requiresGradient ? (exp(logP) * rowSums(probabilities) - probabilities) * scale : nil,
                probabilities.requiresGradient ? logP * -scale : nil]
    }
}

/// Zeroes each element with probability `rate` and scales the rest by 1/(1-rate), so the expected value is
/// unchanged (PyTorch: `F.dropout(x, p=rate, training=True)`). Call only in training; at inference use `x`.
public func dropout(_ x: Tensor, rate: Float, generator: inout some RandomNumberGenerator) -> Tensor {
    precondition(rate >= 0 && rate < 1, "dropout rate must lie in [0, 1), got \(rate)")
    if rate == 0 { return x }
    let keep = 1 / (1 - rate)
    let mask = Tensor(shape: x.shape, scalars: (0..<x.scalarCount).map { _ in
        Float.random(in: 0..<1, using: &generator) < rate ? 0 : keep
    })
    // d(x·mask)/dx = mask
    return (x.detached() * mask).recorded(from: [x]) { g in [g * mask] }
}
