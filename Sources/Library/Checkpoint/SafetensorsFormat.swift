import Foundation

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {…}}`
/// (offsets relative to the first byte after the header), then the raw little-endian data.
/// No pickle, so nothing to execute.
enum SafetensorsFormat {
    /// Largest header accepted (the reference implementation's limit), checked before allocating.
    static let maximumHeaderLength = 100_000_000

    /// True when `bytes` start like a safetensors file: a plausible header length and a `{`.
    static func looksLikeSafetensors(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 9 else { return false }
        var reader = ByteReader(bytes)
        guard let length = try? reader.readUnsigned(width: 8, "the header length") else { return false }
        return length >= 2 && length <= UInt64(maximumHeaderLength) && bytes[8] == UInt8(ascii: "{")
    }

    /// The string entries of the header's `__metadata__` object (none when it is absent or malformed).
    static func metadata(of bytes: [UInt8]) -> [String: String] {
        var reader = ByteReader(bytes, context: "the safetensors header")
        guard let length = try? reader.readUnsigned(width: 8, "the header length"), length <= UInt64(maximumHeaderLength),
              let json = try? reader.readBytes(Int(length), "the JSON header"),
              let header = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let metadata = header["__metadata__"] as? [String: Any] else { return [:] }
        return metadata.compactMapValues { $0 as? String }
    }

    static func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        var reader = ByteReader(bytes, context: "the safetensors header")
        let length = try reader.readUnsigned(width: 8, "the header length")
        guard length <= UInt64(maximumHeaderLength) else {
            throw ParseFailure.corrupt("safetensors header length \(length) is implausibly large")
        }
        let json = try reader.readBytes(Int(length), "the JSON header")
        let dataStart = reader.position
        let dataCount = bytes.count - dataStart
        guard let header = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw ParseFailure.corrupt("the safetensors header is not a JSON object")
        }

        var entries: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtypeName = info["dtype"] as? String,
                  let shape = integers(info["shape"]), let offsets = integers(info["data_offsets"]),
                  offsets.count == 2 else {
                throw ParseFailure.corrupt("tensor \(name) lacks dtype, shape or data_offsets in the header")
            }
            guard let dtype = DType(safetensorsName: dtypeName) else {
                throw ParseFailure.unsupported("tensor \(name) has dtype \(dtypeName)")
            }
            entries.append((name, dtype, shape, offsets[0], offsets[1]))
        }
        // File order is data order; ties (empty tensors) by name, so the order is deterministic.
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }

        return try entries.map { entry in
            var count = 1
            for dimension in entry.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard dimension >= 0, !overflow else {
                    throw ParseFailure.corrupt("tensor \(entry.name) has shape \(entry.shape)")
                }
                count = product
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: entry.dtype.byteCount)
            guard !overflow, entry.begin >= 0, entry.end >= entry.begin, entry.end - entry.begin == byteCount else {
                throw ParseFailure.corrupt("tensor \(entry.name) (\(entry.dtype) \(entry.shape)) has data_offsets "
                    + "[\(entry.begin), \(entry.end)], which is not \(count) elements")
            }
            guard entry.end <= dataCount else {
                throw ParseFailure.truncated("tensor \(entry.name) ends at data byte \(entry.end), "
                    + "but only \(dataCount) data bytes follow the header")
            }
            let raw = RawStorage(file: bytes, byteOffset: dataStart + entry.begin, count: count, dtype: entry.dtype)
            return NamedTensor(name: entry.name, shape: entry.shape, dtype: entry.dtype, scalars: raw.decoded())
        }
    }

    /// An array of whole numbers from JSON, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in items {
            if let number = item as? Int {
                result.append(number)
            } else if let number = item as? NSNumber, let exact = Int(exactly: number.doubleValue) {
                result.append(exact)
            } else {
                return nil
            }
        }
        return result
    }

    // MARK: - Writing

    /// The bytes of a safetensors file holding `tensors` in order: floating-point tensors as F32,
    /// integer and bool tensors in their own dtype. Names must be unique and not `__metadata__`.
    static func encode(_ tensors: [NamedTensor], metadata: [String: String]) throws -> [UInt8] {
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != "__metadata__" else {
                throw ParseFailure.corrupt("a tensor may not be named __metadata__")
            }
            guard seen.insert(tensor.name).inserted else {
                throw ParseFailure.corrupt("two tensors are named \(tensor.name)")
            }
        }
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            fields.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in tensors {
            let dtype = storedType(of: tensor.dtype)
            let end = offset + tensor.elementCount * dtype.byteCount
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(tensor.name)):{\"dtype\":\"\(dtype.safetensorsName)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }  // pad so the data is 8-byte aligned

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for tensor in tensors {
            append(tensor.scalars, as: storedType(of: tensor.dtype), to: &bytes)
        }
        return bytes
    }

    /// Floats are written as F32 (exact for every source float type); integer types keep their type.
    private static func storedType(of dtype: DType) -> DType {
        dtype.isFloatingPoint ? .float32 : dtype
    }

    private static func append(_ scalars: [Float], as dtype: DType, to bytes: inout [UInt8]) {
        // Out-of-range or NaN values in integer tensors are clamped rather than trapping.
        func whole(_ value: Float, _ low: Double, _ high: Double) -> Double {
            value.isNaN ? 0 : min(max(Double(value.rounded()), low), high)
        }
        for value in scalars {
            switch dtype {
            case .int64:
                let n = Int64(whole(value, -9.2e18, 9.2e18))
                withUnsafeBytes(of: n.littleEndian) { bytes.append(contentsOf: $0) }
            case .int32:
                let n = Int32(whole(value, -2_147_483_648, 2_147_483_647))
                withUnsafeBytes(of: n.littleEndian) { bytes.append(contentsOf: $0) }
            case .int16:
                withUnsafeBytes(of: Int16(whole(value, -32768, 32767)).littleEndian) { bytes.append(contentsOf: $0) }
            case .int8: bytes.append(UInt8(bitPattern: Int8(whole(value, -128, 127))))
            case .uint8: bytes.append(UInt8(whole(value, 0, 255)))
            case .bool: bytes.append(value == 0 ? 0 : 1)
            default:
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
    }

    /// A JSON string literal for `text`.
    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
