// + - * / with NumPy broadcasting, tensor-tensor and tensor-scalar, and unary minus.
// Gradients of broadcast operands are summed back to their shape (`summed(toShape:)`).

enum BinaryOperator { case add, subtract, multiply, divide }

/// The values of `a op b` with broadcasting, no graph. Inner loops are specialised on unit/zero strides so they
/// vectorise; the operator is switched on once per call, not per element.
func broadcastValues(_ a: Tensor, _ b: Tensor, _ op: BinaryOperator) -> Tensor {
    let shape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
    let loop = StridedLoop(shape: shape, stridesA: broadcastStrides(of: a.shape, to: shape),
                           stridesB: broadcastStrides(of: b.shape, to: shape))
    let n = loop.rowLength, sa = loop.rowStrideA, sb = loop.rowStrideB
    let values = makeScalars(count: shape.reduce(1, *)) { out in
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                @inline(__always) func run(_ f: (Float, Float) -> Float) {
                    loop.forEachRow { o, i, j in
                        if sa == 1 && sb == 1 {
                            for k in 0..<n { out[o + k] = f(x[i + k], y[j + k]) }
                        } else if sa == 1 && sb == 0 {
                            let v = y[j]
                            for k in 0..<n { out[o + k] = f(x[i + k], v) }
                        } else if sa == 0 && sb == 1 {
                            let u = x[i]
                            for k in 0..<n { out[o + k] = f(u, y[j + k]) }
                        } else {
                            for k in 0..<n { out[o + k] = f(x[i + k * sa], y[j + k * sb]) }
                        }
                    }
                }
                switch op {
                case .add: run(+)
                case .subtract: run(-)
                case .multiply: run(*)
                case .divide: run(/)
                }
            }
        }
    }
    return Tensor(shape: shape, scalars: values)
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
        x.mapped { -$0 }.recorded(from: [x]) { g in [-g] }
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

extension Tensor {
    /// `f` applied to every element, no graph. `f` is inlined into the loop at each call site.
    @inline(__always)
    func mapped(_ f: (Float) -> Float) -> Tensor {
        let count = scalars.count
        let values = makeScalars(count: count) { out in
            scalars.withUnsafeBufferPointer { x in
                for i in 0..<count { out[i] = f(x[i]) }
            }
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// `f(self[i], other[i])` for every element of two same-shaped tensors, no graph.
    @inline(__always)
    func zipped(with other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let count = scalars.count
        let values = makeScalars(count: count) { out in
            scalars.withUnsafeBufferPointer { x in
                other.scalars.withUnsafeBufferPointer { y in
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                }
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}
