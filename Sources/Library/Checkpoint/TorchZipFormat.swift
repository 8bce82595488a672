import Foundation

/// PyTorch's zip `torch.save` format (the default since 1.6).
///
/// A zip archive with one top folder (its name varies: `archive/`, or the file's stem):
/// `FOLDER/data.pkl` is the state_dict pickle, whose persistent ids
/// `('storage', torch.FloatStorage, key, location, numel)` name the entries `FOLDER/data/<key>`,
/// each the raw elements of one storage; `FOLDER/byteorder` (`little` or `big`) is optional.
enum TorchZipFormat {
    static func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        let archive = try ZipArchive(bytes)
        // The shallowest `data.pkl`: `archive/data.pkl`, not some nested copy.
        let pickles = archive.entries.filter { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }
        guard let pickleEntry = pickles.min(by: { $0.name.count < $1.name.count }) else {
            throw ParseFailure.notACheckpoint("a zip archive without a data.pkl (not saved by torch.save)")
        }
        let folder = String(pickleEntry.name.dropLast("data.pkl".count))

        var isBigEndian = false
        if let order = archive.entry(named: folder + "byteorder") {
            let text = String(decoding: bytes[try archive.dataRange(of: order)], as: UTF8.self)
            switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
            case "little": isBigEndian = false
            case "big": isBigEndian = true
            default: throw ParseFailure.corrupt("\(order.name) says \"\(text.prefix(20))\", not little or big")
            }
        }

        // The pickle is read from its own copy so a malformed one cannot run into the neighboring entries.
        var reader = ByteReader(Array(bytes[try archive.dataRange(of: pickleEntry)]), context: pickleEntry.name)
        let stateDict = try Unpickler.load(from: &reader)
        let named = try TorchPickle.namedTensors(in: stateDict)

        var storages: [String: RawStorage] = [:]
        for storage in stateDict.storages {
            let entryName = folder + "data/" + storage.key
            guard let entry = archive.entry(named: entryName) else {
                throw ParseFailure.corrupt("the pickle refers to storage \(storage.key) but \(entryName) is missing")
            }
            let range = try archive.dataRange(of: entry)
            let size = storage.dtype.byteCount
            guard range.count % size == 0, range.count / size == storage.declaredCount else {
                throw ParseFailure.corrupt("\(entryName) has \(range.count) bytes, but the pickle announces "
                    + "\(storage.declaredCount) elements of \(storage.dtype)")
            }
            storages[storage.key] = RawStorage(file: bytes, byteOffset: range.lowerBound,
                                               count: storage.declaredCount, dtype: storage.dtype,
                                               isBigEndian: isBigEndian)
        }
        return try materialize(named, storages: storages, fileSize: bytes.count)
    }
}
