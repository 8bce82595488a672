// Lower-precision number formats, simulated on Float32 values: what a GPU's float16 or bfloat16 would keep of a
// tensor, written back as Float32 so the rest of the engine is unchanged. Nothing here is faster; it shows the
// rounding error and the range of each format (mixed precision on a CPU, honestly).

/// A floating-point format narrower than Float32, for `Tensor.rounded(to:)`.
public enum ReducedPrecision: String, CaseIterable, Sendable {
    /// IEEE 754 half precision: 5 exponent bits, 10 mantissa bits; largest finite value 65504, values above it
    /// become infinity, values below about 6·10⁻⁸ become zero (Swift's `Float16`).
    case float16
    /// Brain floating point: Float32's 8 exponent bits (the same range), 7 mantissa bits; made here by
    /// truncation, dropping the low 16 bits of the Float32 pattern (round toward zero).
    case bfloat16

    /// The largest finite value the format holds.
    public var largestFinite: Float {
        switch self {
        case .float16: return Float(Float16.greatestFiniteMagnitude)
        case .bfloat16: return Float(bitPattern: 0x7F7F_0000)
        }
    }

    /// `value` as this format stores it, back in Float32.
    @inline(__always)
    public func round(_ value: Float) -> Float {
        switch self {
        case .float16: return Float(Float16(value))
        case .bfloat16: return Float(bitPattern: value.bitPattern & 0xFFFF_0000)
        }
    }
}

extension Tensor {
    /// Every value as `precision` would store it (a new tensor, no gradient graph): the error a half-precision
    /// copy of weights or activations carries. Concretely: any shape → the same shape.
    public func rounded(to precision: ReducedPrecision) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map { precision.round($0) })
    }
}
