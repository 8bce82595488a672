// CIFAR-10's binary version: each record is 1 label byte followed by 3,072 pixel bytes — the 1,024 red values of
// the 32×32 picture row by row, then the green, then the blue. Five training files of 10,000 records and one
// test file; `batches.meta.txt` lists the class names one per line.

import Foundation

/// The CIFAR-10 dataset (Krizhevsky 2009) from the folder `cifar-10-batches-bin` of its binary archive.
public enum CIFAR10 {
    /// The ten classes, in label order (as in `batches.meta.txt`).
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                                    "truck"]
    static let side = 32
    static let recordSize = 1 + 3 * 32 * 32

    /// Which split.
    public enum Split: Sendable {
        case training, test

        var fileNames: [String] {
            switch self {
            case .training: return (1...5).map { "data_batch_\($0).bin" }
            case .test: return ["test_batch.bin"]
            }
        }
    }

    /// One split from `folder` (the extracted `cifar-10-batches-bin`). A training folder may hold fewer than
    /// five batch files (e.g. a sample); the ones present are read in order.
    /// - Throws: `DatasetError` for missing files, a size that is not a whole number of records, or a label
    ///   outside 0…9.
    public static func load(_ split: Split, from folder: String) throws -> PixelDataset {
        let paths = split.fileNames.map { (folder as NSString).appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        guard !paths.isEmpty else {
            throw DatasetError.unreadable(path: (folder as NSString).appendingPathComponent(split.fileNames[0]),
                                          reason: "the file does not exist (download CIFAR-10 first)")
        }
        var bytes: [UInt8] = [], labels: [Int] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DatasetError.unreadable(path: path, reason: "the file cannot be read")
            }
            let records = [UInt8](data)
            guard !records.isEmpty, records.count % recordSize == 0 else {
                throw DatasetError.malformed(path: path, reason: "\(records.count) bytes is not a whole number "
                                             + "of \(recordSize)-byte records")
            }
            bytes.reserveCapacity(bytes.count + records.count)
            for start in stride(from: 0, to: records.count, by: recordSize) {
                let label = Int(records[start])
                guard label < classNames.count else {
                    throw DatasetError.malformed(path: path, reason: "record \(start / recordSize) has label \(label)")
                }
                labels.append(label)
                // Planes (all red, all green, all blue) → interleaved RGB, channels last.
                let plane = side * side
                for p in 0..<plane {
                    for c in 0..<3 { bytes.append(records[start + 1 + c * plane + p]) }
                }
            }
        }
        return PixelDataset(name: "cifar10-\(split == .training ? "train" : "test")", width: side, height: side,
                            channels: 3, bytes: bytes, labels: labels, classNames: classNames)
    }
}
