import Foundation
import Testing
@testable import Imaging

/// Sizes and center pixels of the course photos as Pillow 13 reports them (`Image.open(f).convert("RGB")`).
private let photos: [(name: String, width: Int, height: Int, center: [UInt8])] = [
    ("astronaut.png", 512, 512, [19, 14, 7]),
    ("chelsea.png", 451, 300, [190, 150, 124]),
    ("coffee.png", 600, 400, [248, 250, 255]),
    ("dog.jpg", 768, 576, [119, 6, 10]),
    ("eagle.jpg", 773, 512, [154, 111, 69]),
    ("giraffe.jpg", 500, 500, [97, 123, 0]),
    ("horses.jpg", 773, 512, [79, 72, 66]),
    ("kite.jpg", 1352, 900, [83, 84, 78]),
    ("motorcycle_left.png", 741, 500, [103, 92, 82]),
    ("person.jpg", 640, 424, [173, 155, 115]),
    ("rocket.jpg", 640, 427, [132, 123, 114]),
]

/// The 8-bit levels of pixel (x, y).
private func levels(_ image: Image, _ x: Int, _ y: Int) -> [UInt8] {
    let pixel = image[x, y]
    return [pixel.red, pixel.green, pixel.blue].map { UInt8(($0 * 255).rounded()) }
}

@Test("each course photo decodes to Pillow's size and center pixel", arguments: photos.map(\.name))
func decodesPhoto(name: String) throws {
    let expected = try #require(photos.first { $0.name == name })
    let path = try TestPaths.photo(name)
    let image = try Image(contentsOf: path)
    #expect(image.width == expected.width && image.height == expected.height)
    #expect(levels(image, image.width / 2, image.height / 2) == expected.center)
    #expect(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
}

@Test("the decoder is chosen by magic bytes, not by the file extension")
func ignoresExtension() throws {
    let jpeg = try TestPaths.bytes(of: try TestPaths.photo("dog.jpg"))
    let path = try TestPaths.write(jpeg, named: "actually-a-jpeg.png")
    let image = try Image(contentsOf: path)
    #expect(image.width == 768 && image.height == 576)
    #expect(levels(image, 384, 288) == [119, 6, 10])
}

@Test("gray PNGs are copied to three channels")
func decodesGrayPNG() throws {
    let png = HandMadePNG.file(width: 3, height: 1, bitDepth: 8, colorType: 0, rows: [[0, 128, 255]])
    let image = try Image(decoding: png, name: "gray.png")
    #expect(image.rgbBytes == [0, 0, 0, 128, 128, 128, 255, 255, 255])
}

@Test("16-bit PNGs scale to 8 bits with no gamma conversion, within one level of Pillow")
func decodes16BitPNG() throws {
    let row: [UInt8] = [0x12, 0x00, 0x80, 0x00, 0xFE, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x40, 0x00]
    let png = HandMadePNG.file(width: 2, height: 1, bitDepth: 16, colorType: 2, rows: [row])
    let image = try Image(decoding: png, name: "deep.png")
    // libpng rounds v / 257 (0xFE00 → 253) where Pillow keeps the high byte (254). A gamma
    // conversion, the thing this guards against, would move 0x8000 from 128 to about 188.
    #expect(image.rgbBytes == [0x12, 0x80, 0xFD, 0xFF, 0x00, 0x40])
}

@Test("palette PNGs are expanded, and a transparent entry becomes white")
func decodesPalettePNG() throws {
    let palette: [UInt8] = [255, 0, 0, 0, 0, 255, 10, 20, 30]
    let png = HandMadePNG.file(width: 3, height: 1, bitDepth: 8, colorType: 3, rows: [[0, 1, 2]],
                               extraChunks: [("PLTE", palette), ("tRNS", [255, 255, 0])])
    let image = try Image(decoding: png, name: "palette.png")
    #expect(image.rgbBytes == [255, 0, 0, 0, 0, 255, 255, 255, 255])
}

@Test("alpha is composited on white")
func compositesAlphaOnWhite() throws {
    let row: [UInt8] = [200, 100, 0, 255, 0, 0, 0, 0, 0, 0, 0, 51]
    let png = HandMadePNG.file(width: 3, height: 1, bitDepth: 8, colorType: 6, rows: [row])
    let image = try Image(decoding: png, name: "alpha.png")
    // Opaque keeps its color, transparent is white, 20% black over white is 80% white (204).
    #expect(image.rgbBytes == [200, 100, 0, 255, 255, 255, 204, 204, 204])
}

@Test("a gAMA chunk is ignored, as Pillow ignores it")
func ignoresGamma() throws {
    let gamma = HandMadePNG.bigEndian(100_000)  // gamma 1.0: libpng alone would brighten mid-tones
    let png = HandMadePNG.file(width: 1, height: 1, bitDepth: 8, colorType: 2, rows: [[64, 128, 192]],
                               extraChunks: [("gAMA", gamma)])
    #expect(try Image(decoding: png, name: "gamma.png").rgbBytes == [64, 128, 192])
}

@Test("BMP files decode through libgd")
func decodesBMP() throws {
    // 2x2, 24-bit, bottom-up rows of blue-green-red padded to 4 bytes.
    func le32(_ v: Int) -> [UInt8] { (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    var bmp = Array("BM".utf8) + le32(54 + 16) + le32(0) + le32(54)
    bmp += le32(40) + le32(2) + le32(2) + [1, 0, 24, 0] + le32(0) + le32(16) + le32(2835) + le32(2835)
    bmp += le32(0) + le32(0)
    bmp += [255, 0, 0, 0, 255, 0, 0, 0]  // bottom row: blue, green
    bmp += [0, 0, 255, 255, 255, 255, 0, 0]  // top row: red, white
    let image = try Image(decoding: bmp, name: "tiny.bmp")
    #expect(image.rgbBytes == [255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 255, 0])
}
