/// The container formats `Image(decoding:name:)` understands, told apart by their first bytes.
enum ImageFormat: Equatable {
    case png, jpeg, gif, bmp, webp

    /// The format whose magic bytes open `bytes`, or nil. Extensions are never consulted:
    /// a JPEG saved as `photo.png` is still a JPEG.
    init?(sniffing bytes: [UInt8]) {
        func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset ..< offset + magic.count]) == magic
        }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) {
            self = .gif
        } else if starts(with: Array("BM".utf8)) && bytes.count >= 26 {
            self = .bmp
        } else if starts(with: Array("RIFF".utf8)) && starts(with: Array("WEBP".utf8), at: 8) {
            self = .webp
        } else {
            return nil
        }
    }
}

/// Why a header could not be read; turned into an `ImageError` naming the file by the caller.
enum HeaderProblem: Error {
    case truncated
    case corrupt(String)
}

/// Reads width and height from the header of a JPEG, GIF, BMP or WebP file without decoding it,
/// so that absurd sizes are rejected before any decoder allocates memory for them.
/// (PNG sizes come from libpng's own header read.)
func headerSize(of bytes: [UInt8], format: ImageFormat) throws(HeaderProblem) -> (width: Int, height: Int) {
    func u16be(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
    func u16le(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
    func u24le(_ i: Int) -> Int { u16le(i) | Int(bytes[i + 2]) << 16 }
    func i32le(_ i: Int) -> Int { Int(Int32(bitPattern: UInt32(u16le(i)) | UInt32(u16le(i + 2)) << 16)) }
    func need(_ count: Int) throws(HeaderProblem) { if bytes.count < count { throw .truncated } }

    /// Walks the JPEG marker segments up to the first start-of-frame (SOFn) marker.
    func jpegFrameSize(of bytes: [UInt8]) throws(HeaderProblem) -> (width: Int, height: Int) {
        var i = 2  // after SOI (FF D8)
        while true {
            try need(i + 2)
            guard bytes[i] == 0xFF else { throw .corrupt("expected a JPEG marker at byte \(i)") }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            i += 2
            // Markers without a length field: TEM, RST0-7, SOI.
            if marker == 0x01 || (0xD0 ... 0xD8).contains(marker) { continue }
            if marker == 0xD9 { throw .corrupt("end of image before any frame header") }
            if marker == 0xDA { throw .corrupt("scan data before any frame header") }
            try need(i + 2)
            let length = u16be(i)
            guard length >= 2 else { throw .corrupt("bad JPEG segment length \(length)") }
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
            if (0xC0 ... 0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                try need(i + 7)
                let (height, width) = (u16be(i + 3), u16be(i + 5))
                guard width > 0 && height > 0 else { throw .corrupt("frame header gives size \(width)x\(height)") }
                return (width, height)
            }
            i += length
        }
    }

    switch format {
    case .png:
        preconditionFailure("PNG sizes are read by libpng")
    case .jpeg:
        return try jpegFrameSize(of: bytes)
    case .gif:
        // Logical screen descriptor; libgd rejects frames that do not fit inside the screen.
        try need(10)
        return (u16le(6), u16le(8))
    case .bmp:
        try need(26)
        if i32le(14) == 12 {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
            return (u16le(18), u16le(20))
        }
        // A negative height means rows are stored top-down; the size is its magnitude.
        return (abs(i32le(18)), abs(i32le(22)))
    case .webp:
        try need(30)
        switch String(decoding: bytes[12 ..< 16], as: UTF8.self) {
        case "VP8X":  // extended: 24-bit canvas size minus one
            return (u24le(24) + 1, u24le(27) + 1)
        case "VP8L":  // lossless: signature 0x2f, then two 14-bit sizes minus one
            guard bytes[20] == 0x2F else { throw .corrupt("bad lossless WebP signature") }
            let bits = UInt32(u16le(21)) | UInt32(u16le(23)) << 16
            return (Int(bits & 0x3FFF) + 1, Int((bits >> 14) & 0x3FFF) + 1)
        case "VP8 ":  // lossy: 3-byte frame tag, start code 9d 01 2a, 14-bit sizes
            guard bytes[23 ..< 26].elementsEqual([0x9D, 0x01, 0x2A]) else {
                throw .corrupt("bad lossy WebP start code")
            }
            return (u16le(26) & 0x3FFF, u16le(28) & 0x3FFF)
        default:
            throw .corrupt("unknown WebP chunk")
        }
    }
}
