/// PyTorch's legacy (pre-1.6, non-zip) `torch.save` format, as the real Lite0 weights use it.
///
/// The file is a sequence of pickles followed by raw storages:
/// 1. the magic number `0x1950a86a20f9469cfc6c`, 2. the protocol version 1001,
/// 3. sys_info (`little_endian`, type sizes), 4. the state_dict itself, whose tensors refer to
/// storages by persistent id, 5. the list of storage keys, then 6. for each key in that order an
/// int64 element count followed by the little-endian elements.
enum TorchLegacyFormat {
    /// 0x1950a86a20f9469cfc6c as the LONG1 operand bytes (little-endian).
    static let magicNumber: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        var reader = ByteReader(bytes, context: "the magic-number pickle")
        guard case .bigInt(magicNumber) = try Unpickler.load(from: &reader).root else {
            throw ParseFailure.notACheckpoint("a Python pickle, but not a PyTorch checkpoint (no torch magic number)")
        }
        reader.context = "the protocol-version pickle"
        let version = try Unpickler.load(from: &reader).root
        guard case .int(1001) = version else {
            throw ParseFailure.unsupported("legacy torch protocol version \(version) (only 1001 exists)")
        }
        reader.context = "the sys_info pickle"
        let sysInfo = try Unpickler.load(from: &reader)
        let isLittleEndian = sysInfo.entries(of: sysInfo.root)?.contains { entry in
            if case .string("little_endian") = entry.key, case .bool(true) = entry.value { return true }
            return false
        }
        guard isLittleEndian == true else {
            throw ParseFailure.unsupported("a legacy checkpoint written on a big-endian machine")
        }

        reader.context = "the state_dict pickle"
        let stateDict = try Unpickler.load(from: &reader)
        let named = try TorchPickle.namedTensors(in: stateDict)

        reader.context = "the storage-key pickle"
        let keyList = try Unpickler.load(from: &reader)
        guard let keys = keyList.elements(of: keyList.root) else {
            throw ParseFailure.corrupt("the storage-key pickle holds a \(keyList.root.kind), not a list")
        }
        var byKey: [String: StorageReference] = [:]
        for storage in stateDict.storages { byKey[storage.key] = storage }

        reader.context = "the storage data"
        var storages: [String: RawStorage] = [:]
        for key in keys {
            guard case .string(let key) = key else {
                throw ParseFailure.corrupt("the storage list holds a \(key.kind), not a storage key")
            }
            guard let storage = byKey[key] else {
                throw ParseFailure.corrupt("the storage list names \(key), which no tensor uses")
            }
            let count = try reader.readInt64("the element count of storage \(key)")
            guard count == storage.declaredCount else {
                throw ParseFailure.corrupt("storage \(key) holds \(count) elements but its tensor said "
                    + "\(storage.declaredCount)")
            }
            let (byteCount, overflow) = Int(count).multipliedReportingOverflow(by: storage.dtype.byteCount)
            try reader.require(overflow ? -1 : byteCount, for: "storage \(key) (\(count) × \(storage.dtype))")
            storages[key] = RawStorage(file: bytes, byteOffset: reader.position, count: Int(count),
                                       dtype: storage.dtype)
            reader.position += byteCount
        }
        return try materialize(named, storages: storages, fileSize: bytes.count)
    }
}
