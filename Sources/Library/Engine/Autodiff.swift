// Reverse-mode automatic differentiation, micrograd-style.
//
// Every differentiable op follows the same four steps:
//   1. compute the value (a plain, node-free Tensor),
//   2. record the parents: `value.recorded(from: [a, b]) { upstream in ... }`,
//   3. the closure is the local backward: given d(loss)/d(output) it returns d(loss)/d(input) for each input,
//      with the derivative rule as a one-line comment,
//   4. return.
// `recorded(from:)` adds a node only when some input requires gradients and recording is on, so inference builds
// no graph. `gradients(for:)` sorts the graph topologically once and walks it backwards, returning fresh
// gradients on every call (calling it twice gives the same answer; micrograd issue #53 cannot happen here).
//
// The tape is open: `recorded(from:operation:backward:)` is public, so any module (NN, Vision, a lesson, a
// student's exercise) defines a differentiable op exactly as the engine does, and `checkGradient(of:at:)`
// (GradientCheck.swift) compares its backward with finite differences. For example, softplus ln(1 + eˣ):
//
//     import Engine
//     import Foundation
//
//     /// ln(1 + eˣ), element-wise (PyTorch: `F.softplus`).
//     func softplus(_ x: Tensor) -> Tensor {
//         let value = Tensor(shape: x.shape, scalars: x.scalars.map { log(1 + exp($0)) })   // 1. the value
//         return value.recorded(from: [x]) { upstream in                                   // 2. the parents
//             // d softplus/dx = σ(x)                                                      // 3. local backward
//             [upstream * sigmoid(x)]
//         }                                                                                // 4. return
//     }
//
//     let check = checkGradient(of: softplus, at: Tensor.random(normal: [3, 4], seed: 1))
//     assert(check.worst < 1e-2)
//
// The backward closure runs with recording off and must return one gradient per input, each with its input's
// shape (or nil where that input needs none); a wrong count or shape stops with the op's name.
//
// The only mutable state outside tensors is the task-local flag `GradientRecording.isEnabled`, which
// `withoutGradients { }` turns off for the current task/thread only.

import Foundation

/// One recorded operation in the gradient graph. Immutable after creation, hence safe to share across threads.
final class GradientNode: @unchecked Sendable {
    /// One entry per op input, in order; nil where that input needs no gradient.
    let parents: [GradientNode?]
    /// Maps d(loss)/d(output) to d(loss)/d(input) per input (nil = not needed or zero). Nil for leaves.
    let backward: ((Tensor) -> [Tensor?])?
    /// The shape of the tensor this node produced, used to check gradient shapes.
    let shape: [Int]
    /// The op that made it (the Swift function's name), for error messages and profiling.
    let operation: String

    init(parents: [GradientNode?], shape: [Int], operation: String, backward: ((Tensor) -> [Tensor?])?) {
        self.parents = parents
        self.shape = shape
        self.operation = operation
        self.backward = backward
    }

