// `lab train` and `lab classify --weights` as a user runs them: a folder of real photos (Fashion-MNIST pictures
// written as PNG files, classes the pretrained network was never trained on), the built binary, its exit status,
// its output and its one-line errors.

import Foundation
import Imaging
import Testing
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

/// A folder `root/<class>/<n>.png` of Fashion-MNIST pictures: `perClass` of each class in `classes`, taken from
/// `split` starting at the `offset`-th picture of each class.
private func writePhotoFolder(_ root: URL, classes: [Int], perClass: Int, split: FashionMNIST.Split,
                              offset: Int = 0) throws -> [(path: String, label: String)] {
    let data = try FashionMNIST.load(split, from: LessonRunner.packageRoot.appendingPathComponent(
        "Assets/data/fashion-mnist").path)
    var written: [(String, String)] = []
    for label in classes {
        let name = FashionMNIST.classNames[label].replacingOccurrences(of: "/", with: "-")
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let members = data.labels.indices.filter { data.labels[$0] == label }.dropFirst(offset).prefix(perClass)
        for index in members {
            let path = folder.appendingPathComponent("\(index).png").path
            try data.image(at: index).write(toPNG: path)
            written.append((path, name))
        }
    }
    return written
}

private func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("lab-train-\(UUID().uuidString)")
}

@Suite("lab train and lab classify --weights", .serialized)
struct LabTrainTests {
    @Test("4 unseen classes, 30 pictures each: ≥ 85% of held-back pictures right through classify --weights")
    func trainsAndClassifies() throws {
        let root = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let classes = [1, 3, 7, 8]    // Trouser, Dress, Sneaker, Bag
        _ = try writePhotoFolder(root.appendingPathComponent("photos"), classes: classes, perClass: 30, split: .training)
        let heldBack = try writePhotoFolder(root.appendingPathComponent("held-back"), classes: classes, perClass: 10,
                                            split: .test)
        let model = root.appendingPathComponent("model.safetensors").path
        let train = try LabRunner.run(["train", root.appendingPathComponent("photos").path, "--output", model])
        #expect(train.status == 0, "\(train.errors)")
        #expect(train.output.contains("test accuracy"))
        #expect(FileManager.default.fileExists(atPath: model))
        let report = root.appendingPathComponent("model-report")
        for file in ["index.html", "curves.png", "confusion.png", "metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(file).path), "\(file)")
        }
        let classify = try LabRunner.run(["classify", "--weights", model, "--top", "1", "--json"] + heldBack.map(\.path))
        #expect(classify.status == 0, "\(classify.errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(classify.output.utf8)) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == heldBack.count)
        let right = zip(results, heldBack).filter { result, truth in
            ((result["top"] as? [[String: Any]])?.first?["label"] as? String) == truth.label
        }.count
        let accuracy = Double(right) / Double(heldBack.count)
        #expect(accuracy >= 0.85, "\(right) of \(heldBack.count) held-back pictures right")
    }

    @Test("non-pictures and truncated pictures are skipped and listed; training goes on")
    func skipsBadFiles() throws {
        let root = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let photos = root.appendingPathComponent("photos")
        let written = try writePhotoFolder(photos, classes: [1, 8], perClass: 6, split: .training)
        try Data("not a picture".utf8).write(to: photos.appendingPathComponent("Trouser/notes.txt"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: written[0].path))
        try bytes.prefix(bytes.count / 2).write(to: photos.appendingPathComponent("Trouser/truncated.png"))
        let model = root.appendingPathComponent("m.safetensors").path
        let run = try LabRunner.run(["train", photos.path, "--output", model, "--epochs", "1"])
        #expect(run.status == 0, "\(run.errors)")
        let warnings = run.errors.split(separator: "\n")
        #expect(warnings.count == 2, "\(run.errors)")
        #expect(warnings.contains { $0.contains("notes.txt") } && warnings.contains { $0.contains("truncated.png") })
        #expect(!run.errors.contains("Fatal error"))
    }

    @Test("a missing folder, an empty one, a single class and a class too small: one line, exit 1")
    func badFolders() throws {
        let root = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        _ = try writePhotoFolder(root.appendingPathComponent("single"), classes: [1], perClass: 4, split: .training)
        _ = try writePhotoFolder(root.appendingPathComponent("small"), classes: [1], perClass: 4, split: .training)
        _ = try writePhotoFolder(root.appendingPathComponent("small"), classes: [8], perClass: 2, split: .training)
        let cases: [(String, String)] = [("no-such-folder", "not a folder"), ("empty", "no labelled images"),
                                         ("single", "one class only"), ("small", "class 'Bag' has 2 readable pictures")]
        for (name, message) in cases {
            let run = try LabRunner.run(["train", root.appendingPathComponent(name).path,
                                         "--output", root.appendingPathComponent("\(name).safetensors").path])
            #expect(run.status == 1, "\(name): \(run.errors)")
            #expect(run.errors.split(separator: "\n").count == 1 && run.errors.contains(message), "\(name): \(run.errors)")
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("\(name).safetensors").path))
        }
        let usage = try LabRunner.run(["train", root.path, "--fine-tune-blocks", "17"])
        #expect(usage.status == 2 && usage.errors.split(separator: "\n").count == 1, "\(usage.errors)")
    }
}
