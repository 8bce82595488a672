import Engine
import Foundation
import Imaging
import NN
import Testing
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("transferlab-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a command line tool and waits; throws when it fails.
func run(_ arguments: [String], in folder: URL? = nil) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw DatasetError.unreadable(path: arguments[0], reason: "failed") }
}

/// A big-endian IDX file of unsigned bytes.
private func idx(dimensions: [Int], values: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for size in dimensions { bytes += (0..<4).map { UInt8(truncatingIfNeeded: size >> (24 - 8 * $0)) } }
    return bytes + values
}

@Suite("Data")
struct DataTests {
    @Test("SHA-256 matches the FIPS 180-4 examples, in one piece or many")
    func sha256() {
        #expect(SHA256.hexDigest(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var pieces = SHA256()
        for _ in 0..<1000 { pieces.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(pieces.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the real Fashion-MNIST files read as 60,000 + 10,000 labelled 28×28 pictures")
    func realFashionMNIST() throws {
        guard (try? FashionMNIST.folder()) != nil else { return }  // assets not fetched: covered by synthetic tests
        let training = try FashionMNIST.load(.training)
        let test = try FashionMNIST.load(.test)
        #expect(training.count == 60_000 && test.count == 10_000)
        #expect(training.width == 28 && training.height == 28 && training.channels == 1)
        #expect(training.classCounts == Array(repeating: 6000, count: 10))
        #expect(training.labels.prefix(5) == [9, 0, 0, 3, 0])  // ankle boot, T-shirt, T-shirt, dress, T-shirt
        let picture = try training.image(at: 0)
        #expect(picture.width == 28 && picture.pixels.max()! == 1 && picture.pixels.min()! == 0)
    }

    @Test("IDX files are read plain or gzip-compressed, and corrupt ones are named in the error")
    func idxFiles() throws {
        let folder = try temporaryFolder("idx")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pixels = (0..<(3 * 2 * 2)).map { UInt8($0 * 20) }
        let imagesFile = folder.appendingPathComponent("t10k-images-idx3-ubyte")
        let labelsFile = folder.appendingPathComponent("t10k-labels-idx1-ubyte")
        try Data(idx(dimensions: [3, 2, 2], values: pixels)).write(to: imagesFile)
        try Data(idx(dimensions: [3], values: [2, 0, 9])).write(to: labelsFile)
        try run(["gzip", "t10k-images-idx3-ubyte"], in: folder)
        let dataset = try FashionMNIST.load(.test, from: folder.path)
        #expect(dataset.labels == [2, 0, 9] && dataset.bytes == pixels)
        #expect(try dataset.image(at: 1).pixels[0] == Float(80) / 255)
        let native = dataset.nativeTensors(at: [2])
        #expect(native.inputs.shape == [1, 2, 2, 1] && native.labels == [9])
        let upscaled = try dataset.tensors(at: [0, 1], size: 8)
        #expect(upscaled.inputs.shape == [2, 8, 8, 3] && upscaled.labels == [2, 0])

        try Data(idx(dimensions: [3], values: [2, 0, 11])).write(to: labelsFile)
        #expect(throws: DatasetError.self) { try FashionMNIST.load(.test, from: folder.path) }
        try Data(idx(dimensions: [4], values: [1, 2, 3])).write(to: labelsFile)
        do {
            _ = try FashionMNIST.load(.test, from: folder.path)
            Issue.record("a truncated IDX file must be rejected")
        } catch let error as DatasetError {
            #expect(error.description.contains("t10k-labels-idx1-ubyte"))
            #expect(error.description.contains("announces 4 values"))
        }
        // A gzip stream cut in half.
        let gz = folder.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let whole = try Data(contentsOf: gz)
        try whole.prefix(whole.count / 2).write(to: gz)
        #expect(throws: DatasetError.self) { try Gzip.contents(of: gz.path) }
    }

    @Test("CIFAR-10 records become channels-last pictures")
    func cifar() throws {
        let folder = try temporaryFolder("cifar")
        defer { try? FileManager.default.removeItem(at: folder) }
        var record = [UInt8](repeating: 0, count: 3073)
        record[0] = 7                       // horse
        record[1] = 255                     // red of pixel 0
        record[1 + 1024 + 1] = 128          // green of pixel 1
        record[1 + 2048 + 1023] = 64        // blue of the last pixel
        try Data(record + record.map { _ in 0 }).write(to: folder.appendingPathComponent("test_batch.bin"))
        let dataset = try CIFAR10.load(.test, from: folder.path)
        #expect(dataset.labels == [7, 0] && dataset.classNames[7] == "horse")
        #expect(dataset.bytes[0] == 255 && dataset.bytes[3 + 1] == 128 && dataset.bytes[1023 * 3 + 2] == 64)
        try Data(record.dropLast()).write(to: folder.appendingPathComponent("test_batch.bin"))
        #expect(throws: DatasetError.self) { try CIFAR10.load(.test, from: folder.path) }
        #expect(throws: DatasetError.self) { try CIFAR10.load(.training, from: folder.path) }
    }

    @Test("an image folder lists one class per folder and skips empty, fake and known-bad files")
    func imageFolder() throws {
        let root = try temporaryFolder("folder")
        defer { try? FileManager.default.removeItem(at: root) }
        let png = try Image(width: 4, height: 3, red: 1, green: 0.5, blue: 0).pngData()
        for (name, files) in [("Dog", ["1.png", "2.png"]), ("Cat", ["1.png", "666.jpg", "7.jpg"])] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in files { try Data(png).write(to: folder.appendingPathComponent(file)) }
        }
        try Data().write(to: root.appendingPathComponent("Cat/0.jpg"))                    // empty
        try Data("not a picture".utf8).write(to: root.appendingPathComponent("Dog/3.jpg")) // not a picture
        try Data("x".utf8).write(to: root.appendingPathComponent("Dog/Thumbs.db"))         // not a picture file
        let dataset = try ImageFolder.load(root.path, excluding: ["Cat/666.jpg"])
        #expect(dataset.classNames == ["Cat", "Dog"])
        #expect(dataset.labels == [0, 0, 1, 1])
        let names = dataset.files.map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(names == ["1.png", "7.jpg", "1.png", "2.png"])
        #expect(Set(dataset.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent })
                == ["0.jpg", "666.jpg", "3.jpg", "Thumbs.db"])
        #expect(try dataset.image(at: 2).width == 4)
        #expect(try dataset.tensors(size: 6).inputs.shape == [4, 6, 6, 3])
        #expect(throws: DatasetError.self) { try ImageFolder.load(root.appendingPathComponent("Dog/1.png").path) }
    }

    @Test("the stratified split is 70/15/15 in every class, disjoint, complete and seeded")
    func stratifiedSplit() {
        let labels = (0..<300).map { $0 % 3 == 0 ? 0 : ($0 % 3 == 1 ? 1 : 2) } + Array(repeating: 3, count: 20)
        let split = DataSplit(labels: labels, seed: 1)
        for (label, size) in [(0, 100), (1, 100), (2, 100), (3, 20)] {
            let counts = [split.training, split.validation, split.test].map { part in
                part.filter { labels[$0] == label }.count
            }
            let expected = size == 100 ? [70, 15, 15] : [14, 3, 3]
            #expect(counts == expected, "class \(label)")
        }
        let all = split.training + split.validation + split.test
        #expect(all.sorted() == Array(labels.indices))
        #expect(split == DataSplit(labels: labels, seed: 1))
        #expect(split != DataSplit(labels: labels, seed: 2))
    }

    @Test("balanced samples take k per class, and smaller samples are inside larger ones")
    func balanced() {
        let labels = (0..<100).map { $0 % 4 }
        let ten = balancedSample(labels: labels, perClass: 10, seed: 3)
        let five = balancedSample(labels: labels, perClass: 5, seed: 3)
        #expect(ten.count == 40 && five.count == 20)
        #expect(Set(five).isSubset(of: Set(ten)))
        #expect((0..<4).allSatisfy { label in ten.filter { labels[$0] == label }.count == 10 })
        let restricted = balancedSample(labels: labels, perClass: 50, from: Array(0..<8), seed: 3)
        #expect(restricted == Array(0..<8))
    }

    @Test("the feature cache computes once and reuses the file for the same key only")
    func featureCache() throws {
        let folder = try temporaryFolder("cache")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = FeatureCache(directory: folder)
        let key = FeatureCache.Key(dataset: "toy", model: "m", inputSize: 32, indices: [4, 2, 9])
        var computed = 0
        func compute() -> Tensor {
            computed += 1
            return Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        }
        let first = try cache.tensor(for: key, compute: compute)
        let second = try cache.tensor(for: key, compute: compute)
        #expect(!first.wasCached && second.wasCached && computed == 1)
        #expect(second.tensor == first.tensor)
        var other = key
        other.indices = [4, 2, 8]
        #expect(other.fileName != key.fileName)
        #expect(try !cache.tensor(for: other, compute: compute).wasCached)
        other.inputSize = 64
        #expect(try !cache.tensor(for: other, compute: compute).wasCached && computed == 3)
        try cache.clear()
        #expect(try !cache.tensor(for: key, compute: compute).wasCached)
    }

    @Test("cosine similarity and PCA recover the structure of known embeddings")
    func embeddings() {
        let vectors = Tensor(shape: [3, 2], scalars: [1, 0, 2, 0, 1, 1])
        let similarities = Embeddings.cosineSimilarities(vectors)
        #expect(abs(similarities[0][1] - 1) < 1e-6 && abs(similarities[0][2] - Float(0.5).squareRoot()) < 1e-6)
        #expect(Embeddings.neighbors(in: similarities)[0].first == 1)

        // 200 points spread along (1, 2, 2)/3 (σ = 3) with a little noise (σ = 0.1) around the line.
        var generator = SeededGenerator(seed: 4)
        var values: [Float] = []
        for _ in 0..<200 {
            let t = generator.nextNormal(standardDeviation: 3)
            values += [t / 3, 2 * t / 3, 2 * t / 3].map { $0 + generator.nextNormal(standardDeviation: 0.1) }
        }
        let (coordinates, explained) = Embeddings.principalComponents(Tensor(shape: [200, 3], scalars: values))
        #expect(explained[0] > 0.99 && explained[1] < 0.01 && explained[1] > 0)
        // The first coordinate is the centered position along the line (up to sign): |(x₀ − mean)·(1,2,2)/3|.
        let mean = (0..<3).map { axis in stride(from: axis, to: 600, by: 3).reduce(0) { $0 + values[$1] } / 200 }
        let along = abs((values[0] - mean[0]) / 3 + 2 * (values[1] - mean[1]) / 3 + 2 * (values[2] - mean[2]) / 3)
        #expect(abs(abs(coordinates[0][0]) - along) < 0.1)
    }
}
