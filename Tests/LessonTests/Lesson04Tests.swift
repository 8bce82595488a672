// Lesson 4 run as a student runs it (with --quick): every augmentation figure is written, the three training runs
// finish, and augmentation narrows the train/validation gap.

import Foundation
import Notebook
import Testing

@Suite("lesson-04: data augmentation")
struct Lesson04Tests {
    @Test("--quick runs, writes every figure, and augmentation narrows the train/validation gap")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-04")
        #expect(run.status == 0, "stderr: \(run.errors)")
        let report = try run.metrics()
        let metric = { (name: String) in report.metrics[name]?.number ?? .nan }
        for figure in ["augmentations.png", "pipeline-variants.png", "fashion-samples.png", "curves-side-by-side.png",
                       "validation-loss.png"] {
            #expect(run.fileExists(figure) && report.figures.contains(figure), "\(figure)")
        }
        let (baselineGap, augmentedGap) = (metric("baseline_gap"), metric("augmented_gap"))
        #expect(baselineGap > augmentedGap, "gaps: \(baselineGap) without, \(augmentedGap) with augmentation")
        #expect(metric("baseline_train_accuracy") > metric("baseline_validation_accuracy"))
        // Ten classes: chance is 10%; even the short run must learn something.
        for key in ["baseline", "augmented", "mixup"] { #expect(metric("\(key)_validation_accuracy") > 0.4) }
        guard case .numbers(let curve) = report.metrics["augmented_validation_accuracy_per_epoch"] else {
            Issue.record("augmented_validation_accuracy_per_epoch is missing")
            return
        }
        #expect(curve.count == Int(metric("epochs")))
        // The model and the training function are listings; MixUp reaches the Trainer as soft targets.
        let page = try String(contentsOf: run.directory.appendingPathComponent("index.html"), encoding: .utf8)
        let text = page.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        for shown in ["func smallCNN()", "trainer.batchTransform = transform", "targets: mixed.labels"] {
            #expect(text.contains(shown), "the page shows \(shown)")
        }
    }
}
