// `lab inspect --model`: the Keras-style summary of a zoo architecture, and its usage errors.

import Foundation
import Testing

@Suite("lab inspect --model")
struct LabInspectTests {
    @Test("prints every top-level layer of Lite0 with its measured output shape and the parameter total")
    func liteSummary() throws {
        let run = try LabRunner.run(["inspect", "--model", "efficientnet-lite0"])
        #expect(run.status == 0, "stderr: \(run.errors)")
        #expect(run.output.contains("_conv_stem (Conv2D)") && run.output.contains("[N, 112, 112, 32]"))
        #expect(run.output.contains("_blocks.15 (MBConvBlock)") && run.output.contains("[N, 7, 7, 320]"))
        #expect(run.output.contains("_fc (Dense)") && run.output.contains("[N, 1000]"))
        #expect(run.output.contains("total parameters: 4,652,008"))
    }

    @Test("a file and --model together, neither, or an unknown model: one line on standard error")
    func errors() throws {
        let neither = try LabRunner.run(["inspect"])
        #expect(neither.status == 2 && neither.errors.contains("give either a FILE or --model NAME"))
        let unknown = try LabRunner.run(["inspect", "--model", "alexnet"])
        #expect(unknown.status == 1 && unknown.errors.contains("unknown model 'alexnet'"))
        #expect(unknown.errors.split(separator: "\n").count == 1)
    }
}
