// Lesson 7 run as a student runs it (with --quick): every technique's number must be written and sane, and every
// figure must exist. The quick run trains on 5 pictures per class for a few epochs, so accuracies are only
// checked to be probabilities; the exact identities (gradient accumulation) and ratios are checked for real.

import Foundation
import Notebook
import Testing

@Suite("lesson-07: advanced techniques")
struct Lesson07Tests {
    @Test("--quick runs and writes every metric and figure the lesson reports")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-07")
        #expect(run.status == 0, "stderr: \(run.errors)")
        let report = try run.metrics()
        func number(_ name: String) -> Double {
            guard let value = report.metrics[name]?.number else {
                Issue.record("\(name) missing: \(report.metrics.keys.sorted())")
                return .nan
            }
            return value
        }
        for name in ["plain_cnn_test_accuracy", "resnet_test_accuracy", "resnet_no_batchnorm_test_accuracy",
                     "teacher_test_accuracy", "student_hard_accuracy", "student_distilled_accuracy",
                     "swa_test_accuracy", "last_test_accuracy", "best_test_accuracy", "two_input_class_accuracy",
                     "overfit_batch_accuracy"] {
            #expect((0...1).contains(number(name)), "\(name) = \(number(name))")
        }
        // The two networks compared have the same parameter budget (within 10%).
        #expect(Swift.abs(number("resnet_parameters") / number("plain_cnn_parameters") - 1) < 0.1)
        // The student is at least 10× smaller than the teacher. Its speed is reported (time_ratio) but not asserted:
        // a wall-clock ratio on a loaded 2-core machine is not a test.
        #expect(number("parameter_ratio") >= 10)
        #expect(number("time_ratio") > 0)
        // Accumulated gradients equal the large batch's to float tolerance.
        #expect(number("accumulation_gradient_difference") < 1e-5)
        // float16 keeps the logits closer than truncated bfloat16; both errors are real, not zero.
        #expect(number("float16_logit_error") > 0 && number("float16_logit_error") < number("bfloat16_logit_error"))
        for name in ["tta_gain", "flip_tta_gain", "ensemble_gain"] { #expect(Swift.abs(number(name)) <= 1) }
        for figure in ["training-loss.png", "validation-accuracy.png", "distillation-temperature.png",
                       "gradient-norms.png"] {
            #expect(run.fileExists(figure) && report.figures.contains(figure), "\(figure)")
        }
        #expect(run.fileExists("index.html"))
        // What the lesson teaches is on the page: the split, the listed models, and the cells that train them.
        let page = try String(contentsOf: run.directory.appendingPathComponent("index.html"), encoding: .utf8)
        let text = page.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        for shown in ["balancedSample(labels: training.labels", "func residualBlock(", "func miniResNet(",
                      "struct TrainedNetwork", "recomputeBatchNormStatistics(of: model", "distillationLoss(studentLogits:",
                      "accumulating.accumulationSteps = 4", "book.figure(BarChart("] {
            #expect(text.contains(shown), "the page shows \(shown)")
        }
    }
}