    /// All nodes this one depends on (itself included), each after all of its parents.
    func topologicallySorted() -> [GradientNode] {
        var order: [GradientNode] = []
        var visited: Set<ObjectIdentifier> = []
        // Iterative depth-first post-order, so deep networks cannot overflow the stack.
        var stack: [(node: GradientNode, parentIndex: Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, index) = stack.popLast() {
            if index < node.parents.count {
                stack.append((node, index + 1))
                if let parent = node.parents[index], visited.insert(ObjectIdentifier(parent)).inserted {
                    stack.append((parent, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

/// Whether operations currently record a gradient graph (task-local; see `withoutGradients(_:)`).
public enum GradientRecording {
    /// True unless inside `withoutGradients { }` on this task or thread.
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording gradients: results carry no graph, even from inputs that require gradients
/// (PyTorch: `with torch.no_grad():`).
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// True when this tensor is a gradient leaf or was computed from one (PyTorch: `requires_grad`).
    public var requiresGradient: Bool { node != nil }

    /// A copy of this tensor that gradients can be taken with respect to: a fresh leaf of the graph
    /// (PyTorch: `x.detach().requires_grad_()`).
    public func requiringGradient() -> Tensor {
        var leaf = self
        leaf.node = GradientNode(parents: [], shape: shape, operation: "leaf", backward: nil)
        return leaf
    }

    /// The same values with no graph attached: gradients stop here (PyTorch: `detach()`).
    public func detached() -> Tensor {
        var copy = self
        copy.node = nil
        return copy
    }

    /// Returns this (node-free) value as the output of a differentiable op on `inputs`: the public way to add an
    /// op to the tape from any module (see the example at the top of Autodiff.swift).
    ///
    /// `backward` maps d(loss)/d(output) (the shape of `self`) to one d(loss)/d(input) per input, in order, each
    /// of that input's shape, or nil where no gradient is needed. It runs with recording off. Records nothing
    /// when no input requires gradients or recording is off, so inference pays nothing.
    /// `operation` names the op in error messages (default: the calling function's name).
    public func recorded(from inputs: [Tensor], operation: String = #function,
                  backward: @escaping (_ upstream: Tensor) -> [Tensor?]) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradientRecording.isEnabled else { return self }
        var output = self
        output.node = GradientNode(parents: inputs.map(\.node), shape: shape, operation: operation, backward: backward)
        return output
    }

    /// d(self)/d(tensor) for each tensor, summed over the elements of `self` (usually a scalar loss)
    /// (PyTorch: `torch.autograd.grad(loss, tensors)`).
    ///
    /// Each tensor must require gradients (`requiringGradient()` or computed from such a tensor). A tensor that
    /// `self` does not depend on gets zeros. Nothing is stored: calling this twice returns the same gradients.
    public func gradients(for tensors: [Tensor]) -> [Tensor] {
        for tensor in tensors {
            precondition(tensor.node != nil, "gradients(for:) needs tensors that require gradients; "
                         + "call requiringGradient() on the \(tensor.shape) tensor first")
        }
        guard let root = node else { return tensors.map { Tensor(zeros: $0.shape) } }
        let wanted = Set(tensors.map { ObjectIdentifier($0.node!) })
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): Tensor(ones: shape)]
        withoutGradients {
            for node in root.topologicallySorted().reversed() {
                let id = ObjectIdentifier(node)
                // Free intermediate gradients as soon as they have been passed on; keep the requested ones.
                guard let backward = node.backward,
                      let upstream = wanted.contains(id) ? grads[id] : grads.removeValue(forKey: id) else { continue }
                let inputGrads = backward(upstream)
                precondition(inputGrads.count == node.parents.count,
                             "\(node.operation): backward returned \(inputGrads.count) gradients for "
                             + "\(node.parents.count) inputs")
                for (parent, grad) in zip(node.parents, inputGrads) {
                    guard let parent, let grad else { continue }
                    precondition(grad.shape == parent.shape, "\(node.operation): gradient of shape \(grad.shape) "
                                 + "for an input of shape \(parent.shape)")
                    let parentID = ObjectIdentifier(parent)
                    if var sum = grads.removeValue(forKey: parentID) {
                        sum.add(grad)
                        grads[parentID] = sum
                    } else {
                        grads[parentID] = grad.detached()
                    }
                }
            }
        }
        return tensors.map { grads[ObjectIdentifier($0.node!)] ?? Tensor(zeros: $0.shape) }
    }

    /// d(self)/d(tensor), summed over the elements of `self`; see `gradients(for:)`.
    public func gradient(for tensor: Tensor) -> Tensor {
        gradients(for: [tensor])[0]
    }

    /// Adds `other` (same shape) into this tensor in place, recording nothing.
    mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "cannot add \(other.shape) into \(shape)")
        let count = scalars.count
        scalars.withUnsafeMutableBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0..<count { a[i] += b[i] }
            }
        }
    }
}
