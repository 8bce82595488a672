/// A value the safe unpickler can build. Nothing here can run code: a Python class or function
/// is only ever a name (`global`), and the few allow-listed calls are interpreted, not executed.
///
/// Containers are indices into the unpickler's arenas rather than nested values, so a malicious
/// pickle can make neither a cycle nor a million-deep nesting that would overflow the stack
/// when Swift frees it.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer wider than 64 bits: little-endian two's-complement bytes (e.g. torch's magic number).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// Index into `PickleArenas.tuples`.
    case tuple(Int)
    /// Index into `PickleArenas.lists`.
    case list(Int)
    /// Index into `PickleArenas.dicts` (also used for `collections.OrderedDict`).
    case dict(Int)
    /// An allow-listed class or function, e.g. `torch.FloatStorage`; never called.
    case global(module: String, name: String)
    /// A storage named by a persistent id `('storage', torch.FloatStorage, key, location, numel)`.
    case storage(StorageReference)
    /// What `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` describes.
    case tensor(TensorReference)

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let module, let name): return "\(module).\(name)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A PyTorch storage as a pickle refers to it; the bytes come later in the file.
struct StorageReference: Equatable {
    /// The storage's key: its file name in a zip checkpoint, its order key in a legacy one.
    var key: String
    var dtype: DType
    /// The element count the persistent id announces.
    var declaredCount: Int
}

/// A strided view of a storage, as `_rebuild_tensor_v2` receives it.
struct TensorReference {
    var storage: StorageReference
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}

/// The containers one pickle built; `PickleValue.tuple(i)` etc. index into these.
struct PickleArenas {
    var tuples: [[PickleValue]] = []
    var lists: [[PickleValue]] = []
    var dicts: [[(key: PickleValue, value: PickleValue)]] = []
}

/// The result of unpickling: the top value plus the containers it refers to.
struct PickledObject {
    var root: PickleValue
    var arenas: PickleArenas
    /// Every storage a persistent id named, in first-seen order.
    var storages: [StorageReference]

    /// The elements of a tuple or list, or nil for anything else.
    func elements(of value: PickleValue) -> [PickleValue]? {
        switch value {
        case .tuple(let i): return arenas.tuples[i]
        case .list(let i): return arenas.lists[i]
        default: return nil
        }
    }

    /// The key/value pairs of a dict in insertion order, or nil for anything else.
    func entries(of value: PickleValue) -> [(key: PickleValue, value: PickleValue)]? {
        if case .dict(let i) = value { return arenas.dicts[i] }
        return nil
    }
}
