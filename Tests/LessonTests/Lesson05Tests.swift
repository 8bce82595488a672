// Lesson 5 run as a student runs it (with --quick): it must finish, write its figures and report an ideal cat the
// network believes in and an adversarial dog that still fools it after the PNG round trip.

import Foundation
import Imaging
import Notebook
import Testing

@Suite("lesson-05: the adversarial cat")
struct Lesson05Tests {
    @Test("--quick runs, reaches p ≥ 0.9 for the ideal cat, and the saved adversarial PNG is a Siamese cat")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-05")
        #expect(run.status == 0, "stderr: \(run.errors)")
        let report = try run.metrics()
        #expect(report.quick)
        let metric = { (name: String) in report.metrics[name]?.number ?? .nan }
        #expect(metric("ideal_cat_probability") >= 0.9)
        #expect(metric("ideal_zebra_probability") >= 0.9)
        // Networks that never saw the noisy ideal cat reject it.
        guard case .numbers(let judged) = report.metrics["ideal_cat_judge_probabilities"] else {
            Issue.record("ideal_cat_judge_probabilities is missing")
            return
        }
        #expect(judged.count == 2 && judged.allSatisfy { $0 < 0.5 }, "judges: \(judged)")
        #expect(abs(metric("fgsm_dog_to_285_probability") - 0.2154) < 0.01)
        #expect(metric("adversarial_target_probability") > 0.5)
        #expect(metric("adversarial_reloaded_probability") == metric("adversarial_target_probability"))
        let epsilon = metric("adversarial_epsilon")
        #expect(epsilon > 0 && epsilon <= 8.0 / 255 + 1e-6)
        for name in ["ideal_cat_png", "ideal_zebra_png", "adversarial_png", "comparison_png"] {
            guard case .text(let file) = report.metrics[name] else {
                Issue.record("metric \(name) is missing")
                continue
            }
            #expect(run.fileExists(file) && report.figures.contains(file), "\(file)")
        }
        // The adversarial PNG differs from the photo by at most ε in every value.
        let adversarial = try Image(contentsOf: run.directory.appendingPathComponent("dog-as-siamese-cat.png").path)
        let dogFile = LessonRunner.packageRoot.appendingPathComponent("Assets/photos/dog.jpg").path
        let dog = try Image(contentsOf: dogFile).centerCropped().resized(width: 224, height: 224)
        #expect(adversarial.width == 224 && adversarial.height == 224)
        let change = zip(adversarial.pixels, dog.pixels).map { abs($0 - $1) }.max() ?? 1
        #expect(change <= Float(epsilon) + 1e-5 && change > 0)
        #expect(run.fileExists("index.html"))
    }
}
