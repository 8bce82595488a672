/// A pickle reader that never runs code.
///
/// Python's own unpickler imports and calls whatever a pickle names (`GLOBAL os system` +
/// `REDUCE` runs a shell command). This one implements only the opcodes a PyTorch state_dict
/// uses; `GLOBAL` is checked against `TorchPickle.isAllowed` and anything else throws
/// `forbiddenGlobal` before the next opcode is read, and the few allow-listed "calls"
/// (`OrderedDict()`, `_rebuild_tensor_v2(…)`) are interpreted in `TorchPickle.call`.
/// Opcode reference: CPython's `Lib/pickletools.py`.
struct Unpickler {
    private var stack: [PickleValue] = []
    /// Stack heights at each MARK.
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    var arenas = PickleArenas()
    var storages: [StorageReference] = []
    private var storageIndex: [String: Int] = [:]

    /// Reads one pickle starting at `reader.position` and leaves the reader just after its STOP.
    static func load(from reader: inout ByteReader) throws -> PickledObject {
        var unpickler = Unpickler()
        let root = try unpickler.run(&reader)
        return PickledObject(root: root, arenas: unpickler.arenas, storages: unpickler.storages)
    }

    private mutating func run(_ reader: inout ByteReader) throws -> PickleValue {
        while true {
            let at = reader.position
            let opcode = try reader.readByte("a pickle opcode")
            switch opcode {
            case 0x80:  // PROTO
                let version = try reader.readByte("the protocol version")
                guard version <= 5 else { throw ParseFailure.corrupt("pickle protocol \(version) at offset \(at)") }
            case 0x95:  // FRAME: a length hint only
                _ = try reader.readUnsigned(width: 8, "a frame length")
            case 0x2E:  // STOP
                guard stack.count == 1, marks.isEmpty else {
                    throw ParseFailure.corrupt("pickle stops at offset \(at) with \(stack.count) values on the stack")
                }
                return stack[0]
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop(at)  // POP
            case 0x31: _ = try popMark(at)  // POP_MARK
            case 0x32: stack.append(try top(at))  // DUP
            case 0x4E: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4B: stack.append(.int(Int(try reader.readByte("BININT1"))))  // BININT1
            case 0x4D: stack.append(.int(try reader.readUInt16("BININT2")))  // BININT2
            case 0x4A: stack.append(.int(try reader.readInt32("BININT")))  // BININT
            case 0x8A: stack.append(try readLong(&reader, count: Int(try reader.readByte("LONG1 length"))))
            case 0x8B:  // LONG4
                let count = try reader.readInt32("LONG4 length")
                stack.append(try readLong(&reader, count: count))
            case 0x47:  // BINFLOAT: big-endian double
                let bits = try reader.readUnsigned(width: 8, "BINFLOAT")
                stack.append(.float(Double(bitPattern: bits.byteSwapped)))
            case 0x8C: stack.append(.string(try reader.readUTF8(Int(try reader.readByte("a length")), "a string")))
            case 0x58: stack.append(.string(try reader.readUTF8(try reader.readUInt32("a length"), "a string")))
            case 0x8D: stack.append(.string(try reader.readUTF8(try readLength8(&reader), "a string")))
            case 0x55, 0x54:  // SHORT_BINSTRING, BINSTRING: Python 2 str, taken as Latin-1 text
                let count = opcode == 0x55 ? Int(try reader.readByte("a length")) : try reader.readInt32("a length")
                let raw = try reader.readBytes(count, "a string")
                stack.append(.string(String(raw.map { Character(Unicode.Scalar($0)) })))
            case 0x43: stack.append(.bytes(try reader.readBytes(Int(try reader.readByte("a length")), "bytes")))
            case 0x42: stack.append(.bytes(try reader.readBytes(try reader.readUInt32("a length"), "bytes")))
            case 0x8E: stack.append(.bytes(try reader.readBytes(try readLength8(&reader), "bytes")))
            case 0x29: stack.append(makeTuple([]))  // EMPTY_TUPLE
            case 0x74: stack.append(makeTuple(try popMark(at)))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                guard stack.count - (marks.last ?? 0) >= count else { throw underflow(at) }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                stack.append(makeTuple(items))
            case 0x5D: stack.append(makeList([]))  // EMPTY_LIST
            case 0x6C: stack.append(makeList(try popMark(at)))  // LIST
            case 0x7D: stack.append(makeDict([]))  // EMPTY_DICT
            case 0x64: stack.append(makeDict(try pairs(try popMark(at), at)))  // DICT
            case 0x61:  // APPEND
                let item = try pop(at)
                try appendToList(try top(at), [item], at)
            case 0x65:  // APPENDS
                let items = try popMark(at)
                try appendToList(try top(at), items, at)
            case 0x73:  // SETITEM
                let value = try pop(at), key = try pop(at)
                try addToDict(try top(at), [(key, value)], at)
            case 0x75:  // SETITEMS
                let items = try pairs(try popMark(at), at)
                try addToDict(try top(at), items, at)
            case 0x71: memo[Int(try reader.readByte("a memo index"))] = try top(at)  // BINPUT
            case 0x72: memo[try reader.readUInt32("a memo index")] = try top(at)  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top(at)  // MEMOIZE
            case 0x68: stack.append(try recall(Int(try reader.readByte("a memo index")), at))  // BINGET
            case 0x6A: stack.append(try recall(try reader.readUInt32("a memo index"), at))  // LONG_BINGET
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try readLine(&reader), name = try readLine(&reader)
                stack.append(try TorchPickle.global(module: module, name: name))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(at), module = try pop(at)
                guard case .string(let m) = module, case .string(let n) = name else {
                    throw ParseFailure.corrupt("STACK_GLOBAL at offset \(at) needs two strings")
                }
                stack.append(try TorchPickle.global(module: m, name: n))
            case 0x69:  // INST "module\nname\n": refuse by name, as for GLOBAL
                let module = try readLine(&reader), name = try readLine(&reader)
                _ = try TorchPickle.global(module: module, name: name)
                throw ParseFailure.unsupported("pickle opcode INST (\(module).\(name)) at offset \(at)")
            case 0x52:  // REDUCE: callable(*args)
                let arguments = try pop(at), callable = try pop(at)
                guard case .tuple(let i) = arguments else {
                    throw ParseFailure.corrupt("REDUCE at offset \(at) has \(arguments.kind) arguments, not a tuple")
                }
                stack.append(try TorchPickle.call(callable, arguments: arenas.tuples[i], in: &self))
            case 0x81:  // NEWOBJ: cls.__new__(cls, *args)
                let arguments = try pop(at), cls = try pop(at)
                guard case .tuple(let i) = arguments else { throw ParseFailure.corrupt("NEWOBJ at offset \(at)") }
                stack.append(try TorchPickle.call(cls, arguments: arenas.tuples[i], in: &self))
            case 0x62:  // BUILD: sets attributes (e.g. a state_dict's `_metadata`); no __setstate__ is run
                _ = try pop(at)
                _ = try top(at)
            case 0x51:  // BINPERSID
                stack.append(try TorchPickle.persistentLoad(try pop(at), in: &self))
            default:
                throw ParseFailure.unsupported("pickle opcode 0x\(String(opcode, radix: 16)) at offset \(at) "
                    + "(not used by PyTorch state_dicts)")
            }
        }
    }

