import Foundation

extension Image {
    /// The largest width or height a decoder accepts; larger headers are rejected unread.
    public static let maximumSide = 30_000
    /// The most pixels (width × height) a decoder accepts: 100M pixels is 1.2 GB as `Float` RGB.
    public static let maximumPixelCount = 100_000_000
    /// Files larger than this are not read at all (a 100M-pixel PNG is far smaller).
    static let maximumFileBytes = 512 << 20

    /// Reads and decodes a PNG, JPEG, GIF, BMP or WebP file into RGB values in [0, 1].
    ///
    /// The format is judged by the file's first bytes, not its extension. Gray images are copied
    /// to three channels and transparency is composited on white.
    /// Concretely: `try Image(contentsOf: "Assets/photos/chelsea.png")` is 451x300.
    /// - Throws: `ImageError` naming `path`: missing file, directory, empty, unsupported format,
    ///   truncated, corrupt, or a header claiming more than `maximumSide`/`maximumPixelCount`.
    public init(contentsOf path: String) throws(ImageError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .isDirectory(path: path) }
        let bytes: [UInt8]
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            if size > Self.maximumFileBytes {
                throw ImageError.unreadable(path: path, reason: "the file is \(size >> 20) MB; "
                    + "files over \(Self.maximumFileBytes >> 20) MB are not read")
            }
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as ImageError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: describe(error))
        }
        try self.init(decoding: bytes, name: path)
    }

    /// Decodes the bytes of a PNG, JPEG, GIF, BMP or WebP file; `name` identifies them in errors.
    ///
    /// - Throws: `ImageError` naming `name` (see `init(contentsOf:)`).
    public init(decoding bytes: [UInt8], name: String) throws(ImageError) {
        if bytes.isEmpty { throw .empty(path: name) }
        guard let format = ImageFormat(sniffing: bytes) else { throw .unsupportedFormat(path: name) }
        if bytes.count > Int(Int32.max) {
            throw .unreadable(path: name, reason: "\(bytes.count) bytes is more than a decoder accepts")
        }
        if format == .png {
            self = try Self.decodePNG(bytes, name: name)
            return
        }
        let size: (width: Int, height: Int)
        do {
            size = try headerSize(of: bytes, format: format)
        } catch {
            switch error {
            case .truncated: throw .truncated(path: name)
            case .corrupt(let reason): throw .corrupt(path: name, reason: reason)
            }
        }
        try Self.checkSize(width: size.width, height: size.height, name: name)
        self = try Self.decodeWithGD(bytes, format: format, name: name)
    }

    /// Throws `tooLarge` for sizes no decoder should allocate, `corrupt` for an empty size.
    static func checkSize(width: Int, height: Int, name: String) throws(ImageError) {
        guard width > 0 && height > 0 else {
            throw .corrupt(path: name, reason: "the header gives a size of \(width)x\(height)")
        }
        if width > maximumSide || height > maximumSide || width * height > maximumPixelCount {
            throw .tooLarge(path: name, width: width, height: height)
        }
    }
}
