// Fashion-MNIST is the default data of the course because a Debian package ships it (so it exists offline):
// 70,000 gray 28×28 photos of clothes in 10 classes, split 60,000 / 10,000, in the IDX format of MNIST.
// IDX: a big-endian magic number whose third byte is the element type (0x08 = unsigned byte) and fourth the
// number of dimensions, then one 32-bit big-endian size per dimension, then the elements.

import CourseAssets
import Foundation

/// The Fashion-MNIST dataset (Xiao, Rasul & Vollgraf 2017) read from its IDX files, gzip-compressed or not.
public enum FashionMNIST {
    /// The ten classes, in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                    "Sneaker", "Bag", "Ankle boot"]

    /// Which of the two fixed splits.
    public enum Split: String, Sendable {
        case training = "train"
        case test = "t10k"
    }

    /// The folder the setup script fills: `Assets/data/fashion-mnist`.
    public static func folder(assets: Assets = .standard) throws -> String {
        try assets.path("data/fashion-mnist")
    }

    /// One split from `folder` (files `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-…`).
    ///
    /// - Throws: `Assets.Failure.missing` when the files are absent (run Scripts/setup), `DatasetError` when
    ///   they are corrupt or disagree.
    public static func load(_ split: Split, from folder: String? = nil) throws -> PixelDataset {
        let folder = try folder ?? Self.folder()
        func file(_ kind: String) throws -> String {
            for name in ["\(split.rawValue)-\(kind)-ubyte.gz", "\(split.rawValue)-\(kind)-ubyte"] {
                let path = (folder as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: path) { return path }
            }
            throw Assets.Failure.missing(path: (folder as NSString).appendingPathComponent(
                "\(split.rawValue)-\(kind)-ubyte.gz"))
        }
        let imagePath = try file("images-idx3"), labelPath = try file("labels-idx1")
        let images = try IDXFile(path: imagePath)
        let labels = try IDXFile(path: labelPath)
        guard images.dimensions.count == 3 else {
            throw DatasetError.malformed(path: imagePath,
                                         reason: "images need 3 dimensions, found \(images.dimensions)")
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw DatasetError.malformed(path: labelPath, reason: "\(labels.dimensions) labels for "
                                         + "\(images.dimensions[0]) images")
        }
        guard let bad = labels.values.first(where: { $0 >= classNames.count }) .map(Int.init) else {
            return PixelDataset(name: "fashion-mnist-\(split.rawValue)", width: images.dimensions[2],
                                height: images.dimensions[1], channels: 1, bytes: images.values,
                                labels: labels.values.map(Int.init), classNames: classNames)
        }
        throw DatasetError.malformed(path: labelPath, reason: "label \(bad) is not one of the 10 classes")
    }
}

/// An IDX file of unsigned bytes (the MNIST family's format).
struct IDXFile {
    let dimensions: [Int]
    let values: [UInt8]

    init(path: String) throws {
        let bytes = try Gzip.contents(of: path)
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError.malformed(path: path, reason: "no IDX magic number")
        }
        guard bytes[2] == 0x08 else {
            throw DatasetError.malformed(path: path, reason: String(format: "element type 0x%02x is not unsigned byte",
                                                                    bytes[2]))
        }
        let rank = Int(bytes[3])
        let header = 4 + 4 * rank
        guard rank > 0, bytes.count >= header else {
            throw DatasetError.malformed(path: path, reason: "the header is truncated")
        }
        dimensions = (0..<rank).map { axis in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * axis + $1]) }
        }
        let expected = dimensions.reduce(1, *)
        guard bytes.count - header == expected else {
            throw DatasetError.malformed(path: path, reason: "the header announces \(expected) values, "
                                         + "the file holds \(bytes.count - header)")
        }
        values = Array(bytes[header...])
    }
}