    /// The elements of a tuple or list built so far, or nil for anything else.
    func elements(of value: PickleValue) -> [PickleValue]? {
        switch value {
        case .tuple(let i): return arenas.tuples[i]
        case .list(let i): return arenas.lists[i]
        default: return nil
        }
    }

    /// Notes a storage named by a persistent id (first-seen order); one key must keep one type.
    mutating func record(_ storage: StorageReference) throws {
        if let seen = storageIndex[storage.key] {
            guard storages[seen].dtype == storage.dtype else {
                throw ParseFailure.corrupt("storage \(storage.key) is both \(storages[seen].dtype) and "
                    + "\(storage.dtype)")
            }
            return
        }
        storageIndex[storage.key] = storages.count
        storages.append(storage)
    }

    // MARK: - Stack helpers

    private func underflow(_ at: Int) -> ParseFailure {
        ParseFailure.corrupt("pickle stack underflow at offset \(at)")
    }

    private mutating func pop(_ at: Int) throws -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw underflow(at) }
        return stack.removeLast()
    }

    private func top(_ at: Int) throws -> PickleValue {
        guard stack.count > (marks.last ?? 0), let value = stack.last else { throw underflow(at) }
        return value
    }

    /// Pops everything above the latest MARK, and the MARK.
    private mutating func popMark(_ at: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw ParseFailure.corrupt("pickle has no MARK at offset \(at)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func recall(_ index: Int, _ at: Int) throws -> PickleValue {
        guard let value = memo[index] else {
            throw ParseFailure.corrupt("pickle refers to memo entry \(index) before it is set (offset \(at))")
        }
        return value
    }

    private func pairs(_ items: [PickleValue], _ at: Int) throws -> [(key: PickleValue, value: PickleValue)] {
        guard items.count % 2 == 0 else { throw ParseFailure.corrupt("odd number of dict items at offset \(at)") }
        return stride(from: 0, to: items.count, by: 2).map { (key: items[$0], value: items[$0 + 1]) }
    }

    mutating func makeTuple(_ items: [PickleValue]) -> PickleValue {
        arenas.tuples.append(items)
        return .tuple(arenas.tuples.count - 1)
    }

    mutating func makeList(_ items: [PickleValue]) -> PickleValue {
        arenas.lists.append(items)
        return .list(arenas.lists.count - 1)
    }

    mutating func makeDict(_ items: [(key: PickleValue, value: PickleValue)]) -> PickleValue {
        arenas.dicts.append(items)
        return .dict(arenas.dicts.count - 1)
    }

    private mutating func appendToList(_ list: PickleValue, _ items: [PickleValue], _ at: Int) throws {
        guard case .list(let i) = list else {
            throw ParseFailure.corrupt("APPEND to a \(list.kind) at offset \(at)")
        }
        arenas.lists[i].append(contentsOf: items)
    }

    private mutating func addToDict(_ dict: PickleValue, _ items: [(key: PickleValue, value: PickleValue)],
                                    _ at: Int) throws {
        guard case .dict(let i) = dict else { throw ParseFailure.corrupt("SETITEM on a \(dict.kind) at offset \(at)") }
        arenas.dicts[i].append(contentsOf: items)
    }

    // MARK: - Operand readers

    /// LONG1/LONG4: `count` bytes of little-endian two's complement.
    private func readLong(_ reader: inout ByteReader, count: Int) throws -> PickleValue {
        let raw = try reader.readBytes(count, "a long integer")
        guard count <= 8 else { return .bigInt(raw) }
        guard count > 0 else { return .int(0) }
        var value: UInt64 = 0
        for (i, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        if count < 8 && raw[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }  // sign-extend
        return .int(Int(Int64(bitPattern: value)))
    }

    private func readLength8(_ reader: inout ByteReader) throws -> Int {
        let length = try reader.readUnsigned(width: 8, "an 8-byte length")
        return length > UInt64(Int.max) ? -1 : Int(length)  // -1 fails the bounds check
    }

    /// A newline-terminated ASCII line (GLOBAL's operands), at most 256 bytes.
    private func readLine(_ reader: inout ByteReader) throws -> String {
        let start = reader.position
        while reader.position - start < 256 {
            if try reader.readByte("a GLOBAL name") == 0x0A {
                var line = ByteReader(reader.bytes, position: start, context: reader.context)
                return try line.readUTF8(reader.position - 1 - start, "a GLOBAL name")
            }
        }
        throw ParseFailure.corrupt("GLOBAL name at offset \(start) is longer than 256 bytes")
    }
}
