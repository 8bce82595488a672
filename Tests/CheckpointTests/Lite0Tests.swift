import Foundation
import Testing
@testable import Checkpoint

/// The real EfficientNet-Lite0 weights (legacy torch format), loaded once for all tests here.
/// Expected numbers come from `Fixtures/make_fixtures.py --lite0`, which reads the file with
/// Python's pickle and numpy's `as_strided` (no torch).
private let lite0: Result<CheckpointFile, any Error> = Result { try CheckpointFile.load(from: lite0Path) }

private func loadedLite0() throws -> CheckpointFile {
    #expect(FileManager.default.fileExists(atPath: lite0Path),
            "missing \(lite0Path): link Assets (ln -s /work/main/Assets Assets) or run the setup script")
    return try lite0.get()
}

@Suite("EfficientNet-Lite0 weights")
struct Lite0Tests {
    @Test("names, shapes and dtypes in file order equal the PyTorch key list")
    func keysMatchReference() throws {
        let weights = try loadedLite0()
        let text = try String(contentsOf: vendoredReference.appendingPathComponent("lite0_keys.txt"), encoding: .utf8)
        let expected = text.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(weights.format == .torchLegacy)
        #expect(weights.tensors.count == 296)
        try #require(expected.count == weights.tensors.count)
        for (tensor, row) in zip(weights.tensors, expected) {
            #expect(tensor.name == row[0])
            #expect(CheckpointSummary.Row(name: "", shape: tensor.shape, dtype: tensor.dtype, count: 0).shapeText
                    == row[1], "\(tensor.name)")
            #expect(tensor.dtype.rawValue == row[2], "\(tensor.name)")
        }
        #expect(weights.tensors.filter { $0.dtype == .int64 }.count == 49)
    }

    @Test("4,652,008 parameters; 4,694,024 floats with the BatchNorm running statistics")
    func parameterTotals() throws {
        let weights = try loadedLite0()
        #expect(weights.parameterCount == 4_652_008)
        #expect(weights.floatingPointElementCount == 4_694_024)
        #expect(weights.tensors.allSatisfy { $0.scalars.count == $0.shape.reduce(1, *) })
    }

    @Test("spot values equal Python's, including weights stored with transposed strides")
    func spotValues() throws {
        let weights = try loadedLite0()
        let stem = try #require(weights["_conv_stem.weight"])
        #expect(stem[0, 0, 0, 0] == -1.1103360652923584)
        #expect(stem[31, 2, 2, 1] == 1.4901161193847656e-08)
        #expect(try #require(weights["_bn0.running_var"])[5] == 0.5514333248138428)
        #expect(try #require(weights["_blocks.15._project_conv.weight"])[319, 1151, 0, 0] == -0.04374096170067787)
        #expect(try #require(weights["_blocks.0._depthwise_conv.weight"])[5, 0, 1, 2] == 0.038561999797821045)
        #expect(try #require(weights["_conv_head.weight"])[1, 0, 0, 0] == 0.04707350581884384)
        let fc = try #require(weights["_fc.weight"])  // stored as the transpose: stride (1, 1000)
        #expect(fc[999, 1279] == 0.04085797071456909)
        #expect(fc[0, 1] == -0.09470871090888977)
        #expect(fc[1, 0] == -0.0049702562391757965)
        #expect(try #require(weights["_fc.bias"])[0] == 0.032053910195827484)
        let tracked = try #require(weights["_bn0.num_batches_tracked"])
        #expect(tracked.dtype == .int64 && tracked.shape == [] && tracked.scalars == [0])
    }

    @Test("sums and order-sensitive checksums equal Python's")
    func checksums() throws {
        let weights = try loadedLite0()
        func sum(_ name: String) throws -> Double {
            try #require(weights[name]).scalars.reduce(0) { $0 + Double($1) }
        }
        /// Σ v_i · (i mod 7 + 1): a wrong stride permutes values and changes this.
        func weighted(_ name: String) throws -> Double {
            try #require(weights[name]).scalars.enumerated().reduce(0) {
                $0 + Double($1.element) * Double($1.offset % 7 + 1)
            }
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
        let all = weights.tensors.filter(\.dtype.isFloatingPoint).flatMap(\.scalars).reduce(0) { $0 + Double($1) }
        #expect(close(all, 425663.2450015556), "\(all)")
        #expect(close(try sum("_blocks.7._depthwise_conv.weight"), 67.5069812447764))
        #expect(close(try sum("_fc.weight"), -470.63256730128705))
        #expect(close(try sum("_conv_head.weight"), -21.113805372136994))
        #expect(close(try weighted("_conv_stem.weight"), -108.16233640880091))
        #expect(close(try weighted("_blocks.3._depthwise_conv.weight"), 95.05758355837315))
        #expect(close(try weighted("_fc.weight"), -1848.465090003945))
    }

    @Test("the summary lists every tensor and the totals")
    func summary() throws {
        let summary = try loadedLite0().summary()
        #expect(summary.rows.count == 296)
        #expect(summary.rows[0] == CheckpointSummary.Row(name: "_conv_stem.weight", shape: [32, 3, 3, 3],
                                                         dtype: .float32, count: 864))
        let lines = summary.description.split(separator: "\n")
        #expect(lines.count == 298)
        #expect(lines[0].hasPrefix("name"))
        #expect(lines[1].contains("_conv_stem.weight") && lines[1].contains("[32, 3, 3, 3]")
                && lines[1].hasSuffix(" 864"))
        #expect(lines.last == "296 tensors, 4,652,008 parameters + 42,016 running statistics (PyTorch legacy)")
    }

    @Test("a truncated copy of the real file is an error at every cut point, never a crash")
    func truncatedCopies() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: lite0Path)))
        // Inside each of the five pickles, at the start of the storages, mid-storage and one byte short.
        let cuts = [1, 5, 15, 21, 100, 137, 5_000, 42_485, 42_486, 47_000, 47_176, 47_180, 1_000_000, bytes.count - 1]
        for cut in cuts {
            let error = checkpointError { _ = try CheckpointFile.decode(Array(bytes[..<cut]), path: "cut.pth") }
            #expect(error?.kind == "truncated", "cut at \(cut): \(String(describing: error))")
            #expect(error?.description.hasPrefix("cut.pth: truncated: ") == true)
        }
    }

    @Test("loading the file again gives the same tensors (no state is kept between loads)")
    func loadTwice() throws {
        let first = try loadedLite0()
        let again = try CheckpointFile.load(from: lite0Path)
        #expect(again.tensors == first.tensors)
    }
}
