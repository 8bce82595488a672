// Foundation on Linux has no gzip decoder, so compressed dataset files are read with zlib's gz* functions, which
// also pass uncompressed files through unchanged.

import CZlib
import Foundation

/// Reading whole (possibly gzip-compressed) files.
enum Gzip {
    /// The decompressed bytes of the file at `path` (the file's own bytes when it is not gzip-compressed).
    ///
    /// - Parameter limit: the most bytes to return; larger contents are an error, so a forged file cannot
    ///   exhaust memory.
    /// - Throws: `DatasetError.unreadable` for a missing file or corrupt or truncated data.
    static func contents(of path: String, limit: Int = 1 << 30) throws -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "the file does not exist or cannot be read")
        }
        guard let file = gzopen(path, "rb") else {
            throw DatasetError.unreadable(path: path, reason: "zlib cannot open it")
        }
        defer { gzclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
                throw DatasetError.unreadable(path: path, reason: "corrupt gzip data (\(message))")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<Int(count)])
            if result.count > limit {
                throw DatasetError.unreadable(path: path, reason: "more than \(limit >> 20) MB when decompressed")
            }
        }
        // gzread stops quietly at a truncated end; zlib reports it through gzerror as Z_BUF_ERROR.
        var code: Int32 = 0
        _ = gzerror(file, &code)
        if code == Z_BUF_ERROR {
            throw DatasetError.unreadable(path: path, reason: "the gzip stream is truncated")
        }
        return result
    }
}
