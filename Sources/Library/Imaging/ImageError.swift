import Foundation

/// Everything that can go wrong reading or writing an image file.
///
/// Each case names the file (or the `name` given to `Image(decoding:name:)`), so that
/// `description` is one line a student can act on, e.g.
/// `photos/dog.jpg: truncated (the file ends before the image data does)`.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The path names a directory, not a file.
    case isDirectory(path: String)
    /// The file holds zero bytes.
    case empty(path: String)
    /// The file could not be read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// The bytes are not PNG, JPEG, GIF, BMP or WebP (judged by the magic bytes, not the extension).
    case unsupportedFormat(path: String)
    /// The bytes look like a known format but the decoder rejected them.
    case corrupt(path: String, reason: String)
    /// The header claims a size beyond `Image.maximumSide` per side or `Image.maximumPixelCount` pixels.
    case tooLarge(path: String, width: Int, height: Int)
    /// The file ends before the image data does.
    case truncated(path: String)
    /// Encoding or writing the file failed.
    case writeFailed(path: String, reason: String)

    /// The file (or name) the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .isDirectory(let path), .empty(let path), .unsupportedFormat(let path),
             .truncated(let path):
            return path
        case .unreadable(let path, _), .corrupt(let path, _), .writeFailed(let path, _):
            return path
        case .tooLarge(let path, _, _):
            return path
        }
    }

    /// One line: the file, then what is wrong with it.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .isDirectory(let path):
            return "\(path): is a directory, not an image file"
        case .empty(let path):
            return "\(path): the file is empty (0 bytes)"
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file (\(reason))"
        case .unsupportedFormat(let path):
            return "\(path): not a PNG, JPEG, GIF, BMP or WebP image (unrecognized first bytes)"
        case .corrupt(let path, let reason):
            return "\(path): corrupt image (\(reason))"
        case .tooLarge(let path, let width, let height):
            return "\(path): the header claims \(width)x\(height) pixels, more than the limit of "
                + "\(Image.maximumSide) per side and \(Image.maximumPixelCount / 1_000_000)M pixels in all"
        case .truncated(let path):
            return "\(path): truncated (the file ends before the image data does)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write the image (\(reason))"
        }
    }
}

/// A short reason for a Foundation file error: the POSIX message when there is one.
func describe(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return nsError.localizedDescription.replacingOccurrences(of: "The operation could not be completed. ", with: "")
}
