// Element-wise math and activations. Each is: value via `mapped`, backward via `zipped` with the derivative rule.

import Foundation

/// Element-wise square root (PyTorch: `torch.sqrt`).
public func sqrt(_ x: Tensor) -> Tensor {
    let y = x.mapped { $0.squareRoot() }
    // d√x/dx = 1 / (2√x)
    return y.recorded(from: [x]) { g in [g.zipped(with: y) { g, y in g * 0.5 / y }] }
}

/// Element-wise e^x (PyTorch: `torch.exp`).
public func exp(_ x: Tensor) -> Tensor {
    let y = x.mapped { Foundation.exp($0) }
    // d eˣ/dx = eˣ
    return y.recorded(from: [x]) { g in [g * y] }
}

/// Element-wise natural logarithm (PyTorch: `torch.log`).
public func log(_ x: Tensor) -> Tensor {
    // d ln x/dx = 1/x
    x.mapped { Foundation.log($0) }.recorded(from: [x]) { g in [g / x] }
}

/// Element-wise absolute value (PyTorch: `torch.abs`).
public func abs(_ x: Tensor) -> Tensor {
    // d|x|/dx = sign(x)
    x.mapped { Swift.abs($0) }.recorded(from: [x]) { g in [g * sign(x)] }
}

/// Element-wise sign: -1, 0 or 1 (PyTorch: `torch.sign`). Not differentiable: records no gradient.
public func sign(_ x: Tensor) -> Tensor {
    x.mapped { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
}

/// Element-wise hyperbolic tangent (PyTorch: `torch.tanh`).
public func tanh(_ x: Tensor) -> Tensor {
    let y = x.mapped { Foundation.tanh($0) }
    // d tanh x/dx = 1 - tanh²x
    return y.recorded(from: [x]) { g in [g.zipped(with: y) { g, y in g * (1 - y * y) }] }
}

/// Element-wise logistic sigmoid 1/(1+e^-x) (PyTorch: `torch.sigmoid`).
public func sigmoid(_ x: Tensor) -> Tensor {
    let y = x.mapped { 1 / (1 + Foundation.exp(-$0)) }
    // dσ/dx = σ(1-σ)
    return y.recorded(from: [x]) { g in [g.zipped(with: y) { g, y in g * y * (1 - y) }] }
}

/// max(x, 0) (PyTorch: `torch.relu`, `nn.ReLU`).
public func relu(_ x: Tensor) -> Tensor {
    // d relu/dx = 1 where x > 0, else 0
    x.mapped { Swift.max($0, 0) }.recorded(from: [x]) { g in [g.zipped(with: x) { g, x in x > 0 ? g : 0 }] }
}

/// min(max(x, 0), 6), EfficientNet-Lite's activation (PyTorch: `nn.ReLU6`, `F.relu6`).
public func relu6(_ x: Tensor) -> Tensor {
    // d relu6/dx = 1 where 0 < x < 6, else 0
    x.mapped { Swift.min(Swift.max($0, 0), 6) }.recorded(from: [x]) { g in [g.masked(insideZeroToSix: x)] }
}

/// x·σ(x), also called SiLU (PyTorch: `nn.SiLU`, `F.silu`).
public func swish(_ x: Tensor) -> Tensor {
    let y = x.mapped { $0 / (1 + Foundation.exp(-$0)) }
    // d(x·σ)/dx = σ + x·σ(1-σ)
    return y.recorded(from: [x]) { g in
        [g.zipped(with: x) { g, x in
            let s = 1 / (1 + Foundation.exp(-x))
            return g * (s + x * s * (1 - s))
        }]
    }
}

/// x·relu6(x+3)/6 (PyTorch: `nn.Hardswish`).
public func hardSwish(_ x: Tensor) -> Tensor {
    let y = x.mapped { $0 * Swift.min(Swift.max($0 + 3, 0), 6) / 6 }
    // d/dx = 0 for x < -3, 1 for x > 3, (2x+3)/6 between
    return y.recorded(from: [x]) { g in
        [g.zipped(with: x) { g, x in x < -3 ? 0 : (x > 3 ? g : g * (2 * x + 3) / 6) }]
    }
}

/// relu6(x + 3) / 6: a piecewise-linear sigmoid, MobileNetV3's gate (PyTorch: `nn.Hardsigmoid`, `F.hardsigmoid`).
public func hardSigmoid(_ x: Tensor) -> Tensor {
    // d/dx = 1/6 for -3 < x < 3, else 0
    x.mapped { Swift.min(Swift.max($0 + 3, 0), 6) * (1 / 6 as Float) }.recorded(from: [x]) { g in
        [g.zipped(with: x) { g, x in x > -3 && x < 3 ? g * (1 / 6 as Float) : 0 }]
    }
}

extension Tensor {
    /// Every element squared (PyTorch: `x ** 2`, `torch.square`).
    public func squared() -> Tensor {
        // d x²/dx = 2x
        mapped { $0 * $0 }.recorded(from: [self]) { g in [g.zipped(with: self) { g, x in 2 * g * x }] }
    }

    /// Every element limited to `[min, max]` (PyTorch: `torch.clamp`).
    public func clamped(min lower: Float, max upper: Float) -> Tensor {
        // d clamp/dx = 1 strictly inside the range, else 0
        mapped { Swift.min(Swift.max($0, lower), upper) }.recorded(from: [self]) { g in
            [g.zipped(with: self) { g, x in x > lower && x < upper ? g : 0 }]
        }
    }
}

extension Tensor {
    /// `f` applied to every element, no graph. `f` is inlined into the loop at each call site.
    /// NOTE: file-private on purpose. Files compile separately in debug builds, so a closure handed to a function
    /// in another file is called per element, not inlined (measured ~10x slower).
    @inline(__always)
    fileprivate func mapped(_ f: (Float) -> Float) -> Tensor {
        let count = scalars.count
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { x in
                for i in 0..<count { out[i] = f(x[i]) }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// `f(self[i], other[i])` for every element of two same-shaped tensors, no graph.
    @inline(__always)
    fileprivate func zipped(with other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        let count = scalars.count
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { x in
                other.scalars.withUnsafeBufferPointer { y in
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: values)
    }
}

extension Tensor {
    /// This tensor where 0 < y < 6, zero elsewhere (the upstream gradient through ReLU6, from its output or its
    /// input y).
    func masked(insideZeroToSix y: Tensor) -> Tensor {
        precondition(shape == y.shape, "shapes \(shape) and \(y.shape) differ")
        let count = scalarCount
        let values = makeScalars(count: count) { out in
            scalars.withUnsafeBufferPointer { g in
                y.scalars.withUnsafeBufferPointer { y in
                    let (g, y, out) = (g.baseAddress!, y.baseAddress!, out.baseAddress!)
                    // 8 at a time with a lane mask (a branch per element would stop the loop vectorizing).
                    let (zero, six) = (SIMD8<Float>(repeating: 0), SIMD8<Float>(repeating: 6))
                    var i = 0
                    while i + 8 <= count {
                        let v = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
                        let u = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                        let inside = (v .> zero) .& (v .< six)
                        UnsafeMutableRawPointer(out + i).storeBytes(of: zero.replacing(with: u, where: inside),
                                                                    as: SIMD8<Float>.self)
                        i += 8
                    }
                    for i in i..<count { out[i] = y[i] > 0 && y[i] < 6 ? g[i] : 0 }
                }
            }
        }
        return Tensor(shape: shape, scalars: values)
    }
}
