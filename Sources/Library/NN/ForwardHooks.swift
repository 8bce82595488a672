// A forward hook sees every layer's output as a forward pass runs, and may replace it (PyTorch:
// `register_forward_hook`). It is scoped like the learning phase — task-local, active only inside
// `withForwardHook { }` — so no layer keeps a list of observers that someone must remember to remove.
// Layer summaries record output shapes with it; the mixed-precision demo rounds activations with it.

import Engine

/// The hook in effect for the forward passes on this task (at most one; an inner `withForwardHook` replaces an
/// outer one while it runs).
public enum ForwardHook {
    /// A box so that a non-Sendable closure can live in a task-local.
    final class Box: @unchecked Sendable {
        let hook: (any Layer, Tensor) -> Tensor
        init(_ hook: @escaping (any Layer, Tensor) -> Tensor) { self.hook = hook }
    }
    @TaskLocal static var current: Box?

    /// True inside `withForwardHook { }`. Fast paths that skip layers (e.g. BatchNorm folded into convolutions)
    /// must not run then, so that every layer is seen.
    public static var isActive: Bool { current != nil }
}

/// Runs `body` with `hook` called on the output of every layer that runs: `hook(layer, output)` returns the
/// tensor the layer passes on (return `output` to only observe).
///
/// ```swift
/// var shapes: [String] = []
/// _ = withForwardHook({ layer, output in shapes.append("\(type(of: layer)) \(output.shape)"); return output }) {
///     model(batch)
/// }
/// ```
public func withForwardHook<T>(_ hook: @escaping (_ layer: any Layer, _ output: Tensor) -> Tensor,
                               _ body: () throws -> T) rethrows -> T {
    try ForwardHook.$current.withValue(ForwardHook.Box(hook), operation: body)
}

extension Layer {
    /// `output` as the active forward hook passes it on (unchanged without a hook). Every layer returns its
    /// output through this, containers included.
    @inline(__always)
    public func hooked(_ output: Tensor) -> Tensor {
        guard let box = ForwardHook.current else { return output }
        return box.hook(self, output)
    }
}
