import Engine
import Foundation
import Imaging
import NN
import Notebook
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

/// The HTML page `lab train` writes beside the model: the data, the curves of both phases, the confusion matrix
/// and the misclassified test pictures. It is assembled in a temporary folder and moved into place at the end, so
/// an interrupted run never leaves half a report.
struct TrainingReport {
    let folder: String
    let photos: PhotoFolder
    let outcome: FolderTraining.Outcome
    let output: String

    func write(to destination: String) throws {
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("lab-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        var options = NotebookOptions()
        options.outputRoot = staging.path
        let page = Notebook(name: "report", lesson: nil, title: "lab train \(folder)", options: options,
                            echoing: false)
        fill(page)
        page.finish()
        let target = URL(fileURLWithPath: destination)
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: staging.appendingPathComponent("report"), to: target)
    }

    private func fill(_ page: Notebook) {
        let split = outcome.split, labels = photos.pixels.labels, classes = photos.classNames
        let counts = { (part: [Int]) in classes.indices.map { label in part.filter { labels[$0] == label }.count } }
        let (training, validation, test) = (counts(split.training), counts(split.validation), counts(split.test))
        page.prose("""
            \(photos.pixels.count) pictures of \(classes.count) classes from `\(folder)`, split per class into \
            \(split.training.count) for training, \(split.validation.count) for validation and \(split.test.count) \
            held back for the test. The model was written to `\(output)` with its class names.
            """)
        page.table(headers: ["class", "pictures", "training", "validation", "test"],
                   rows: classes.indices.map { [classes[$0], String(photos.classCounts[$0]), String(training[$0]),
                                                String(validation[$0]), String(test[$0])] })
        if !photos.skipped.isEmpty {
            page.table(headers: ["skipped file", "reason"], rows: photos.skipped.map { [$0.path, $0.reason] },
                       caption: "Files that were not used")
        }
        let head = outcome.headHistory, fine = outcome.fineTuningHistory
        let curve = { (metric: TrainingMetric) in head.values(of: metric) + fine.values(of: metric) }
        page.figure(LinePlot(title: "Loss while training", xLabel: "epoch", yLabel: "loss",
                             series: [LineSeries(name: "training", values: curve(.loss)),
                                      LineSeries(name: "validation", values: curve(.validationLoss), dashed: true)],
                             markers: fine.epochs.isEmpty ? [] : [VerticalMarker(x: Double(head.epochs.count) + 0.5,
                                                                                 label: "fine-tuning starts")]),
                    name: "curves", caption: "The new head on the frozen network, then fine-tuning"
                        + (outcome.keptFineTuning ? "." : " (not kept: it did not lower the validation loss)."))
        let evaluation = outcome.test
        page.figure(Heatmap(title: "Test pictures: true class (rows) against prediction",
                            values: evaluation.confusionMatrix(classCount: classes.count).map { $0.map(Double.init) },
                            rowLabels: classes, columnLabels: classes, xLabel: "predicted", yLabel: "true",
                            valueFormat: .fixed(decimals: 0)),
                    name: "confusion", caption: "Accuracy \(evaluation.accuracy.formatted(.percent(1))) on "
                        + "\(split.test.count) held-back pictures.")
        let wrong = split.test.indices.filter { evaluation.predictions[$0] != evaluation.labels[$0] }.prefix(24)
        if wrong.isEmpty {
            page.prose("Every held-back picture was classified correctly.")
        } else {
            page.figure(ImageGrid(title: "Misclassified test pictures",
                                  images: wrong.map { Image(photos.pixels.inputs, index: split.test[$0]) },
                                  captions: wrong.map { "\(classes[evaluation.labels[$0]]) → "
                                      + classes[evaluation.predictions[$0]] },
                                  columns: 6, cellWidth: 120),
                        name: "misclassified", caption: "True class → predicted class.")
        }
        page.metric("test_accuracy", evaluation.accuracy)
        page.metric("test_pictures", split.test.count)
        page.metric("fine_tuning_kept", outcome.keptFineTuning)
    }
}
