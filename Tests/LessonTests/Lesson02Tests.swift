import Foundation
import Imaging
import Testing

/// `root/<class>/<n>.png`: `perClass` noisy 32×32 pictures of each of three easy classes (a disc, stripes, a square).
private func writeShapeFolder(_ root: URL, perClass: Int) throws {
    var generator = SystemRandomNumberGenerator()
    for (label, name) in ["disc", "stripes", "square"].enumerated() {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for n in 0..<perClass {
            let shift = Int.random(in: -4...4, using: &generator)
            let pixels = (0..<(32 * 32)).flatMap { index -> [Float] in
                let (y, x) = (index / 32, index % 32)
                let inside = [(x - 16 - shift) * (x - 16 - shift) + (y - 16) * (y - 16) < 60,
                              ((x + shift + 8) / 3) % 2 == 0, abs(x - 16) < 6 && abs(y - 16 - shift) < 6][label]
                let value = (inside ? 0.7 : 0.1) + Float.random(in: 0..<0.2, using: &generator)
                return [value, value, value]
            }
            let path = folder.appendingPathComponent("\(n).png").path
            try Image(width: 32, height: 32, pixels: pixels).write(toPNG: path)
        }
    }
}

@Suite("lesson-02 runs end to end")
struct Lesson02Tests {
    @Test("--quick writes the page and figures, transfer beats both scratch models, three backbones are compared")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-02")
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        let number = { (key: String) in report.metrics[key]?.number }
        let transfer = try #require(number("transfer_test_accuracy"))
        let scratch = try #require(number("scratch_test_accuracy"))
        let mlp = try #require(number("mlp_test_accuracy"))
        #expect(transfer > scratch + 0.03, "transfer \(transfer) vs scratch CNN \(scratch)")
        #expect(transfer > mlp, "transfer \(transfer) vs MLP \(mlp)")
        #expect(transfer > 0.5, "a linear head on Lite0 features should be far above chance (10%)")
        #expect(number("chance_accuracy") == 0.1, "ten classes")
        #expect(report.metrics["test_nearest_neighbor_agreement"]?.number ?? 0 > 0.5)
        // The backbones: parameters counted from the built models, a time measured, an accuracy above chance.
        let parameters = ["lite0", "lite1", "lite2"].compactMap { number("backbone_\($0)_parameters") }
        #expect(parameters == [4_652_008, 5_416_680, 6_092_072], "\(parameters)")
        for backbone in ["lite0", "lite1", "lite2"] {
            let accuracy = try #require(number("backbone_\(backbone)_test_accuracy"), "\(backbone)")
            let milliseconds = try #require(number("backbone_\(backbone)_ms_per_picture"), "\(backbone)")
            #expect(accuracy > 0.3 && accuracy <= 1, "\(backbone): \(accuracy)")
            #expect(milliseconds > 0 && milliseconds.isFinite, "\(backbone): \(milliseconds) ms")
        }
        if case .numbers(let byCount) = report.metrics["mlp_accuracy_by_count"] {
            #expect(byCount.count == 2 && byCount.last == mlp, "one MLP per training-set size; headline last")
        } else {
            Issue.record("mlp_accuracy_by_count is missing")
        }
        for figure in ["feature-maps-stem.png", "feature-maps-head.png", "photo-similarity.png", "embeddings-pca.png",
                       "loss-curves.png", "confusion-matrix.png", "accuracy-vs-data.png", "backbones.png"] {
            #expect(report.figures.contains(figure), "missing \(figure) in metrics.json")
        }
        for figure in report.figures { #expect(run.fileExists(figure), "missing \(figure)") }
        let page = try String(contentsOf: run.directory.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(page.contains("cachedFeatures") && page.contains("scratchMLP"), "the page shows the code it ran")
    }

    @Test("--dataset PATH runs the lesson on a folder of pictures with one sub-folder per class")
    func folderDataset() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-02-folder-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try writeShapeFolder(root, perClass: 30)    // --quick needs 5 + 5 training and 20 test pictures per class
        let run = try LessonRunner.run("lesson-02", ["--quick", "--dataset", root.path])
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        #expect(report.metrics["dataset"] == .text(root.path))
        #expect(report.metrics["chance_accuracy"]?.number.map { abs($0 - 1.0 / 3) < 1e-9 } == true, "three classes")
        #expect(report.metrics["test_images"]?.number == 60, "20 test pictures of each of the three classes")
        #expect(report.metrics["transfer_test_accuracy"]?.number ?? 0 > 0.6, "easy shapes, far above chance (33%)")
    }

    @Test("a bad --dataset, or a folder whose classes are too small, is one line on standard error")
    func badDatasets() throws {
        let unknown = try LessonRunner.run("lesson-02", ["--quick", "--dataset", "imagenet-21k"])
        #expect(unknown.status == 2)
        #expect(unknown.errors.contains("--dataset") && unknown.errors.split(separator: "\n").count == 1,
                "\(unknown.errors)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-02-small-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try writeShapeFolder(root, perClass: 4)
        let small = try LessonRunner.run("lesson-02", ["--quick", "--dataset", root.path])
        #expect(small.status == 1)
        #expect(small.errors.contains("has 4 pictures; the lesson needs 30 per class"), "\(small.errors)")
    }
}
