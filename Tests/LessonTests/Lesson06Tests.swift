// Lesson 6 run as a student runs it (with --quick): every recipe is drawn for the cat and the zebra, judged by Lite1
// and Lite2, and every figure and metric is written. The full run's numbers are in the closing note.

import Foundation
import Notebook
import Testing

@Suite("lesson-06: making the ideal image natural")
struct Lesson06Tests {
    @Test("--quick runs; each recipe has generator and judge probabilities and ranks for 284 and 340")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-06")
        #expect(run.status == 0, "stderr: \(run.errors)")
        let report = try run.metrics()
        let recipes = ["pixels", "pixels_tv", "pixels_tv_transforms", "fourier_color_transforms",
                       "fourier_color_transforms_logit"]
        for target in [284, 340] {
            for recipe in recipes {
                for model in ["lite0", "lite1", "lite2"] {
                    let p = report.metrics["p_\(target)_\(recipe)_\(model)"]?.number ?? .nan
                    let rank = report.metrics["rank_\(target)_\(recipe)_\(model)"]?.number ?? .nan
                    #expect((0...1).contains(p), "p_\(target)_\(recipe)_\(model) = \(p)")
                    #expect((1...1000).contains(rank), "rank_\(target)_\(recipe)_\(model) = \(rank)")
                }
            }
            // The smoothness term does what it says, and the generator believes its own plain picture most.
            let tv = { (recipe: String) in report.metrics["total_variation_\(target)_\(recipe)"]?.number ?? .nan }
            #expect(tv("pixels_tv") < tv("pixels"))
        }
        #expect((report.metrics["contrast_pixels_tv"]?.number ?? 1) < (report.metrics["contrast_pixels"]?.number ?? 0))
        for figure in ["recipes.png", "judges-per-step.png", "ideal-284-fourier.png", "ideal-340-fourier.png",
                       "ideal-130-fourier.png"] {
            #expect(run.fileExists(figure) && report.figures.contains(figure), "\(figure)")
        }
        #expect(run.fileExists("index.html"))
    }

    @Test("an unknown --class is a usage error: one line, exit status 2")
    func unknownClass() throws {
        let run = try LessonRunner.run("lesson-06", ["--quick", "--class", "space cat"])
        #expect(run.status == 2)
        #expect(run.errors.contains("unknown ImageNet class \"space cat\""))
    }
}
