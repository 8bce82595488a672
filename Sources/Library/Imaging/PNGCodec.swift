import CLibPNG
import Foundation

// PNG through libpng's simplified `png_image_*` API only: the classic API reports errors by
// `longjmp`, which would jump over Swift frames. The simplified API catches its own errors and
// returns 0 with a message in `png_image.message`.

extension Image {
    /// Decodes PNG bytes: gray, palette, 16-bit and alpha images all become RGB.
    /// Alpha is composited on white. The size is checked from the header before any pixel memory
    /// is allocated.
    static func decodePNG(_ bytes: [UInt8], name: String) throws(ImageError) -> Image {
        // Pillow ignores gAMA; libpng would gamma-correct to sRGB. Dropping the chunk keeps pixel
        // values identical to what Pillow (and so the reference data) sees.
        let bytes = removingGammaChunk(from: bytes)
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        let began = bytes.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw pngError(image, name: name) }
        let (width, height) = (Int(image.width), Int(image.height))
        try checkSize(width: width, height: height, name: name)

        // Without this flag a 16-bit file lacking gAMA is assumed linear and gamma-encoded on the
        // way to 8 bits; Pillow simply keeps the high byte.
        image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // RGBA
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let finished = rgba.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw pngError(image, name: name) }
        return Image(width: width, height: height, rgbaBytesOnWhite: rgba)
    }

    /// The image as an 8-bit RGB PNG file's bytes (values rounded to the nearest level, clamped).
    public func pngData() throws(ImageError) -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(PNG_FORMAT_RGB)
        defer { png_image_free(&image) }

        let rgb = rgbBytes
        var size: png_alloc_size_t = 0
        let sized = rgb.withUnsafeBytes { raw in
            png_image_write_to_memory(&image, nil, &size, 0, raw.baseAddress, 0, nil)
        }
        guard sized != 0, size > 0 else { throw .writeFailed(path: "(PNG in memory)", reason: message(of: image)) }
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = rgb.withUnsafeBytes { raw in
            output.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, raw.baseAddress, 0, nil)
            }
        }
        guard written != 0 else { throw .writeFailed(path: "(PNG in memory)", reason: message(of: image)) }
        return Array(output.prefix(Int(size)))
    }

    /// Writes the image as an 8-bit RGB PNG file, creating missing parent directories.
    /// - Throws: `ImageError.writeFailed` naming `path`.
    public func write(toPNG path: String) throws(ImageError) {
        let bytes: [UInt8]
        do {
            bytes = try pngData()
        } catch {
            throw .writeFailed(path: path, reason: error.description)
        }
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw .writeFailed(path: path, reason: describe(error))
        }
    }
}

/// libpng's message for a failed call, as a Swift string.
private func message(of image: png_image) -> String {
    withUnsafeBytes(of: image.message) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}

/// Maps a failed libpng call to an error: running out of data means the file was cut short.
private func pngError(_ image: png_image, name: String) -> ImageError {
    let text = message(of: image)
    if text.contains("end of data") || text.contains("Not enough image data") || text.contains("Read Error") {
        return .truncated(path: name)
    }
    return .corrupt(path: name, reason: text.isEmpty ? "libpng rejected the file" : "libpng: \(text)")
}

/// The PNG stream with any gAMA chunk before the image data removed (chunks are self-contained,
/// each with its own CRC, so dropping one leaves a valid file). Malformed streams are returned
/// unchanged for libpng to diagnose.
private func removingGammaChunk(from bytes: [UInt8]) -> [UInt8] {
    var offset = 8
    while offset + 12 <= bytes.count {
        let length = bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) }
        let type = String(decoding: bytes[offset + 4 ..< offset + 8], as: UTF8.self)
        let end = offset + 12 + length
        guard end <= bytes.count else { return bytes }
        if type == "gAMA" {
            return Array(bytes[..<offset]) + Array(bytes[end...])
        }
        if type == "IDAT" || type == "IEND" { return bytes }
        offset = end
    }
    return bytes
}
