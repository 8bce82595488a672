import Foundation
import Testing
@testable import Imaging

/// Originals of the reference inputs in `Tests/Reference/images` (made by Pillow: RGB, center crop,
/// `resize((224, 224), BILINEAR)`).
private let referencePhotos = [
    ("chelsea.png", "chelsea.png"), ("coffee.png", "coffee.png"), ("astronaut.png", "astronaut.png"),
    ("rocket.jpg", "rocket.png"), ("motorcycle_left.png", "motorcycle_left.png"), ("dog.jpg", "dog.png"),
]

@Test("decode, center-crop and resize to 224 matches Pillow's reference within one level",
      arguments: referencePhotos.map(\.0))
func matchesReferencePreprocessing(photo: String) throws {
    let reference = TestPaths.referenceImage(try #require(referencePhotos.first { $0.0 == photo }).1)
    try #require(FileManager.default.fileExists(atPath: reference), "missing \(reference)")
    let expected = try Image(contentsOf: reference)
    let ours = try Image(contentsOf: try TestPaths.photo(photo)).centerCropped().resized(width: 224, height: 224)
    #expect(ours.width == 224 && ours.height == 224)
    let difference = maximumDifference(ours.rgbBytes, expected.rgbBytes)
    print("\(photo): max difference from the Pillow reference = \(difference) level(s)")
    // Measured: 0 for all six (bit-exact); the contract is at most one level.
    #expect(difference <= 1)
}

/// The test pattern the small Pillow cases below were made from.
private func pattern(width: Int, height: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for y in 0 ..< height {
        for x in 0 ..< width {
            for c in 0 ..< 3 { bytes.append(UInt8((x * 37 + y * 91 + c * 53 + x * y * 7) % 256)) }
        }
    }
    return bytes
}

/// `Image.fromarray(pattern).resize((w, h), Image.BILINEAR)` from Pillow 13, flattened HWC.
private let pillowCases: [(from: (Int, Int), to: (Int, Int), expected: [UInt8])] = [
    ((7, 5), (3, 2), [105, 133, 143, 125, 129, 144, 133, 134, 127, 124, 135, 130, 139, 140, 134, 151, 132, 125]),
    ((4, 3), (9, 7), [
        0, 53, 106, 6, 59, 112, 23, 76, 129, 39, 92, 145, 56, 109, 162, 72, 125, 178, 88, 141, 194, 105, 158,
        211, 111, 164, 217, 13, 66, 119, 19, 72, 125, 37, 90, 143, 53, 106, 157, 70, 123, 158, 87, 140, 158,
        103, 142, 173, 121, 143, 190, 127, 143, 196, 52, 105, 158, 59, 112, 165, 77, 130, 183, 95, 148, 193,
        114, 167, 147, 132, 185, 100, 150, 146, 109, 168, 99, 128, 175, 82, 135, 91, 144, 197, 98, 151, 204,
        118, 171, 224, 137, 190, 229, 157, 210, 135, 177, 230, 41, 196, 150, 46, 216, 55, 66, 223, 20, 73,
        130, 183, 126, 138, 172, 134, 159, 145, 155, 173, 123, 168, 146, 144, 124, 118, 165, 80, 133, 129, 92,
        153, 84, 113, 161, 68, 121, 169, 222, 56, 178, 194, 64, 199, 119, 86, 210, 55, 106, 135, 78, 113, 59,
        100, 118, 69, 108, 139, 91, 113, 160, 100, 116, 169, 182, 235, 32, 191, 201, 41, 213, 110, 63, 222,
        33, 86, 131, 56, 109, 39, 78, 131, 48, 101, 154, 70, 123, 176, 79, 132, 185,
    ]),
    ((10, 4), (4, 9), [
        37, 90, 143, 120, 173, 195, 152, 113, 94, 52, 93, 146, 53, 104, 148, 122, 159, 178, 141, 118, 109, 75,
        104, 139, 97, 143, 160, 127, 123, 133, 113, 130, 149, 135, 133, 122, 137, 172, 166, 129, 95, 98, 92,
        140, 179, 182, 157, 111, 149, 144, 127, 116, 118, 131, 123, 130, 142, 139, 145, 146, 161, 115, 88,
        103, 141, 163, 154, 120, 105, 95, 133, 180, 129, 118, 116, 129, 149, 147, 146, 126, 116, 111, 116,
        146, 90, 125, 155, 162, 154, 125, 131, 135, 133, 135, 99, 103, 75, 128, 169, 174, 156, 116, 126, 138,
        140, 144, 92, 87,
    ]),
]

@Test("shrinking, enlarging and mixed resizes equal Pillow's output byte for byte")
func matchesPillowOnSmallCases() {
    for (from, to, expected) in pillowCases {
        let image = Image(width: from.0, height: from.1, rgbBytes: pattern(width: from.0, height: from.1))
        let resized = image.resized(width: to.0, height: to.1)
        #expect(resized.width == to.0 && resized.height == to.1)
        #expect(resized.rgbBytes == expected, "\(from) → \(to)")
    }
}

@Test("shrinking antialiases: a one-pixel checkerboard halved becomes flat gray")
func shrinkingAntialiases() {
    let board: [Float] = (0 ..< 64).map { (i: Int) -> Float in (i / 8 + i % 8) % 2 == 0 ? 0 : 1 }
    let small = Image.fromGray(width: 8, height: 8, values: board).resized(width: 4, height: 4)
    // Point sampling would give pure black or white; the widened triangle averages neighbors.
    // Pillow gives 128 inside and 125-130 in the corners, where the filter is cut off.
    #expect(small.rgbBytes.allSatisfy { (125 ... 130).contains($0) })
    #expect(small[1, 1].red == 128 / 255 && small[0, 0].red == 125 / 255)
}

@Test("a uniform image stays uniform when shrunk or enlarged")
func uniformStaysUniform() {
    let image = Image(width: 13, height: 7, red: 10 / 255, green: 128 / 255, blue: 1)
    for (width, height) in [(5, 3), (40, 21), (13, 30), (1, 1)] {
        #expect(image.resized(width: width, height: height).rgbBytes
                == Image(width: width, height: height, red: 10 / 255, green: 128 / 255, blue: 1).rgbBytes)
    }
}

