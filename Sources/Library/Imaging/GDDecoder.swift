import CLibGD
import Foundation

// JPEG, GIF, BMP and WebP through libgd. libgd reports problems through one process-wide error
// callback and otherwise carries on: a truncated JPEG decodes "successfully" into gray pixels.
// So every decode installs a capture, and any warning or error during it fails the decode.

extension Image {
    /// Decodes JPEG, GIF, BMP or WebP bytes whose header size has already been checked.
    static func decodeWithGD(_ bytes: [UInt8], format: ImageFormat, name: String) throws(ImageError) -> Image {
        let (decoded, messages) = GDErrorCapture.capturing {
            var copy = bytes  // libgd takes a mutable pointer but only reads
            return copy.withUnsafeMutableBytes { raw -> Image? in
                let size = Int32(raw.count), data = raw.baseAddress
                let pointer: gdImagePtr?
                switch format {
                case .jpeg: pointer = gdImageCreateFromJpegPtrEx(size, data, 0)  // 0: report warnings
                case .gif: pointer = gdImageCreateFromGifPtr(size, data)
                case .bmp: pointer = gdImageCreateFromBmpPtr(size, data)
                case .webp: pointer = gdImageCreateFromWebpPtr(size, data)
                case .png: preconditionFailure("PNG is decoded with libpng")
                }
                guard let pointer else { return nil }
                defer { gdImageDestroy(pointer) }
                return Image(gdImage: pointer)
            }
        }
        if let problem = messages.first {
            let lowered = problem.lowercased()
            if lowered.contains("premature end") || lowered.contains("truncated") || lowered.contains("eof") {
                throw .truncated(path: name)
            }
            throw .corrupt(path: name, reason: problem.replacingOccurrences(
                of: "gd-jpeg, libjpeg: recoverable error: ", with: "libjpeg: "))
        }
        guard let decoded else {
            throw .corrupt(path: name, reason: "libgd could not decode the \(format) data")
        }
        return decoded
    }

    /// Copies a libgd image (true color or palette; 7-bit alpha, 0 = opaque) composited on white.
    private init?(gdImage pointer: gdImagePtr) {
        if pointer.pointee.trueColor == 0 && gdImagePaletteToTrueColor(pointer) == 0 { return nil }
        let (width, height) = (Int(pointer.pointee.sx), Int(pointer.pointee.sy))
        guard width > 0, height > 0, let rows = pointer.pointee.tpixels else { return nil }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        rgba.withUnsafeMutableBufferPointer { target in
            for y in 0 ..< height {
                guard let row = rows[y] else { continue }
                for x in 0 ..< width {
                    let pixel = UInt32(bitPattern: row[x]), i = (y * width + x) * 4
                    target[i] = UInt8(truncatingIfNeeded: pixel >> 16)
                    target[i + 1] = UInt8(truncatingIfNeeded: pixel >> 8)
                    target[i + 2] = UInt8(truncatingIfNeeded: pixel)
                    let alpha = Int((pixel >> 24) & 0x7F)  // 0 opaque … 127 transparent
                    target[i + 3] = alpha == 0 ? 255 : UInt8((127 - alpha) * 255 / 127)
                }
            }
        }
        self.init(width: width, height: height, rgbaBytesOnWhite: rgba)
    }
}

/// Collects libgd's error and warning messages raised by the current thread during `capturing`.
///
/// libgd's error method is one global C function pointer, so decodes are serialized and messages
/// from other threads (say, a figure being drawn) are printed to stderr instead of being blamed on
/// the decode.
enum GDErrorCapture {
    private static let decodeLock = NSLock()
    private static let stateLock = NSLock()
    nonisolated(unsafe) private static var owner: pthread_t?
    nonisolated(unsafe) private static var messages: [String] = []

    private static let installed: Void = {
        gdSetErrorMethod { priority, format, arguments in
            guard let format, let arguments else { return }
            var buffer = [CChar](repeating: 0, count: 1024)
            _ = vsnprintf(&buffer, buffer.count, format, arguments)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            GDErrorCapture.record(priority: priority, text)
        }
    }()

    /// Runs `body` while recording libgd's warnings and errors; returns its result and them.
    static func capturing<T>(_ body: () -> T) -> (T, [String]) {
        _ = installed
        decodeLock.lock()
        defer { decodeLock.unlock() }
        stateLock.withLock { owner = pthread_self(); messages = [] }
        let result = body()
        let captured = stateLock.withLock { () -> [String] in
            owner = nil
            return messages
        }
        return (result, captured)
    }

    private static func record(priority: Int32, _ text: String) {
        // Notices, info and debug output are not problems with the file.
        guard priority <= GD_WARNING else { return }
        let captured = stateLock.withLock { () -> Bool in
            guard let owner, pthread_equal(owner, pthread_self()) != 0 else { return false }
            messages.append(text)
            return true
        }
        if !captured { FileHandle.standardError.write(Data("libgd: \(text)\n".utf8)) }
    }
}
