/// A cursor over a file's bytes where every read is bounds-checked.
///
/// Checkpoints come from strangers, so a length field is never trusted: each read first checks
/// that the bytes exist and throws `ParseFailure.truncated` otherwise — no crash, and no allocation
/// larger than the bytes actually left in the file.
struct ByteReader {
    let bytes: [UInt8]
    /// The index of the next unread byte.
    var position: Int
    /// What the reader is reading, for error messages ("the main pickle", "zip entry x").
    var context: String

    init(_ bytes: [UInt8], position: Int = 0, context: String = "the file") {
        self.bytes = bytes
        self.position = position
        self.context = context
    }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    /// Throws unless `count` more bytes exist.
    func require(_ count: Int, for what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            let needed = count >= 0 ? "\(count) bytes" : "more bytes than a file can hold"
            throw ParseFailure.truncated("\(what()) in \(context) needs \(needed) at offset \(position), "
                + "only \(max(remaining, 0)) left")
        }
    }

    mutating func readByte(_ what: @autoclosure () -> String = "a byte") throws -> UInt8 {
        try require(1, for: what())
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads `count` bytes as an array (checked before allocating).
    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        try require(count, for: what())
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Reads a little-endian unsigned integer of `width` bytes (1…8).
    mutating func readUnsigned(width: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        try require(width, for: what())
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += width
        return value
    }

    mutating func readUInt16(_ what: @autoclosure () -> String) throws -> Int {
        Int(try readUnsigned(width: 2, what()))
    }

    mutating func readUInt32(_ what: @autoclosure () -> String) throws -> Int {
        Int(try readUnsigned(width: 4, what()))
    }

    mutating func readInt32(_ what: @autoclosure () -> String) throws -> Int {
        Int(Int32(truncatingIfNeeded: try readUnsigned(width: 4, what())))
    }

    mutating func readInt64(_ what: @autoclosure () -> String) throws -> Int64 {
        Int64(bitPattern: try readUnsigned(width: 8, what()))
    }

    /// Reads a length-prefixed UTF-8 string of `count` bytes.
    mutating func readUTF8(_ count: Int, _ what: @autoclosure () -> String) throws -> String {
        try require(count, for: what())
        defer { position += count }
        guard let text = String(validating: bytes[position..<position + count], as: UTF8.self) else {
            throw ParseFailure.corrupt("\(what()) at offset \(position) in \(context) is not valid UTF-8")
        }
        return text
    }

    /// Moves the cursor to `offset`, which must lie within the bytes.
    mutating func seek(to offset: Int, _ what: @autoclosure () -> String) throws {
        guard offset >= 0, offset <= bytes.count else {
            throw ParseFailure.corrupt("\(what()) points to offset \(offset), outside the \(bytes.count) bytes of "
                + context)
        }
        position = offset
    }
}
