import Foundation
import Testing

@Suite("lesson-03 runs end to end")
struct Lesson03Tests {
    @Test("--quick fine-tunes, writes the page, figures, logs, checkpoints and both accuracies")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-03")
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        let frozen = try #require(report.metrics["frozen_test_accuracy"]?.number)
        let finetuned = try #require(report.metrics["finetuned_test_accuracy"]?.number)
        #expect(frozen > 0.5 && finetuned > 0.5, "frozen \(frozen), fine-tuned \(finetuned): far above chance (10%)")
        #expect(report.metrics["batchnorm_statistics_kept"] == .flag(true), "frozen BatchNorm must not drift")
        #expect(report.metrics["split_sizes"] == .numbers([140, 30, 30]), "a 70/15/15 split of 20 per class")
        for figure in ["phases-accuracy.png", "fine-tuning-rates.png", "regularisation.png", "optimizers-loss.png",
                       "optimizers-accuracy.png", "schedules.png"] {
            #expect(report.figures.contains(figure), "missing \(figure) in metrics.json")
        }
        for file in report.figures + ["head-log.csv", "fine-tuning-log.csv", "best-head.safetensors",
                                      "best-tail.safetensors"] {
            #expect(run.fileExists(file), "missing \(file)")
        }
        let log = try String(contentsOf: run.directory.appendingPathComponent("fine-tuning-log.csv"), encoding: .utf8)
        #expect(log.hasPrefix("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,"))
    }
}
