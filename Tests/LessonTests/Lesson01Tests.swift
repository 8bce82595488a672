import Foundation
import Testing

@Suite("lesson-01 runs end to end")
struct Lesson01Tests {
    @Test("--quick writes the page, the figures and metrics with the real model's answers")
    func quickRun() throws {
        let run = try LessonRunner.run("lesson-01")
        #expect(run.status == 0, "\(run.errors)")
        let report = try run.metrics()
        #expect(report.metrics["lite0_parameters"]?.number == 4_652_008)
        // The real network calls the cat photo a cat (ImageNet 281-285) and the dog a dog (151-268).
        #expect((281...285).contains(Int(report.metrics["top1_index_chelsea"]?.number ?? -1)))
        #expect((151...268).contains(Int(report.metrics["top1_index_dog"]?.number ?? -1)))
        for figure in report.figures { #expect(run.fileExists(figure), "missing \(figure)") }
        #expect(report.figures.contains("accuracy-vs-size.png"))
        let page = try String(contentsOf: run.directory.appendingPathComponent("index.html"), encoding: .utf8)
        let text = page.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        #expect(text.contains("let model = try EfficientNetLite0.pretrained()"), "the page shows the code it ran")
        #expect(text.contains("let subjects: [String: [String]]"), "the page shows the subjects listing")
        // ImageNet-1k has no giraffe: the network answers with a label it has, read from this run.
        guard case .text(let giraffe) = report.metrics["top1_label_giraffe"] else {
            Issue.record("top1_label_giraffe is missing")
            return
        }
        #expect(!giraffe.localizedCaseInsensitiveContains("giraffe"))
        #expect(text.contains("cannot be called a giraffe") && text.contains(giraffe))
        let (top1, top5) = (report.metrics["top1_accuracy"]?.number ?? -1, report.metrics["top5_accuracy"]?.number ?? -1)
        #expect(top5 >= top1 && top1 > 0.001, "top-1 \(top1), top-5 \(top5), chance 0.1%")
    }

    @Test("an unknown option is a usage error (exit 2) with one line on stderr")
    func unknownOption() throws {
        let run = try LessonRunner.run("lesson-01", ["--quick", "--frobnicate"])
        #expect(run.status == 2)
        #expect(run.errors.contains("--frobnicate"))
    }
}
