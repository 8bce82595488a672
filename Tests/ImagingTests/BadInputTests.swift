import Foundation
import Testing
@testable import Imaging

/// Expects `Image(contentsOf: path)` to throw exactly `expected`, with `path` in its description.
private func expectFailure(_ path: String, _ expected: ImageError,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let image = try Image(contentsOf: path)
        Issue.record("decoded \(path) as \(image.width)x\(image.height); expected \(expected)",
                     sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
        #expect(error.description.contains(path), "\(error.description)", sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
    }
}

/// Expects `bytes`, written as `name`, to fail to decode as corrupt, with the file's path in the error.
private func expectCorrupt(_ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws {
    let path = try TestPaths.write(bytes, named: name)
    do {
        _ = try Image(contentsOf: path)
        Issue.record("decoded noise", sourceLocation: sourceLocation)
    } catch {
        guard case .corrupt(let reportedPath, _) = error else {
            Issue.record("got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(reportedPath == path, sourceLocation: sourceLocation)
    }
}

@Test("a PNG cut in half is reported as truncated")
func truncatedPNG() throws {
    let bytes = try TestPaths.bytes(of: try TestPaths.photo("chelsea.png"))
    let path = try TestPaths.write(Array(bytes.prefix(bytes.count / 2)), named: "half-chelsea.png")
    expectFailure(path, .truncated(path: path))
}

@Test("a JPEG cut in half is reported as truncated, not decoded to gray")
func truncatedJPEG() throws {
    let bytes = try TestPaths.bytes(of: try TestPaths.photo("dog.jpg"))
    let path = try TestPaths.write(Array(bytes.prefix(bytes.count / 2)), named: "half-dog.jpg")
    expectFailure(path, .truncated(path: path))
}

@Test("random bytes are an unsupported format")
func randomBytes() throws {
    let path = try TestPaths.write(pseudoRandomBytes(count: 4096, seed: 1), named: "noise.jpg")
    expectFailure(path, .unsupportedFormat(path: path))
}

@Test("random bytes after a PNG signature are corrupt")
func pngSignatureThenNoise() throws {
    try expectCorrupt([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pseudoRandomBytes(count: 4096, seed: 2),
                      named: "noise.png")
}

@Test("random bytes after a JPEG marker are corrupt")
func jpegMarkerThenNoise() throws {
    try expectCorrupt([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + pseudoRandomBytes(count: 4096, seed: 3),
                      named: "noise-after-marker.jpg")
}

@Test("an empty file is reported as empty")
func emptyFile() throws {
    let path = try TestPaths.write([], named: "empty.png")
    expectFailure(path, .empty(path: path))
}

@Test("a directory is reported as a directory")
func directory() throws {
    let path = try TestPaths.scratchDirectory().appendingPathComponent("photo.png").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    expectFailure(path, .isDirectory(path: path))
}

@Test("a nonexistent path is reported as not found")
func missingFile() throws {
    let path = try TestPaths.scratchDirectory().appendingPathComponent("no-such-photo.jpg").path
    expectFailure(path, .fileNotFound(path: path))
}

@Test("a PNG header claiming 100000x100000 is rejected before allocating")
func hugePNGHeader() throws {
    let path = try TestPaths.write(HandMadePNG.header(width: 100_000, height: 100_000), named: "huge.png")
    expectFailure(path, .tooLarge(path: path, width: 100_000, height: 100_000))
}

@Test("a PNG 40000 pixels wide is too large even though it has few pixels")
func widePNGHeader() throws {
    let path = try TestPaths.write(HandMadePNG.header(width: 40_000, height: 1), named: "wide.png")
    expectFailure(path, .tooLarge(path: path, width: 40_000, height: 1))
}

@Test("a JPEG header claiming 60000x60000 is rejected before decoding")
func hugeJPEGHeader() throws {
    // SOI, an APP0 segment to skip, then SOF0: length 17, precision 8, height, width, 3 components.
    var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00]
    bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0xEA, 0x60, 0xEA, 0x60, 0x03]
    bytes += [0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
    bytes += [0xFF, 0xDA] + pseudoRandomBytes(count: 64, seed: 4)
    let path = try TestPaths.write(bytes, named: "huge.jpg")
    expectFailure(path, .tooLarge(path: path, width: 60_000, height: 60_000))
}

@Test("a GIF screen of 65535x65535 is rejected before decoding")
func hugeGIFHeader() throws {
    let bytes = Array("GIF89a".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x3B]
    let path = try TestPaths.write(bytes, named: "huge.gif")
    expectFailure(path, .tooLarge(path: path, width: 65_535, height: 65_535))
}

@Test("a JPEG that stops inside its headers is truncated")
func jpegCutInHeaders() throws {
    let bytes = try TestPaths.bytes(of: try TestPaths.photo("dog.jpg"))
    let path = try TestPaths.write(Array(bytes.prefix(40)), named: "headers-only.jpg")
    expectFailure(path, .truncated(path: path))
}

@Test("a PNG that stops after its signature is truncated")
func pngSignatureOnly() throws {
    let path = try TestPaths.write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], named: "signature.png")
    expectFailure(path, .truncated(path: path))
}

@Test("decoding bytes in memory names them by the given name")
func decodingNamesTheData() {
    #expect(throws: ImageError.unsupportedFormat(path: "upload #3")) {
        try Image(decoding: [1, 2, 3], name: "upload #3")
    }
}

@Test("cut and bit-flipped photos either decode or throw an ImageError, never crash")
func damagedFilesNeverCrash() throws {
    for name in ["dog.jpg", "chelsea.png"] {
        let original = try TestPaths.bytes(of: try TestPaths.photo(name))
        let noise = pseudoRandomBytes(count: 64, seed: 5)
        var variants: [[UInt8]] = (1 ... 12).map { Array(original.prefix(original.count * $0 / 13)) }
        for i in 0 ..< 12 {
            var damaged = original
            // Flip bytes in the headers (first 1 KB) and in the compressed data.
            damaged[Int(noise[i]) * 4 % 1024] ^= 0xFF
            damaged[original.count / 2 + Int(noise[i + 12]) * 97] ^= noise[i + 24] | 1
            variants.append(damaged)
        }
        var failures = 0
        for (i, bytes) in variants.enumerated() {
            do {
                let image = try Image(decoding: bytes, name: "\(name)#\(i)")
                #expect(image.pixels.count == image.width * image.height * 3)
            } catch {
                failures += 1
                #expect(error.description.hasPrefix("\(name)#\(i): "))
            }
        }
        // Every cut file must fail; a flipped byte may land where decoders do not notice.
        #expect(failures >= 12, "\(name): only \(failures) of \(variants.count) damaged files were rejected")
    }
}
