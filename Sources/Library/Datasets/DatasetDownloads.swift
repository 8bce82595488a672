// The datasets of the original course that no package ships. With a network, `DatasetDownload.prepare` fetches
// the archive (resumable, verified), unpacks it with the system's `tar`/`unzip`, and returns a dataset. Sizes and
// SHA-256 sums are the ones TensorFlow Datasets publishes for the same URLs; Microsoft's current Cats-and-Dogs
// archive has no published sum, so its SHA-256 is recorded on the first download (next to the archive, in
// `<archive>.sha256`) and every later download of it must match (trust on first use).

import Foundation

/// A downloadable dataset: its archives and how to read it once unpacked.
public struct DatasetDownload: Sendable, Equatable {
    /// The name used on the command line, e.g. "oxford-pets".
    public let name: String
    /// The archives to fetch.
    public var files: [RemoteFile]
    /// The folder (relative to the unpacked archive root) that marks a finished unpacking.
    public let unpackedMarker: String

    /// Oxford-IIIT Pet: 7,390 photos of 37 cat and dog breeds (Parkhi et al. 2012); about 790 MB.
    public static let oxfordPets = DatasetDownload(
        name: "oxford-pets",
        files: [RemoteFile(url: URL(string: "https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz")!,
                           size: 791_918_971,
                           sha256: "67195c5e1c01f1ab5f9b6a5d22b8c27a580d896ece458917e61d459337fa318d")],
        unpackedMarker: "images")

    /// Microsoft's Cats-and-Dogs (the Asirra set of Kaggle's "Dogs vs. Cats"): about 25,000 photos; 790 MB.
    public static let catsAndDogs = DatasetDownload(
        name: "cats-and-dogs",
        files: [RemoteFile(url: URL(string: "https://download.microsoft.com/download/3/E/1/"
                                    + "3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip")!)],
        unpackedMarker: "PetImages")

    /// CIFAR-10, binary version: 60,000 32×32 color pictures in 10 classes; 170 MB.
    public static let cifar10 = DatasetDownload(
        name: "cifar-10",
        files: [RemoteFile(url: URL(string: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")!,
                           size: 170_052_171,
                           sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")],
        unpackedMarker: "cifar-10-batches-bin")

    /// Files of the Cats-and-Dogs archive that cannot be decoded (found by every course that uses it); the
    /// listing also skips any other file whose first bytes are not a picture.
    public static let knownCorruptCatsAndDogs: Set<String> = ["Cat/666.jpg", "Dog/11702.jpg"]

    /// The known datasets by the name the command line uses (`--dataset oxford-pets`).
    public static let all = [oxfordPets, catsAndDogs, cifar10]

    /// The dataset called `name`, if known.
    public static func named(_ name: String) -> DatasetDownload? { all.first { $0.name == name } }

    /// Downloads (or finds) and unpacks the archives into `folder/<name>` and returns the unpacked root.
    /// - Throws: `DownloadError`, or `DatasetError` when unpacking fails.
    public func prepare(in folder: URL, downloader configure: (inout Downloader) -> Void = { _ in }) throws -> URL {
        let root = folder.appendingPathComponent(name, isDirectory: true)
        let marker = root.appendingPathComponent(unpackedMarker)
        if FileManager.default.fileExists(atPath: marker.path) { return root }
        var downloader = Downloader(directory: root.appendingPathComponent("downloads"))
        configure(&downloader)
        for file in files {
            let archive = try downloader.fetch(file)
            if file.sha256 == nil { try Self.checkRecordedDigest(of: archive) }
            try Self.unpack(archive, into: root)
        }
        guard FileManager.default.fileExists(atPath: marker.path) else {
            throw DatasetError.malformed(path: root.path, reason: "unpacking did not produce \(unpackedMarker)")
        }
        return root
    }

    /// Downloads, unpacks and lists the dataset: CIFAR-10's training split, the 37 Oxford pet breeds, or the two
    /// Cats-and-Dogs folders with corrupt files skipped.
    public func load(in folder: URL, downloader configure: (inout Downloader) -> Void = { _ in })
        throws -> any ImageDataset {
        let root = try prepare(in: folder, downloader: configure)
        let unpacked = root.appendingPathComponent(unpackedMarker).path
        switch name {
        case "cifar-10": return try CIFAR10.load(.training, from: unpacked)
        case "oxford-pets": return try OxfordPets.load(unpacked)
        default: return try ImageFolder.load(unpacked, excluding: Self.knownCorruptCatsAndDogs)
        }
    }

    /// For an archive without a published sum: records its SHA-256 in `<archive>.sha256` the first time, and throws
    /// `DownloadError.checksumMismatch` when a later copy differs from the recorded one.
    static func checkRecordedDigest(of archive: URL) throws {
        let digest = try SHA256.hexDigest(ofFile: archive.path)
        let record = archive.appendingPathExtension("sha256")
        if let recorded = try? String(contentsOf: record, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) {
            guard recorded == digest else {
                try? FileManager.default.removeItem(at: archive)
                throw DownloadError.checksumMismatch(file: archive.lastPathComponent, expected: recorded,
                                                     actual: digest)
            }
        } else {
            try? Data((digest + "\n").utf8).write(to: record, options: .atomic)
            print("\(archive.lastPathComponent): no published SHA-256; recorded \(digest) in "
                  + record.lastPathComponent)
        }
    }

    /// Unpacks a .tar.gz/.tgz with `tar` or a .zip with `unzip`.
    static func unpack(_ archive: URL, into folder: URL) throws {
        let name = archive.lastPathComponent
        let (tool, arguments): (String, [String])
        if name.hasSuffix(".zip") {
            (tool, arguments) = ("unzip", ["-q", "-o", archive.path, "-d", folder.path])
        } else if name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") {
            (tool, arguments) = ("tar", ["-xzf", archive.path, "-C", folder.path])
        } else {
            throw DatasetError.malformed(path: archive.path, reason: "unknown archive type")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DatasetError.unreadable(path: archive.path,
                                          reason: "cannot run \(tool): \(error.localizedDescription)")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = message.split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)"
            throw DatasetError.unreadable(path: archive.path, reason: "\(tool) failed: \(detail) "
                                          + "(is \(tool) installed?)")
        }
    }
}

/// The Oxford-IIIT Pet images folder: files named `<Breed_Name>_<number>.jpg`; cat breeds are capitalized.
public enum OxfordPets {
    /// The dataset of the `images` folder, one class per breed (37), sorted by name.
    public static func load(_ folder: String) throws -> FileImageDataset {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let pictures = names.filter { $0.lowercased().hasSuffix(".jpg") }.sorted()
        func breed(_ name: String) -> String? {
            guard let underscore = name.lastIndex(of: "_") else { return nil }
            return String(name[..<underscore])
        }
        let breeds = Array(Set(pictures.compactMap(breed))).sorted()
        var files: [String] = [], labels: [Int] = []
        var skipped: [(path: String, reason: String)] = []
        for name in pictures {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let breed = breed(name), let label = breeds.firstIndex(of: breed) else { continue }
            if let problem = ImageFolder.problem(with: path) {
                skipped.append((path, problem))
                continue
            }
            files.append(path)
            labels.append(label)
        }
        guard !files.isEmpty else { throw DatasetError.empty(path: folder) }
        return FileImageDataset(classNames: breeds, files: files, labels: labels, skipped: skipped)
    }
}
