import Foundation
import Testing

@Suite("lesson-03 runs end to end")
struct Lesson03Tests {
    @Test("--quick climbs the fine-tuning ladder, runs the random-weight controls and writes page, figures and logs")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-03")
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        let number = { (key: String) in report.metrics[key]?.number }
        let frozen = try #require(number("frozen_test_accuracy"))
        let finetuned = try #require(number("finetuned_test_accuracy"))
        #expect(frozen > 0.5 && finetuned > 0.5, "frozen \(frozen), fine-tuned \(finetuned): far above chance (10%)")
        #expect(number("test_images") == 200, "20 official test pictures per class in quick mode")
        #expect(report.metrics["split_sizes"] == .numbers([140, 30]), "70% and 15% of 20 pictures per class")
        for key in ["course_recipe", "last3_head_faster", "whole_network", "whole_network_augmented"] {
            let accuracy = try #require(number("\(key)_test_accuracy"), "\(key)")
            #expect((0...1).contains(accuracy))
        }
        // The best recipe is one of the four fine-tuning runs, picked by validation loss.
        let recipes = ["course_recipe", "last3_head_faster", "whole_network", "whole_network_augmented"]
        #expect(recipes.compactMap { number("\($0)_test_accuracy") }.contains(finetuned))
        if case .numbers(let interval) = report.metrics["finetuned_test_interval"] {
            #expect(interval.count == 2 && interval[0] <= finetuned && finetuned <= interval[1])
        } else {
            Issue.record("finetuned_test_interval is missing")
        }
        for key in ["random_init_frozen_test_accuracy", "random_init_trained_test_accuracy"] {
            #expect(number(key).map { (0...1).contains($0) } == true, "\(key)")
        }
        #expect(report.metrics["batchnorm_statistics_kept"] == .flag(true), "frozen BatchNorm must not drift")
        for figure in ["recipes.png", "fine-tuning-curves.png", "regularization.png", "optimizers-loss.png",
                       "schedules.png"] {
            #expect(report.figures.contains(figure), "missing \(figure) in metrics.json")
        }
        for file in report.figures + ["head-log.csv", "best-head.safetensors", "index.html"] {
            #expect(run.fileExists(file), "missing \(file)")
        }
        let log = try String(contentsOf: run.directory.appendingPathComponent("head-log.csv"), encoding: .utf8)
        #expect(log.hasPrefix("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds\n1,"))
    }

    @Test("--dataset with an unknown name or a missing folder is one line on standard error and exit status 2")
    func badDataset() throws {
        for value in ["mnist-1d", "/no/such/folder"] {
            let run = try LessonRunner.run("lesson-03", ["--quick", "--dataset", value])
            #expect(run.status == 2, "\(value)")
            #expect(run.errors.contains("--dataset") && run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        }
    }
}
