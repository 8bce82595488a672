// A dataset here is a list of labelled pictures. Labels are known up front (from folder names or a label file)
// so splits and few-shot samples can be chosen without decoding a single picture; pictures are decoded only when
// a tensor is built from them.

import Models
import Engine
import Foundation
import Imaging
import NN

/// Why a dataset cannot be read; `description` is one line naming the file and the reason.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case empty(path: String)

    /// One line naming the file and the reason.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .malformed(let path, let reason): return "\(path) is not a valid dataset file: \(reason)"
        case .empty(let path): return "\(path) holds no labelled images"
        }
    }
}

/// Labelled pictures, decoded on demand (PyTorch: a map-style `Dataset` returning `(image, label)`).
public protocol ImageDataset {
    /// The class names, indexed by label.
    var classNames: [String] { get }
    /// The label of every example, in order.
    var labels: [Int] { get }
    /// The picture of example `index` (RGB; gray pictures are copied to three channels).
    func image(at index: Int) throws -> Image
}

extension ImageDataset {
    /// The number of examples.
    public var count: Int { labels.count }

    /// The number of examples of each class, indexed by label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The examples at `indices` as a dataset of their own.
    public func subset(_ indices: [Int]) -> DatasetSubset<Self> { DatasetSubset(base: self, indices: indices) }

    /// The examples at `indices` (all when nil), each framed to `size`×`size` the way `preprocessing` frames
    /// photos, stacked as `[N, size, size, 3]` pixels in [0, 1] with their labels.
    public func tensors(at indices: [Int]? = nil, size: Int,
                        framing: Preprocessing.Framing = .centerSquareThenResize) throws -> TensorDataset {
        let chosen = indices ?? Array(0..<count)
        let preprocessing = Preprocessing(inputSize: size, framing: framing, normalization: .centeredOn127)
        var values: [Float] = []
        values.reserveCapacity(chosen.count * size * size * 3)
        for index in chosen { values += preprocessing.framed(try image(at: index)).pixels }
        return TensorDataset(inputs: Tensor(shape: [chosen.count, size, size, 3], scalars: values),
                             labels: chosen.map { labels[$0] })
    }
}

/// Some examples of another dataset, in a given order (PyTorch: `Subset`).
public struct DatasetSubset<Base: ImageDataset>: ImageDataset {
    /// The dataset the examples come from.
    public let base: Base
    /// Positions in `base`.
    public let indices: [Int]

    /// The base dataset's classes.
    public var classNames: [String] { base.classNames }
    /// The labels of the chosen examples, in order.
    public var labels: [Int] { indices.map { base.labels[$0] } }
    /// The picture of the `index`-th chosen example.
    public func image(at index: Int) throws -> Image { try base.image(at: indices[index]) }
}

/// Small pictures held in memory as bytes, e.g. Fashion-MNIST (28×28 gray) or CIFAR-10 (32×32 color).
///
/// Concretely: `bytes` holds `count × height × width × channels` values 0…255, channels last.
public struct PixelDataset: ImageDataset, Sendable {
    /// A name for caches and messages, e.g. "fashion-mnist-train".
    public let name: String
    /// Picture width in pixels.
    public let width: Int
    /// Picture height in pixels.
    public let height: Int
    /// 1 (gray) or 3 (RGB).
    public let channels: Int
    /// The pixel bytes, picture after picture.
    public let bytes: [UInt8]
    /// The label of each picture.
    public let labels: [Int]
    /// Class names by label.
    public let classNames: [String]

    /// A dataset over `bytes`; the sizes must agree.
    public init(name: String, width: Int, height: Int, channels: Int, bytes: [UInt8], labels: [Int],
                classNames: [String]) {
        precondition(channels == 1 || channels == 3, "pictures have 1 or 3 channels, got \(channels)")
        precondition(bytes.count == labels.count * width * height * channels,
                     "\(bytes.count) bytes for \(labels.count) pictures of \(width)×\(height)×\(channels)")
        precondition(labels.allSatisfy { (0..<classNames.count).contains($0) }, "a label is outside the classes")
        self.name = name
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = bytes
        self.labels = labels
        self.classNames = classNames
    }

    /// Picture `index` as RGB in [0, 1] (gray copied to the three channels).
    public func image(at index: Int) throws -> Image {
        let size = width * height * channels
        let start = index * size
        var pixels = [Float](repeating: 0, count: width * height * 3)
        bytes.withUnsafeBufferPointer { source in
            for p in 0..<(width * height) {
                for c in 0..<3 {
                    pixels[p * 3 + c] = Float(source[start + p * channels + (channels == 1 ? 0 : c)]) / 255
                }
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }

    /// The examples at `indices` (all when nil) at their own size and channel count, `[N, height, width,
    /// channels]` in [0, 1] — what a small network trained from scratch reads.
    public func nativeTensors(at indices: [Int]? = nil) -> TensorDataset {
        let chosen = indices ?? Array(0..<count)
        let size = width * height * channels
        var values = [Float](repeating: 0, count: chosen.count * size)
        values.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { source in
                for (row, index) in chosen.enumerated() {
                    for k in 0..<size { out[row * size + k] = Float(source[index * size + k]) / 255 }
                }
            }
        }
        return TensorDataset(inputs: Tensor(shape: [chosen.count, height, width, channels], scalars: values),
                             labels: chosen.map { labels[$0] })
    }
}
