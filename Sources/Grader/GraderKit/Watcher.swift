import Foundation
import GraderChecks

/// The modification times and sizes of the files under a directory, to notice edits by polling.
/// Polling (once a second) rather than file events, because events fail on some file systems
/// (network mounts, containers, editors that replace files) — rustlings learned this the hard way.
public struct FileSnapshot: Equatable, Sendable {
    public struct Stamp: Equatable, Sendable {
        var modified: Date
        var size: Int
    }

    /// Relative path → stamp, for every .swift and .json file below the directory.
    public var stamps: [String: Stamp]

    /// Takes a snapshot of `directory` (missing directory: empty snapshot).
    public static func take(of directory: URL) -> FileSnapshot {
        var stamps: [String: Stamp] = [:]
        let root = directory.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(
            at: directory,
            includingPropertiesForKeys: [
                .contentModificationDateKey, .fileSizeKey, .isRegularFileKey,
            ])
        while let url = enumerator?.nextObject() as? URL {
            guard ["swift", "json"].contains(url.pathExtension),
                let values = try? url.resourceValues(forKeys: [
                    .contentModificationDateKey, .fileSizeKey, .isRegularFileKey,
                ]),
                values.isRegularFile == true
            else { continue }
            var path = url.standardizedFileURL.path
            if path.hasPrefix(root + "/") { path.removeFirst(root.count + 1) }
            stamps[path] = Stamp(modified: values.contentModificationDate ?? .distantPast, size: values.fileSize ?? 0)
        }
        return FileSnapshot(stamps: stamps)
    }

    /// Files added, removed or changed since `earlier`, sorted.
    public func changes(since earlier: FileSnapshot) -> [String] {
        Set(stamps.keys).union(earlier.stamps.keys).filter { stamps[$0] != earlier.stamps[$0] }.sorted()
    }
}

/// The lessons to grade again after `files` (relative to Exercises/) changed: a file under lesson-NN
/// affects lesson NN; anything else (Support/, hints.json) affects every lesson in `candidates`.
public func lessonsAffected(by files: [String], among candidates: [Int]) -> [Int] {
    var affected = Set<Int>()
    for file in files {
        if let lesson = Catalog.lessons.first(where: { file.hasPrefix($0.name + "/") }) {
            affected.insert(lesson.number)
        } else if file.hasSuffix(".swift") {
            affected.formUnion(candidates)
        }
    }
    return candidates.filter(affected.contains)
}
