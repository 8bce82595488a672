import Foundation
import Testing

@Suite("lesson-02 runs end to end")
struct Lesson02Tests {
    @Test("--quick writes the page and figures, and transfer beats training from scratch")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-02")
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        let transfer = try #require(report.metrics["transfer_test_accuracy"]?.number)
        let scratch = try #require(report.metrics["scratch_test_accuracy"]?.number)
        #expect(transfer > scratch + 0.03, "transfer \(transfer) vs scratch \(scratch)")
        #expect(transfer > 0.5, "a linear head on Lite0 features should be far above chance (10%)")
        #expect(report.metrics["test_nearest_neighbour_agreement"]?.number ?? 0 > 0.5)
        for figure in ["feature-maps-stem.png", "feature-maps-head.png", "photo-similarity.png", "embeddings-pca.png",
                       "loss-curves.png", "accuracy-curves.png", "confusion-matrix.png", "accuracy-vs-data.png"] {
            #expect(report.figures.contains(figure), "missing \(figure) in metrics.json")
        }
        for figure in report.figures { #expect(run.fileExists(figure), "missing \(figure)") }
        let page = try String(contentsOf: run.directory.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(page.contains("extractFeatures"), "the page shows the code it ran")
    }
}