@Test("resizing to the same size leaves 8-bit pixels unchanged")
func sameSizeIsIdentity() {
    let image = Image(width: 9, height: 6, rgbBytes: pseudoRandomBytes(count: 9 * 6 * 3, seed: 11))
    #expect(image.resized(width: 9, height: 6) == image)
}

@Test("center crop of a landscape image keeps the middle square, left offset rounded down")
func centerCropLandscape() {
    let image = Image(width: 7, height: 4, rgbBytes: pattern(width: 7, height: 4))
    let square = image.centerCropped()
    #expect(square.width == 4 && square.height == 4)
    #expect(square == image.cropped(x: 1, y: 0, width: 4, height: 4))  // (7 - 4) / 2 = 1
    #expect(square[0, 0] == image[1, 0] && square[3, 3] == image[4, 3])
}

@Test("center crop of a portrait image keeps the middle square, top offset rounded down")
func centerCropPortrait() {
    let image = Image(width: 3, height: 8, rgbBytes: pattern(width: 3, height: 8))
    let square = image.centerCropped()
    #expect(square.width == 3 && square.height == 3)
    #expect(square[0, 0] == image[0, 2] && square[2, 2] == image[2, 4])  // (8 - 3) / 2 = 2
}

@Test("chelsea's center crop is 300x300 starting at column 75")
func chelseaCrop() throws {
    let image = try Image(contentsOf: try TestPaths.photo("chelsea.png"))
    let square = image.centerCropped()
    #expect(square.width == 300 && square.height == 300)
    #expect(square == image.cropped(x: 75, y: 0, width: 300, height: 300))
    #expect(square[0, 0] == image[75, 0] && square[299, 299] == image[374, 299])
}

@Test("gray values use Pillow's luminance weights")
func grayscaleWeights() {
    let image = Image(width: 2, height: 1, pixels: [1, 0, 0, 0.2, 0.4, 0.6])
    let gray = image.grayscaleValues
    #expect(abs(gray[0] - 0.299) < 1e-6 && abs(gray[1] - (0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6)) < 1e-6)
    #expect(image.grayscaled()[1, 0].green == gray[1])
}
