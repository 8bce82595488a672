// + - * / with NumPy broadcasting, tensor-tensor and tensor-scalar, and unary minus.
// Gradients of broadcast operands are summed back to their shape (`summed(toShape:)`).

enum BinaryOperator { case add, subtract, multiply, divide }

/// The values of `a op b` with broadcasting, no graph. The operator is switched on once per call, not per element.
func broadcastValues(_ a: Tensor, _ b: Tensor, _ op: BinaryOperator) -> Tensor {
    let shape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
    let loop = StridedLoop(shape: shape, stridesA: broadcastStrides(of: a.shape, to: shape),
                           stridesB: broadcastStrides(of: b.shape, to: shape))
    let count = shape.reduce(1, *)
    let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                switch op {
                case .add: combine(loop, x, y, out) { $0 + $1 }
                case .subtract: combine(loop, x, y, out) { $0 - $1 }
                case .multiply: combine(loop, x, y, out) { $0 * $1 }
                case .divide: combine(loop, x, y, out) { $0 / $1 }
                }
            }
        }
        initialized = count
    }
    return Tensor(shape: shape, scalars: values)
}

/// out = f(x, y) along `loop`. Inner loops are specialized on unit/zero strides so they vectorize; `f` is a
/// literal at each call site above and inlined (it must stay in this file to be, see `StridedLoop.Rows`).
@inline(__always)
private func combine(_ loop: StridedLoop, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
                     _ out: UnsafeMutableBufferPointer<Float>, _ f: (Float, Float) -> Float) {
    let n = loop.rowLength, sa = loop.rowStrideA, sb = loop.rowStrideB
    // Row pointers rather than `out[o + k]`: the overflow check on `o + k` would stop vectorization.
    for (o, i, j) in loop {
        let (out, x, y) = (out.baseAddress! + o, x.baseAddress! + i, y.baseAddress! + j)
        if sa == 1 && sb == 1 {
            for k in 0..<n { out[k] = f(x[k], y[k]) }
        } else if sa == 1 && sb == 0 {
            let v = y[0]
            for k in 0..<n { out[k] = f(x[k], v) }
        } else if sa == 0 && sb == 1 {
            let u = x[0]
            for k in 0..<n { out[k] = f(u, y[k]) }
        } else {
            for k in 0..<n { out[k] = f(x[k * sa], y[k * sb]) }
        }
    }
}

extension Tensor {
    /// Element-wise sum with broadcasting (PyTorch: `a + b`).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        // d(a+b)/da = 1, d(a+b)/db = 1, each summed over the axes it was broadcast along.
        broadcastValues(a, b, .add).recorded(from: [a, b]) { g in
            [g.summed(toShape: a.shape), g.summed(toShape: b.shape)]
        }
    }

    /// Element-wise difference with broadcasting (PyTorch: `a - b`).
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        // d(a-b)/da = 1, d(a-b)/db = -1.
        broadcastValues(a, b, .subtract).recorded(from: [a, b]) { g in
            [g.summed(toShape: a.shape), (-g).summed(toShape: b.shape)]
        }
    }

    /// Element-wise product with broadcasting (PyTorch: `a * b`).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        // d(a·b)/da = b, d(a·b)/db = a.
        broadcastValues(a, b, .multiply).recorded(from: [a, b]) { g in
            [a.requiresGradient ? (g * b).summed(toShape: a.shape) : nil,
             b.requiresGradient ? (g * a).summed(toShape: b.shape) : nil]
        }
    }

    /// Element-wise quotient with broadcasting (PyTorch: `a / b`).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b².
        broadcastValues(a, b, .divide).recorded(from: [a, b]) { g in
            [a.requiresGradient ? (g / b).summed(toShape: a.shape) : nil,
             b.requiresGradient ? (-g * a / (b * b)).summed(toShape: b.shape) : nil]
        }
    }

    /// Element-wise negation (PyTorch: `-x`).
    public static prefix func - (x: Tensor) -> Tensor {
        // d(-x)/dx = -1.
        broadcastValues(x, Tensor(-1), .multiply).recorded(from: [x]) { g in [-g] }
    }

    /// Adds a scalar to every element (PyTorch: `x + s`).
    public static func + (x: Tensor, s: Float) -> Tensor { x + Tensor(s) }
    /// Adds a scalar to every element (PyTorch: `s + x`).
    public static func + (s: Float, x: Tensor) -> Tensor { Tensor(s) + x }
    /// Subtracts a scalar from every element (PyTorch: `x - s`).
    public static func - (x: Tensor, s: Float) -> Tensor { x + Tensor(-s) }
    /// Subtracts every element from a scalar (PyTorch: `s - x`).
    public static func - (s: Float, x: Tensor) -> Tensor { Tensor(s) - x }
    /// Multiplies every element by a scalar (PyTorch: `x * s`).
    public static func * (x: Tensor, s: Float) -> Tensor { x * Tensor(s) }
    /// Multiplies every element by a scalar (PyTorch: `s * x`).
    public static func * (s: Float, x: Tensor) -> Tensor { Tensor(s) * x }
    /// Divides every element by a scalar (PyTorch: `x / s`).
    public static func / (x: Tensor, s: Float) -> Tensor { x * Tensor(1 / s) }
    /// Divides a scalar by every element (PyTorch: `s / x`).
    public static func / (s: Float, x: Tensor) -> Tensor { Tensor(s) / x }

    /// `a = a + b` (records the sum when gradients are on, like `+`).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// `a = a - b`.
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// `a = a * b`.
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    /// `a = a * s`.
    public static func *= (a: inout Tensor, s: Float) { a = a * s }
}
