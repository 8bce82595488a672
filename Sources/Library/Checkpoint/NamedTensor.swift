/// The element type a tensor had in its file. Values are always handed out as `Float`;
/// this records what they were, so `lab inspect` can show it and consumers can skip integers.
public enum DType: String, CaseIterable, Equatable, Sendable {
    case float32, float16, bfloat16, float64
    case int64, int32, int16, int8, uint8, bool

    /// Bytes per element in the file.
    public var byteCount: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// True for the types that hold learnable parameters (float16/bfloat16/float32/float64).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: return true
        default: return false
        }
    }

    /// The safetensors spelling: `F32`, `BF16`, `I64`, `BOOL`, …
    public var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float64: return "F64"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    /// The dtype for a safetensors name (`F32`, `I64`, …), or nil if unknown.
    public init?(safetensorsName: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else {
            return nil
        }
        self = match
    }

    /// The dtype of a PyTorch storage class (`FloatStorage` → float32), or nil if unknown.
    init?(torchStorageName: String) {
        switch torchStorageName {
        case "FloatStorage": self = .float32
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "DoubleStorage": self = .float64
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage", "UntypedStorage": self = .uint8
        case "BoolStorage": self = .bool
        default: return nil
        }
    }
}

/// One tensor read from (or to be written to) a checkpoint, e.g. `_conv_stem.weight` [32, 3, 3, 3].
///
/// `scalars` are in C (row-major) order whatever the strides in the file were, converted to `Float`;
/// `dtype` keeps the original type (`num_batches_tracked` is `int64`).
public struct NamedTensor: Equatable, Sendable {
    /// The state_dict key, e.g. `_blocks.0._bn1.running_mean`.
    public var name: String
    /// The dimensions, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// The element type the file stored.
    public var dtype: DType
    /// `shape.reduce(1, *)` values in row-major order.
    public var scalars: [Float]

    /// A tensor; `scalars.count` must equal the product of `shape`.
    public init(name: String, shape: [Int], dtype: DType = .float32, scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "\(name): negative dimension in shape \(shape)")
        precondition(scalars.count == shape.reduce(1, *),
                     "\(name): shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.scalars = scalars
    }

    /// The number of elements, `shape.reduce(1, *)` (1 for a scalar).
    public var elementCount: Int { scalars.count }

    /// True for BatchNorm's running statistics (`….running_mean`, `….running_var`): buffers a model
    /// updates while training, stored in a state_dict but not learnable parameters.
    public var isRunningStatistic: Bool {
        name == "running_mean" || name == "running_var"
            || name.hasSuffix(".running_mean") || name.hasSuffix(".running_var")
    }
}
