import Foundation
@testable import Imaging

/// Paths the tests read: the package root (found from this file), the photos and the references.
enum TestPaths {
    /// The directory holding Package.swift, walking up from this source file.
    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            precondition(parent.path != directory.path, "no Package.swift above \(#filePath)")
            directory = parent
        }
        return directory
    }()

    /// `Assets/`, or `$TRANSFERLAB_ASSETS` when set.
    static var assets: URL {
        if let override = ProcessInfo.processInfo.environment["TRANSFERLAB_ASSETS"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent("Assets")
    }

    /// The path of a course photo; throws (failing the test with a clear message) if it is missing.
    static func photo(_ name: String) throws -> String {
        let path = assets.appendingPathComponent("photos/\(name)").path
        guard FileManager.default.fileExists(atPath: path) else { throw MissingAsset(path: path) }
        return path
    }

    /// `<root>/Tests/Reference/images/NAME`: 224x224 inputs made by Pillow.
    static func referenceImage(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Reference/images/\(name)").path
    }

    /// A fresh, empty directory for one test's files.
    static func scratchDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ImagingTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes `bytes` to `name` in a scratch directory and returns the path.
    static func write(_ bytes: [UInt8], named name: String) throws -> String {
        let path = try scratchDirectory().appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func bytes(of path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// A course photo is not on this machine.
struct MissingAsset: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "missing \(path): fetch the course assets into Assets/ (or set TRANSFERLAB_ASSETS to their folder)"
    }
}

/// The largest absolute difference between two equally long byte arrays.
func maximumDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    precondition(a.count == b.count, "compared \(a.count) with \(b.count) bytes")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            var largest = 0
            for i in 0 ..< a.count { largest = max(largest, abs(Int(a[i]) - Int(b[i]))) }
            return largest
        }
    }
}

/// Deterministic pseudo-random bytes (SplitMix64), so "random" test inputs never change.
func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0 ..< count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}

/// Builds tiny PNG files by hand (stored, uncompressed deflate), so decoding of gray, palette,
/// 16-bit and alpha images can be tested without a second PNG encoder.
enum HandMadePNG {
    static func file(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, rows: [[UInt8]],
                     extraChunks: [(String, [UInt8])] = []) -> [UInt8] {
        var ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        ihdr += [bitDepth, colorType, 0, 0, 0]
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }  // filter type 0 (None) before each row
        var result: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        result += chunk("IHDR", ihdr)
        for (type, data) in extraChunks { result += chunk(type, data) }
        result += chunk("IDAT", zlibStored(raw))
        result += chunk("IEND", [])
        return result
    }

    /// A PNG signature, an IHDR claiming `width`x`height`, and the start of image data.
    static func header(width: Int, height: Int) -> [UInt8] {
        let ihdr = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
            + chunk("IDAT", zlibStored([0, 0, 0, 0])) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// zlib stream with one stored (uncompressed) deflate block; fine for data under 64 KB.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        let length = UInt16(data.count)
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            + data + bigEndian(b << 16 | a)
    }
}
