// Lesson 6 run as a student runs it (with --quick): the TV sweep must smooth the picture while the network stays
// convinced, and every figure and metric must be written.

import Foundation
import Notebook
import Testing

@Suite("lesson-06: variation loss")
struct Lesson06Tests {
    @Test("--quick runs; a larger TV weight gives a smoother ideal image; metrics per weight are written")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-06")
        #expect(run.status == 0, "stderr: \(run.errors)")
        let report = try run.metrics()
        guard case .numbers(let weights) = report.metrics["tv_weights"],
              case .numbers(let probabilities) = report.metrics["probabilities"],
              case .numbers(let variations) = report.metrics["total_variations"] else {
            Issue.record("tv_weights, probabilities or total_variations missing: \(report.metrics.keys.sorted())")
            return
        }
        #expect(weights.count >= 3 && probabilities.count == weights.count && variations.count == weights.count)
        #expect(weights.first == 0)
        #expect(variations.last! < variations.first! / 3, "TV per weight: \(variations)")
        #expect(probabilities.first! > 0.9 && probabilities.allSatisfy { $0 > 0.5 }, "p per weight: \(probabilities)")
        #expect(report.metrics["probability_tv_0"]?.number == probabilities.first)
        #expect(report.metrics["total_variation_tv_1000"] != nil && report.metrics["jitter_probability"] != nil)
        for figure in ["tv-weights.png", "tv-weights-stretched.png", "loss-components.png", "trade-off.png",
                       "jitter-and-zoom.png"] {
            #expect(run.fileExists(figure) && report.figures.contains(figure), "\(figure)")
        }
    }

    @Test("an unknown --class is a usage error: one line, exit status 2")
    func unknownClass() throws {
        let run = try LessonRunner.run("lesson-06", ["--quick", "--class", "space cat"])
        #expect(run.status == 2)
        #expect(run.errors.contains("unknown ImageNet class \"space cat\""))
    }
}
