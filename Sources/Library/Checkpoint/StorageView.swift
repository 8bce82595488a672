/// The elements of one PyTorch storage (or safetensors blob): a byte range of the file and its type.
struct RawStorage {
    /// The whole file; `byteOffset` indexes into it (shared, never copied).
    let file: [UInt8]
    let byteOffset: Int
    /// Number of elements of `dtype`.
    let count: Int
    let dtype: DType
    /// True only for zip checkpoints whose `byteorder` entry says `big`.
    var isBigEndian = false

    /// Converts every element to `Float` (float16/bfloat16/float64/integers/bool included).
    /// The caller has already checked that `count * dtype.byteCount` bytes exist from `byteOffset`.
    func decoded() -> [Float] {
        precondition(byteOffset >= 0 && count >= 0 && byteOffset + count * dtype.byteCount <= file.count)
        let big = isBigEndian
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            file.withUnsafeBytes { raw in
                let base = raw.baseAddress! + byteOffset
                // `load` reads one element of integer type T at element index i, honouring byte order.
                func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                    let value = (base + i * MemoryLayout<T>.size).loadUnaligned(as: T.self)
                    return big ? T(bigEndian: value) : T(littleEndian: value)
                }
                switch dtype {
                case .float32: for i in 0..<count { out[i] = Float(bitPattern: load(i, UInt32.self)) }
                case .float64: for i in 0..<count { out[i] = Float(Double(bitPattern: load(i, UInt64.self))) }
                case .float16: for i in 0..<count { out[i] = floatFromHalf(load(i, UInt16.self)) }
                case .bfloat16: for i in 0..<count { out[i] = Float(bitPattern: UInt32(load(i, UInt16.self)) << 16) }
                case .int64: for i in 0..<count { out[i] = Float(load(i, Int64.self)) }
                case .int32: for i in 0..<count { out[i] = Float(load(i, Int32.self)) }
                case .int16: for i in 0..<count { out[i] = Float(load(i, Int16.self)) }
                case .int8: for i in 0..<count { out[i] = Float(load(i, Int8.self)) }
                case .uint8: for i in 0..<count { out[i] = Float(load(i, UInt8.self)) }
                case .bool: for i in 0..<count { out[i] = load(i, UInt8.self) == 0 ? 0 : 1 }
                }
            }
            initialized = count
        }
    }
}

/// IEEE half precision bits → Float (exact: every half is a float).
func floatFromHalf(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:  // zero or subnormal: mantissa · 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 31:  // infinity or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}

/// The elements of a strided view `storage[offset + Σ index_k · stride_k]` in row-major order —
/// what `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` describes.
///
/// Concretely: size [2, 3], stride [1, 2], offset 1 over storage s gives
/// [s1, s3, s5, s2, s4, s6] (the transpose of a [3, 2] matrix starting at s1).
/// Throws for a view that reaches outside the storage, and (as `unsupported`) for a view with more
/// elements than its storage — a stride-0 broadcast — so a tiny file cannot demand a huge allocation.
func gatherView(_ storage: [Float], offset: Int, shape: [Int], strides: [Int], name: String) throws -> [Float] {
    guard shape.count == strides.count else {
        throw ParseFailure.corrupt("tensor \(name) has size \(shape) but stride \(strides)")
    }
    guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), offset >= 0 else {
        throw ParseFailure.corrupt("tensor \(name) has a negative size, stride or offset "
            + "(size \(shape), stride \(strides), offset \(offset))")
    }
    var count = 1
    var lastIndex = offset
    for (size, stride) in zip(shape, strides) {
        let (c, overflow1) = count.multipliedReportingOverflow(by: size)
        let (reach, overflow2) = max(size - 1, 0).multipliedReportingOverflow(by: stride)
        let (last, overflow3) = lastIndex.addingReportingOverflow(reach)
        guard !overflow1, !overflow2, !overflow3 else {
            throw ParseFailure.corrupt("tensor \(name) has an impossibly large size \(shape)")
        }
        count = c
        lastIndex = last
    }
    if count == 0 { return [] }
    guard lastIndex < storage.count else {
        throw ParseFailure.corrupt("tensor \(name) (size \(shape), stride \(strides), offset \(offset)) reaches "
            + "element \(lastIndex) of a storage holding \(storage.count)")
    }
    guard count <= storage.count else {
        throw ParseFailure.unsupported("tensor \(name) has \(count) elements but its storage only \(storage.count) "
            + "(a broadcast view with stride 0)")
    }
    if isRowMajor(shape: shape, strides: strides) {
        return offset == 0 && count == storage.count ? storage : Array(storage[offset..<offset + count])
    }
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        storage.withUnsafeBufferPointer { source in
            // An odometer over the indices; `position` tracks offset + Σ index_k · stride_k.
            var index = [Int](repeating: 0, count: shape.count)
            var position = offset
            for i in 0..<count {
                out[i] = source[position]
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    position += strides[axis]
                    if index[axis] < shape[axis] { break }
                    position -= strides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        initialized = count
    }
}

/// True when `strides` are the C-order strides of `shape` (axes of size 1 may have any stride).
func isRowMajor(shape: [Int], strides: [Int]) -> Bool {
    var expected = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        if shape[axis] != 1 && strides[axis] != expected { return false }
        expected *= shape[axis]
    }
    return true
}

/// Builds each named tensor from its storage view, decoding each storage once.
///
/// Many names may share one storage (tied weights), but a hostile pickle could name one large
/// storage a million times; the total is therefore capped at two values per byte of the file.
func materialize(_ named: [(name: String, tensor: TensorReference)],
                 storages: [String: RawStorage], fileSize: Int) throws -> [NamedTensor] {
    var decoded: [String: [Float]] = [:]
    var total = 0
    return try named.map { name, view in
        var count = 1
        for size in view.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: max(size, 0))
            count = overflow ? Int.max : product
        }
        let (sum, overflow) = total.addingReportingOverflow(count)
        total = overflow ? Int.max : sum
        guard total <= 2 * fileSize else {
            throw ParseFailure.unsupported("the tensors would hold more than \(2 * fileSize) values, twice the file "
                + "size (the same storage named many times?)")
        }
        guard let raw = storages[view.storage.key] else {
            throw ParseFailure.corrupt("tensor \(name) uses storage \(view.storage.key), which the file lacks")
        }
        let values: [Float]
        if let cached = decoded[view.storage.key] {
            values = cached
        } else {
            values = raw.decoded()
            decoded[view.storage.key] = values
        }
        let scalars = try gatherView(values, offset: view.offset, shape: view.shape, strides: view.strides,
                                     name: name)
        return NamedTensor(name: name, shape: view.shape, dtype: raw.dtype, scalars: scalars)
    }
}
