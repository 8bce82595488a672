import Foundation
import Testing
@testable import Imaging

@Test("PNG encoding round-trips 8-bit images exactly")
func pngRoundTrip() throws {
    let bytes = pseudoRandomBytes(count: 37 * 23 * 3, seed: 7)
    let image = Image(width: 37, height: 23, rgbBytes: bytes)
    let decoded = try Image(decoding: try image.pngData(), name: "round-trip.png")
    #expect(decoded == image)
    #expect(decoded.rgbBytes == bytes)
}

@Test("encoding rounds to the nearest level and clamps to 0...1")
func pngRoundsAndClamps() throws {
    let image = Image(width: 2, height: 1, pixels: [100.4 / 255, 100.6 / 255, -0.5, 2, 0.5 / 255 + 1e-4, .nan])
    let decoded = try Image(decoding: try image.pngData(), name: "rounding.png")
    #expect(decoded.rgbBytes == [100, 101, 0, 255, 1, 0])
}

@Test("write(toPNG:) creates missing parent directories")
func writesIntoNewDirectories() throws {
    let path = try TestPaths.scratchDirectory().appendingPathComponent("a/b/c/out.png").path
    let image = Image(width: 3, height: 2, red: 1, green: 0.5, blue: 0)
    try image.write(toPNG: path)
    let reread = try Image(contentsOf: path)
    #expect(reread.rgbBytes == image.rgbBytes)
}

@Test("writing below a regular file fails with an error naming the path")
func writeFailureNamesPath() throws {
    let file = try TestPaths.write([1, 2, 3], named: "not-a-directory")
    let path = file + "/out.png"
    #expect {
        try Image(width: 1, height: 1, red: 0, green: 0, blue: 0).write(toPNG: path)
    } throws: { error in
        guard let error = error as? ImageError, case .writeFailed = error else { return false }
        return error.description.contains(path)
    }
}
