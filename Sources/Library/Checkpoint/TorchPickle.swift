/// What PyTorch's pickles mean: the allow-list of Python names, the handful of "calls" a
/// state_dict makes, its persistent ids, and how to walk the result into named tensors.
enum TorchPickle {
    /// dtype objects (`torch.float32`, …) that new-style pickles may name; harmless constants.
    private static let dtypeNames: Set<String> = [
        "float32", "float", "float16", "half", "bfloat16", "float64", "double",
        "int64", "long", "int32", "int", "int16", "short", "int8", "uint8", "bool",
    ]

    /// True for the only Python objects a checkpoint may name. Notably absent:
    /// `torch.storage._load_from_bytes` (it calls `torch.load` on nested bytes) and everything else.
    static func isAllowed(module: String, name: String) -> Bool {
        switch module {
        case "collections": return name == "OrderedDict"
        case "torch._utils": return ["_rebuild_tensor_v2", "_rebuild_tensor", "_rebuild_parameter"].contains(name)
        case "torch": return DType(torchStorageName: name) != nil || dtypeNames.contains(name)
        default: return false
        }
    }

    /// The value for GLOBAL `module.name`, or `forbiddenGlobal` for anything off the allow-list.
    static func global(module: String, name: String) throws -> PickleValue {
        guard isAllowed(module: module, name: name) else {
            if module.hasPrefix("__torch__") {  // TorchScript's compiled classes: not malicious, just not a state_dict
                throw ParseFailure.unsupported("a TorchScript archive (torch.jit.save); save the model's state_dict()")
            }
            throw ParseFailure.forbiddenGlobal(module: module, name: name)
        }
        return .global(module: module, name: name)
    }

    /// Interprets `callable(*arguments)` for the allow-listed callables (REDUCE and NEWOBJ).
    static func call(_ callable: PickleValue, arguments: [PickleValue], in unpickler: inout Unpickler)
        throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw ParseFailure.corrupt("the pickle calls a \(callable.kind), which is not callable")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            // OrderedDict() or OrderedDict([(key, value), …]).
            guard let first = arguments.first else { return unpickler.makeDict([]) }
            guard arguments.count == 1, let items = unpickler.elements(of: first) else {
                throw ParseFailure.corrupt("OrderedDict called with \(arguments.count) arguments")
            }
            let pairs = try items.map { item -> (key: PickleValue, value: PickleValue) in
                guard let pair = unpickler.elements(of: item), pair.count == 2 else {
                    throw ParseFailure.corrupt("OrderedDict item is not a (key, value) pair")
                }
                return (key: pair[0], value: pair[1])
            }
            return unpickler.makeDict(pairs)
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1]
            else {
                throw ParseFailure.corrupt("\(name) expects (storage, offset, size, stride, …), got "
                    + arguments.map(\.kind).joined(separator: ", "))
            }
            return .tensor(TensorReference(storage: storage, offset: offset,
                                           shape: try integers(arguments[2], "size", unpickler),
                                           strides: try integers(arguments[3], "stride", unpickler)))
        case ("torch._utils", "_rebuild_parameter"):
            // (data, requires_grad, backward_hooks): a Parameter is its tensor.
            guard let data = arguments.first, case .tensor = data else {
                throw ParseFailure.corrupt("_rebuild_parameter expects a tensor")
            }
            return data
        default:
            throw ParseFailure.unsupported("the pickle calls \(module).\(name), which a state_dict never does")
        }
    }

    private static func integers(_ value: PickleValue, _ what: String, _ unpickler: Unpickler) throws -> [Int] {
        guard let items = unpickler.elements(of: value) else {
            throw ParseFailure.corrupt("tensor \(what) is a \(value.kind), not a tuple")
        }
        return try items.map {
            guard case .int(let n) = $0 else { throw ParseFailure.corrupt("tensor \(what) holds a \($0.kind)") }
            return n
        }
    }

    /// Resolves `('storage', torch.FloatStorage, key, location, numel[, view_metadata])`.
    static func persistentLoad(_ id: PickleValue, in unpickler: inout Unpickler) throws -> PickleValue {
        guard let parts = unpickler.elements(of: id), parts.count >= 5, case .string("storage") = parts[0],
              case .global(_, let typeName) = parts[1], case .string(let key) = parts[2],
              case .int(let count) = parts[4], count >= 0 else {
            throw ParseFailure.corrupt("a persistent id is not ('storage', type, key, location, numel)")
        }
        guard let dtype = DType(torchStorageName: typeName) else {
            throw ParseFailure.unsupported("storage type torch.\(typeName)")
        }
        if parts.count > 5, case .none = parts[5] {} else if parts.count > 5 {
            throw ParseFailure.unsupported("storage views (legacy view_metadata) in storage \(key)")
        }
        let storage = StorageReference(key: key, dtype: dtype, declaredCount: count)
        try unpickler.record(storage)
        return .storage(storage)
    }

    /// The named tensors in a state_dict, in insertion order.
    ///
    /// A plain state_dict maps names to tensors. A training checkpoint that wraps one
    /// (`{"state_dict": {...}, "epoch": 3}`) is unwrapped; other nested dicts and lists are
    /// flattened with dotted names (`optimizer.state.0.exp_avg`), and non-tensor values are skipped.
    static func namedTensors(in object: PickledObject) throws -> [(name: String, tensor: TensorReference)] {
        guard let entries = object.entries(of: object.root) else {
            if case .tensor(let tensor) = object.root { return [(name: "tensor", tensor: tensor)] }
            throw ParseFailure.notACheckpoint("the pickle holds a \(object.root.kind), not a dict of tensors")
        }
        var root = object.root
        let holdsTensorsDirectly = entries.contains { if case .tensor = $0.value { return true } else { return false } }
        if !holdsTensorsDirectly {
            for wrapper in ["state_dict", "model_state_dict", "model"] {
                if let inner = entries.first(where: { if case .string(wrapper) = $0.key { true } else { false } }),
                   case .dict = inner.value {
                    root = inner.value
                    break
                }
            }
        }
        var result: [(name: String, tensor: TensorReference)] = []
        var positions: [String: Int] = [:]
        var visited = Set<String>()
        func walk(_ value: PickleValue, prefix: String, depth: Int) {
            // Depth and visited guards: a malicious pickle may nest deeply or refer to itself.
            guard depth < 32 else { return }
            var children: [(String, PickleValue)] = []
            switch value {
            case .dict(let i):
                guard visited.insert("d\(i)").inserted else { return }
                children = object.arenas.dicts[i].map { (keyText($0.key), $0.value) }
            case .list(let i):
                guard visited.insert("l\(i)").inserted else { return }
                children = object.arenas.lists[i].enumerated().map { ("\($0.offset)", $0.element) }
            case .tuple(let i):
                guard visited.insert("t\(i)").inserted else { return }
                children = object.arenas.tuples[i].enumerated().map { ("\($0.offset)", $0.element) }
            default: return
            }
            for (key, child) in children {
                let name = prefix.isEmpty ? key : prefix + "." + key
                if case .tensor(let tensor) = child {
                    // A repeated key replaces the earlier value in place, as Python's dict does.
                    if let at = positions[name] { result[at].tensor = tensor; continue }
                    positions[name] = result.count
                    result.append((name: name, tensor: tensor))
                } else {
                    walk(child, prefix: name, depth: depth + 1)
                }
            }
        }
        walk(root, prefix: "", depth: 0)
        return result
    }

    private static func keyText(_ key: PickleValue) -> String {
        switch key {
        case .string(let text): return text
        case .int(let n): return String(n)
        default: return key.kind
        }
    }
}
