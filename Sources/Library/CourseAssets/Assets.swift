// Assets (weights, photos, datasets) are fetched by Scripts/setup into Assets/ at the package root. Programs
// may run from anywhere inside the checkout, so the folder is found by walking up from the working directory.

import Foundation

/// The folder of downloaded assets and the files in it.
public struct Assets: Sendable {
    /// Why an asset cannot be used.
    public enum Failure: Error, CustomStringConvertible {
        case missing(path: String)

        public var description: String {
            switch self {
            case .missing(let path):
                return "missing asset \(path); run Scripts/setup (from the TransferLab folder) to fetch it"
            }
        }
    }

    public let root: URL

    public init(root: URL) { self.root = root }

    /// `$TRANSFERLAB_ASSETS` if set, else the `Assets` folder beside the nearest `Package.swift` above the
    /// working directory (or above this source file, for tests run from elsewhere).
    public static var standard: Assets {
        if let path = ProcessInfo.processInfo.environment["TRANSFERLAB_ASSETS"], !path.isEmpty {
            return Assets(root: URL(fileURLWithPath: path))
        }
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: #filePath).deletingLastPathComponent()]
        for start in starts {
            var folder = start.standardizedFileURL
            while folder.path != "/" {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                    return Assets(root: folder.appendingPathComponent("Assets"))
                }
                folder.deleteLastPathComponent()
            }
        }
        return Assets(root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Assets"))
    }

    /// The path of `relativePath` inside the assets folder, checked to exist.
    public func path(_ relativePath: String) throws -> String {
        let path = root.appendingPathComponent(relativePath).path
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path: path) }
        return path
    }

    /// A sample photo by file name, e.g. "chelsea.png" or "dog.jpg".
    public func photo(_ name: String) throws -> String { try path("photos/\(name)") }

    /// The sample photos shipped by the setup, sorted by name.
    public func photoNames() -> [String] {
        let folder = root.appendingPathComponent("photos").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
