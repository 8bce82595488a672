// Tensor: the one value type of the engine.
//
// Conventions every file of the engine relies on:
// - Storage is contiguous, row-major Float32 (`[Float]`, so copy-on-write comes for free: copies share the buffer
//   until one of them is written).
// - Image activations are channels-last, NHWC `[N, H, W, C]`: a 1x1 convolution is then a single sgemm on the
//   buffer, and depthwise loops run over C contiguously (vectorized).
// - Convolution filters stay in PyTorch layout `[out, in/groups, kh, kw]`, so checkpoints load by name with
//   identical shapes; `conv2d` rearranges the (small) filter internally.
// - A tensor carries a `GradientNode` only when some input required gradients (see Autodiff.swift), so inference
//   records nothing.
// - On Linux the engine keeps freed large buffers in the process for reuse (a one-time glibc setting, see
//   Memory.swift); without it every large activation is page-faulted in afresh.

import Foundation

/// An n-dimensional array of `Float`, stored contiguously in row-major order (PyTorch: `torch.Tensor`, float32).
///
/// `Tensor` is a value type: assigning it copies lazily (copy-on-write). Operations are free functions
/// (`matmul(_:_:)`, `conv2d(_:filter:)`) and non-mutating methods (`reshaped(to:)`, `sum(alongAxes:)`).
public struct Tensor: Sendable {
    /// The size of each axis, outermost first. A scalar has shape `[]`.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]
    /// The graph node recording how this tensor was computed; nil unless some input required gradients.
    var node: GradientNode?

    /// A tensor with the given shape and elements (row-major).
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative axis")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.node = nil
        _ = largeBufferReuse   // once per process; see Memory.swift
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// A rank-1 tensor holding `values`.
    public init(_ values: [Float]) {
        self.init(shape: [values.count], scalars: values)
    }

    /// A tensor of the given shape filled with zeros (PyTorch: `torch.zeros`).
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of the given shape filled with ones (PyTorch: `torch.ones`).
    public init(ones shape: [Int]) {
        self.init(repeating: 1, shape: shape)
    }

    /// A tensor of the given shape with every element equal to `value` (PyTorch: `torch.full`).
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of elements (PyTorch: `numel()`).
    public var scalarCount: Int { scalars.count }

    /// The number of axes (PyTorch: `dim()`).
    public var rank: Int { shape.count }

    /// The single element of a one-element tensor (PyTorch: `item()`).
    public var scalar: Float {
        precondition(scalars.count == 1, "scalar needs a one-element tensor, shape is \(shape)")
        return scalars[0]
    }

    /// The element at a full index, one `Int` per axis (read and write; writing records no gradient).
    public subscript(_ indices: Int...) -> Float {
        get { scalars[offset(of: indices)] }
        set {
            precondition(node == nil, "cannot write into a tensor that records gradients")
            scalars[offset(of: indices)] = newValue
        }
    }

    /// Calls `body` with the elements in place, for fast loops outside the engine (e.g. filling an image batch).
    /// Writing records no gradient, so the tensor must not be part of a gradient graph.
    public mutating func withUnsafeMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R)
        rethrows -> R {
        precondition(node == nil, "cannot write into a tensor that records gradients; use detached() first")
        return try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// The row-major offset of a full index.
    func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "index \(indices) does not match shape \(shape)")
        var offset = 0
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "index \(indices) is out of bounds for shape \(shape)")
            offset = offset * shape[axis] + index
        }
        return offset
    }

    /// Row-major strides of `shape`, in elements.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// Resolves a possibly negative axis (-1 is the last) to its index.
    func normalizedAxis(_ axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) is out of range for shape \(shape)")
        return resolved
    }
}

extension Tensor: CustomStringConvertible {
    /// The shape and up to the first 8 elements, e.g. `Tensor[2, 3](0.1, 0.2, ... )`.
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", … (\(scalars.count) total)" : ""
        let grad = node != nil ? ", requires gradient" : ""
        return "Tensor\(shape)(\(shown)\(more))\(grad)"
    }
}

extension Tensor: Equatable {
    /// Equal shapes and bitwise-equal elements (the gradient graph is ignored).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}

extension Tensor {
    /// True when every element differs by at most `absoluteTolerance + relativeTolerance·|other|`
    /// (PyTorch: `torch.allclose`). Shapes must match.
    public func isAlmostEqual(to other: Tensor, absoluteTolerance: Float = 1e-5,
                              relativeTolerance: Float = 1e-4) -> Bool {
        guard shape == other.shape else { return false }
        for (a, b) in zip(scalars, other.scalars) {
            // Written so that NaN fails the comparison.
            if !(abs(a - b) <= absoluteTolerance + relativeTolerance * abs(b)) { return false }
        }
        return true
    }

    /// The largest absolute element-wise difference to a tensor of the same shape.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        return zip(scalars, other.scalars).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
    }
}

/// Builds an array of `count` floats whose every element `fill` writes (no zero-filling first).
@inline(__always)
func makeScalars(count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer)
        initialized = count
    }
}
