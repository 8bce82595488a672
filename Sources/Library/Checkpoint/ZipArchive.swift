/// A minimal reader for the zip container of `torch.save` (PyTorch ≥ 1.6).
///
/// It reads the central directory (the table of contents at the end of a zip) and hands out
/// the byte range of STORED entries, which is all torch writes. ZIP64 records (for > 4 GB files)
/// are understood; compressed entries are reported as unsupported. Layout: PKWARE APPNOTE 4.3.
struct ZipArchive {
    struct Entry {
        var name: String
        /// 0 = stored, 8 = deflate.
        var method: Int
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    /// Entries in central-directory order.
    private(set) var entries: [Entry] = []
    private var indexByName: [String: Int] = [:]

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        var reader = ByteReader(bytes, context: "the zip archive")
        let end = try Self.findEndOfCentralDirectory(bytes)
        try reader.seek(to: end + 10, "the end record")
        var entryCount = try reader.readUInt16("the entry count")
        _ = try reader.readUInt32("the directory size")
        var directoryOffset = try reader.readUInt32("the directory offset")
        if entryCount == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator 20 bytes before the end record points to the ZIP64 end record.
            try reader.seek(to: end - 20, "the ZIP64 locator")
            guard try reader.readUInt32("the ZIP64 locator") == 0x0706_4B50 else {
                throw ParseFailure.corrupt("zip end record announces ZIP64 but has no ZIP64 locator")
            }
            _ = try reader.readUInt32("a disk number")
            try reader.seek(to: try readSize(&reader, "the ZIP64 end offset"), "the ZIP64 end offset")
            guard try reader.readUInt32("the ZIP64 end record") == 0x0606_4B50 else {
                throw ParseFailure.corrupt("the ZIP64 end record is missing")
            }
            reader.position += 20  // record size, versions, disk numbers
            _ = try readSize(&reader, "the entry count on this disk")
            entryCount = try readSize(&reader, "the entry count")
            _ = try readSize(&reader, "the directory size")
            directoryOffset = try readSize(&reader, "the directory offset")
        }
        try reader.seek(to: directoryOffset, "the central directory offset")
        // Each entry takes ≥ 46 bytes, so a forged count fails on the bounds checks, not on memory.
        for _ in 0..<entryCount {
            let entry = try Self.readCentralEntry(&reader)
            if indexByName[entry.name] == nil { indexByName[entry.name] = entries.count }
            entries.append(entry)
        }
    }

    /// The (first) entry with exactly this name.
    func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The file offset and length of a stored entry's bytes.
    func dataRange(of entry: Entry) throws -> Range<Int> {
        guard entry.method == 0 else {
            let method = entry.method == 8 ? "deflate-compressed" : "compression method \(entry.method)"
            throw ParseFailure.unsupported("zip entry \(entry.name) is \(method); only stored (uncompressed) "
                + "entries are read, which is what torch.save writes")
        }
        guard entry.compressedSize == entry.size else {
            throw ParseFailure.corrupt("stored zip entry \(entry.name) has two different sizes")
        }
        var reader = ByteReader(bytes, context: "the zip archive")
        try reader.seek(to: entry.localHeaderOffset, "zip entry \(entry.name)")
        guard try reader.readUInt32("a local header of \(entry.name)") == 0x0403_4B50 else {
            throw ParseFailure.corrupt("zip entry \(entry.name) has no local header at \(entry.localHeaderOffset)")
        }
        reader.position += 22  // version, flags, method, time, date, crc, sizes
        let nameLength = try reader.readUInt16("the name length of \(entry.name)")
        let extraLength = try reader.readUInt16("the extra length of \(entry.name)")
        try reader.require(nameLength + extraLength, for: "the local header of \(entry.name)")
        reader.position += nameLength + extraLength
        try reader.require(entry.size, for: "zip entry \(entry.name)")
        return reader.position..<reader.position + entry.size
    }

    // MARK: - Records

    private static func findEndOfCentralDirectory(_ bytes: [UInt8]) throws -> Int {
        // The 22-byte end record is last, followed only by a comment of at most 65535 bytes.
        guard bytes.count >= 22 else { throw ParseFailure.truncated("a zip archive needs at least 22 bytes") }
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        for start in stride(from: bytes.count - 22, through: lowest, by: -1)
        where bytes[start] == 0x50 && bytes[start + 1] == 0x4B && bytes[start + 2] == 5 && bytes[start + 3] == 6 {
            return start
        }
        throw ParseFailure.truncated("the zip archive has no end-of-central-directory record (cut short?)")
    }

    private static func readCentralEntry(_ reader: inout ByteReader) throws -> Entry {
        let at = reader.position
        guard try reader.readUInt32("a central directory entry") == 0x0201_4B50 else {
            throw ParseFailure.corrupt("zip central directory entry expected at offset \(at)")
        }
        reader.position += 6  // versions, flags
        let method = try reader.readUInt16("the compression method")
        reader.position += 8  // time, date, crc
        var compressedSize = try reader.readUInt32("the compressed size")
        var size = try reader.readUInt32("the size")
        let nameLength = try reader.readUInt16("the name length")
        let extraLength = try reader.readUInt16("the extra length")
        let commentLength = try reader.readUInt16("the comment length")
        reader.position += 8  // disk, attributes
        var offset = try reader.readUInt32("the local header offset")
        let name = try reader.readUTF8(nameLength, "an entry name")
        var extra = ByteReader(try reader.readBytes(extraLength, "the extra field of \(name)"), context: "zip extra")
        try reader.require(commentLength, for: "the comment of \(name)")
        reader.position += commentLength
        // ZIP64 extra field (id 1): the 8-byte values for whichever fields hold 0xFFFFFFFF, in this order.
        while extra.remaining >= 4 {
            let id = try extra.readUInt16("an extra id"), length = try extra.readUInt16("an extra length")
            guard id == 1 else { try extra.require(length, for: "an extra field"); extra.position += length; continue }
            if size == 0xFFFF_FFFF { size = try readSize(&extra, "the ZIP64 size of \(name)") }
            if compressedSize == 0xFFFF_FFFF { compressedSize = try readSize(&extra, "the ZIP64 size of \(name)") }
            if offset == 0xFFFF_FFFF { offset = try readSize(&extra, "the ZIP64 offset of \(name)") }
            break
        }
        return Entry(name: name, method: method, compressedSize: compressedSize, size: size, localHeaderOffset: offset)
    }
}

/// An 8-byte little-endian size that must fit in an Int.
private func readSize(_ reader: inout ByteReader, _ what: String) throws -> Int {
    let value = try reader.readUnsigned(width: 8, what)
    guard value <= UInt64(Int32.max) * 1024 else {
        throw ParseFailure.corrupt("\(what) is \(value), implausibly large")
    }
    return Int(value)
}
