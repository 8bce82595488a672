// The most common way to hand a network your own pictures: one folder per class.
//
//     PetImages/Cat/1.jpg  PetImages/Cat/2.jpg …  PetImages/Dog/1.jpg …
//
// Class names are the sorted folder names; pictures are decoded only when asked for.

import Foundation
import Imaging

/// Pictures in files, one label each (the result of `ImageFolder` and the downloaders).
public struct FileImageDataset: ImageDataset, Sendable {
    /// Class names by label.
    public let classNames: [String]
    /// The path of each picture.
    public let files: [String]
    /// The label of each picture.
    public let labels: [Int]
    /// Files that were left out while listing, with the reason (empty, not a picture, known to be corrupt).
    public let skipped: [(path: String, reason: String)]

    /// A dataset of the given files and labels.
    public init(classNames: [String], files: [String], labels: [Int],
                skipped: [(path: String, reason: String)] = []) {
        precondition(files.count == labels.count, "\(files.count) files for \(labels.count) labels")
        self.classNames = classNames
        self.files = files
        self.labels = labels
        self.skipped = skipped
    }

    /// Decodes the picture of example `index`.
    /// - Throws: `ImageError` naming the file when it cannot be decoded.
    public func image(at index: Int) throws -> Image { try Image(contentsOf: files[index]) }
}

/// Lists a folder of class folders as a dataset (torchvision: `ImageFolder`; Keras:
/// `image_dataset_from_directory`).
public enum ImageFolder {
    /// File extensions taken as pictures.
    public static let pictureExtensions: Set<String> = ["jpg", "jpeg", "png", "gif", "bmp", "webp"]

    /// The dataset of `root`: every picture file under `root/<class>/` (sub-folders included), classes sorted
    /// by name, files sorted by path.
    ///
    /// Files that are empty, whose first bytes are not a picture format, or whose path relative to `root` is in
    /// `excluding` are skipped and listed in `skipped` — real datasets contain such files (Microsoft's
    /// Cats-and-Dogs archive ships a zero-byte JPEG and non-JPEG files named .jpg).
    /// - Throws: `DatasetError` when `root` is not a folder or holds no pictures.
    public static func load(_ root: String, excluding: Set<String> = []) throws -> FileImageDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.unreadable(path: root, reason: "it is not a folder")
        }
        let classes = try FileManager.default.contentsOfDirectory(atPath: root).filter { name in
            var isFolder: ObjCBool = false
            let path = (root as NSString).appendingPathComponent(name)
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
        var files: [String] = [], labels: [Int] = []
        var skipped: [(path: String, reason: String)] = []
        for (label, name) in classes.enumerated() {
            let folder = (root as NSString).appendingPathComponent(name)
            let entries = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
            for entry in entries {
                let path = (folder as NSString).appendingPathComponent(entry)
                let relative = (name as NSString).appendingPathComponent(entry)
                guard pictureExtensions.contains((entry as NSString).pathExtension.lowercased()) else {
                    if !isFolder(path) { skipped.append((path, "not a picture file")) }
                    continue
                }
                if excluding.contains(relative) {
                    skipped.append((path, "known to be corrupt"))
                } else if let reason = problem(with: path) {
                    skipped.append((path, reason))
                } else {
                    files.append(path)
                    labels.append(label)
                }
            }
        }
        guard !files.isEmpty else { throw DatasetError.empty(path: root) }
        return FileImageDataset(classNames: classes, files: files, labels: labels, skipped: skipped)
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Why a file cannot be a picture, judged by its first bytes (cheap: no decoding), or nil.
    static func problem(with path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "cannot be opened" }
        defer { try? handle.close() }
        let head = [UInt8](handle.readData(ofLength: 12))
        if head.isEmpty { return "the file is empty" }
        let signatures: [[UInt8]] = [[0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47], Array("GIF8".utf8), Array("BM".utf8)]
        if signatures.contains(where: { head.starts(with: $0) }) { return nil }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return nil
        }
        return "its first bytes are not a known picture format"
    }
}
