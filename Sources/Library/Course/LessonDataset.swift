// The `--dataset` option of lessons 2 and 3: Fashion-MNIST from its Debian package (the offline default), one of
// the original course's datasets downloaded when there is a network (verified, resumable, unpacked under
// Output/datasets), or the student's own folder with one sub-folder of pictures per class. Whatever the source,
// the lesson gets two small in-memory `PixelDataset`s — training pool and test pictures — so the rest of the
// lesson does not care where the pictures came from.

import ArgumentParser
import Datasets
import Foundation
import Imaging

/// Where a lesson's pictures come from (`--dataset fashion-mnist|cats-vs-dogs|oxford-pets|cifar10|PATH`).
public enum LessonDataset: ExpressibleByArgument, Equatable, Sendable, CustomStringConvertible {
    /// Fashion-MNIST's own training and test files (offline, from the Debian package).
    case fashionMNIST
    /// A dataset of the original course, downloaded when not there yet.
    case download(DatasetDownload)
    /// A folder with one sub-folder of pictures per class.
    case folder(path: String)

    /// The names `--dataset` accepts besides `fashion-mnist` and a folder, and the downloads they stand for.
    public static let downloads = [("cats-vs-dogs", DatasetDownload.catsAndDogs),
                                   ("oxford-pets", DatasetDownload.oxfordPets), ("cifar10", DatasetDownload.cifar10)]

    /// Reads `fashion-mnist`, a download's name, or the path of an existing folder; nil otherwise (the parser then
    /// prints one line naming the choices and exits 2).
    public init?(argument: String) {
        var isFolder: ObjCBool = false
        if argument == "fashion-mnist" {
            self = .fashionMNIST
        } else if let download = Self.downloads.first(where: { $0.0 == argument })?.1 {
            self = .download(download)
        } else if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue {
            self = .folder(path: argument)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .fashionMNIST: return "fashion-mnist"
        case .download(let download): return Self.downloads.first { $0.1 == download }?.0 ?? download.name
        case .folder(let path): return path
        }
    }

    /// The name prose and captions use: "Fashion-MNIST", the download's name, or the folder's last component.
    public var displayName: String {
        switch self {
        case .fashionMNIST: return "Fashion-MNIST"
        case .download: return description
        case .folder(let path): return URL(fileURLWithPath: path).lastPathComponent
        }
    }

    /// The training pool and the test pictures: for Fashion-MNIST its two official files; otherwise
    /// `trainingPerClass + testPerClass` pictures of every class drawn (seeded, stratified) from the dataset,
    /// decoded, center-cropped and resized to `side`×`side` color pictures. `downloads` is where archives go;
    /// `configure` adjusts the downloader (tests point it at a local server).
    ///
    /// - Throws: `LessonDatasetError` when a class has too few pictures, `DatasetError` when the folder or a picture
    ///   cannot be read, `DownloadError` when a download fails.
    public func load(trainingPerClass: Int, testPerClass: Int, side: Int, seed: UInt64,
                     downloads folder: URL = URL(fileURLWithPath: "Output/datasets", isDirectory: true),
                     downloader configure: (inout Downloader) -> Void = { _ in })
        throws -> (training: PixelDataset, test: PixelDataset) {
        let source: any ImageDataset, name: String
        switch self {
        case .fashionMNIST:
            return (try FashionMNIST.load(.training), try FashionMNIST.load(.test))
        case .download(let download):
            let bar = DownloadBar(label: "downloading \(description) (MB)")
            source = try download.load(in: folder) { downloader in
                downloader.onProgress = bar.report
                configure(&downloader)
            }
            bar.finish()
            name = download.name
        case .folder(let path):
            let pictures = try ImageFolder.load(path)
            // The cache key changes with the folder's contents: its files and their class folders.
            name = "folder-" + SHA256.hexDigest(of: Data(pictures.files.joined(separator: "\n").utf8)).prefix(12)
            source = pictures
        }
        let perClass = trainingPerClass + testPerClass
        for (label, count) in source.classCounts.enumerated() where count < perClass {
            throw LessonDatasetError(description: "\(description): class '\(source.classNames[label])' has \(count) "
                                     + "pictures; the lesson needs \(perClass) per class")
        }
        let chosen = balancedSample(labels: source.labels, perClass: perClass, seed: seed)
        let test = balancedSample(labels: source.labels, perClass: testPerClass, from: chosen, seed: seed + 1)
        let training = Array(Set(chosen).subtracting(test)).sorted()
        return (try PixelDataset(converting: source, at: training, side: side, name: "\(name)-train-\(side)px"),
                try PixelDataset(converting: source, at: test, side: side, name: "\(name)-test-\(side)px"))
    }
}

/// The `--dataset` option lessons 2 and 3 declare:
/// `Notebook.start(lesson: 2, title: "Feature extraction", options: DatasetOptions.self)`.
public struct DatasetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("fashion-mnist (offline, the default); cats-vs-dogs, oxford-pets or cifar10 "
                               + "(downloaded when online, checked, resumable); or a folder with one sub-folder of "
                               + "pictures per class.", valueName: "NAME|PATH"))
    public var dataset = LessonDataset.fashionMNIST

    public init() {}
}

/// A dataset that cannot serve the lesson, e.g. a class with too few pictures; one line.
public struct LessonDatasetError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension PixelDataset {
    /// The pictures `indices` of `source`, center-cropped to a square and resized to `side`×`side`, as RGB bytes
    /// in memory, in that order, with their labels and `source`'s class names.
    ///
    /// - Throws: what decoding a picture throws.
    public init(converting source: some ImageDataset, at indices: [Int], side: Int, name: String) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(indices.count * side * side * 3)
        for index in indices {
            let picture = try source.image(at: index).centerCropped().resized(width: side, height: side)
            bytes += picture.pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        }
        self.init(name: name, width: side, height: side, channels: 3, bytes: bytes,
                  labels: indices.map { source.labels[$0] }, classNames: source.classNames)
    }
}
