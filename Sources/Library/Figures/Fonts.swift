import CLibGD
import Foundation

/// The TrueType files figure text is set in: DejaVu Sans (Debian package `fonts-dejavu-core`).
struct FontFiles: Sendable {
    var regular: String
    var bold: String
    var mono: String

    /// Where DejaVu lives on common systems; `TRANSFERLAB_FONT_DIR` is tried first.
    static var searchDirectories: [String] {
        var directories: [String] = []
        if let custom = ProcessInfo.processInfo.environment["TRANSFERLAB_FONT_DIR"] { directories.append(custom) }
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        directories += [
            "/usr/share/fonts/truetype/dejavu",  // Debian, Ubuntu
            "/usr/share/fonts/TTF",  // Arch
            "/usr/share/fonts/dejavu-sans-fonts",  // Fedora
            "/usr/share/fonts/dejavu",
            "/usr/local/share/fonts/dejavu",
            "/usr/local/share/fonts",
            "/opt/homebrew/share/fonts",
            home + "/.local/share/fonts",
            home + "/Library/Fonts",
            "/Library/Fonts",
        ]
        return directories
    }

    /// The fonts, found once per process (libgd's font cache is set up at the same time).
    static let located: Result<FontFiles, FigureError> = {
        _ = gdFontCacheSetup()  // makes gdImageStringFT safe to call from several threads
        let manager = FileManager.default
        for directory in searchDirectories {
            let regular = directory + "/DejaVuSans.ttf"
            guard manager.isReadableFile(atPath: regular) else { continue }
            func variant(_ name: String) -> String {
                let path = directory + "/" + name
                return manager.isReadableFile(atPath: path) ? path : regular
            }
            return .success(
                FontFiles(
                    regular: regular, bold: variant("DejaVuSans-Bold.ttf"),
                    mono: variant("DejaVuSansMono.ttf")))
        }
        // Last resort: whatever sans-serif fontconfig knows, if fc-match exists at all.
        if let path = fontconfigMatch("sans-serif"), path.hasSuffix(".ttf") || path.hasSuffix(".otf") {
            let bold = fontconfigMatch("sans-serif:bold") ?? path
            return .success(FontFiles(regular: path, bold: bold, mono: fontconfigMatch("monospace") ?? path))
        }
        return .failure(.fontNotFound(searched: searchDirectories))
    }()

    static func locate() throws(FigureError) -> FontFiles {
        try located.get()
    }

    private static func fontconfigMatch(_ pattern: String) -> String? {
        for tool in ["/usr/bin/fc-match", "/usr/local/bin/fc-match", "/opt/homebrew/bin/fc-match"]
        where FileManager.default.isExecutableFile(atPath: tool) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-f", "%{file}", pattern]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return FileManager.default.isReadableFile(atPath: path) ? path : nil
        }
        return nil
    }
}
