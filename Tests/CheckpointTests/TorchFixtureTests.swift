import Foundation
import Testing
@testable import Checkpoint

/// Small torch checkpoints written by `Fixtures/make_fixtures.py` in torch's exact layouts.
@Suite("PyTorch zip and legacy fixtures")
struct TorchFixtureTests {
    @Test("both torch formats give the same tensors, views and dtypes",
          arguments: [("zip_small.pth", CheckpointFile.Format.torchZip), ("legacy_small.pth", .torchLegacy)])
    func smallCheckpoint(file: String, format: CheckpointFile.Format) throws {
        let checkpoint = try CheckpointFile.load(from: fixture(file))
        #expect(checkpoint.format == format)
        #expect(checkpoint.names == ["linear.weight", "linear.bias", "linear.weight_t", "window",
                                     "bn.num_batches_tracked", "half", "counts"])
        let weight = try #require(checkpoint["linear.weight"])
        #expect(weight.shape == [3, 4] && weight.dtype == .float32)
        #expect(weight.scalars == (0..<12).map { Float($0) * 0.5 - 1 })
        #expect(try #require(checkpoint["linear.bias"]).scalars == [0.25, -0.125, 3])

        // A transposed view of the same storage: size [4, 3], stride [1, 4].
        let transposed = try #require(checkpoint["linear.weight_t"])
        #expect(transposed.shape == [4, 3])
        for i in 0..<4 { for j in 0..<3 { #expect(transposed[i, j] == weight[j, i]) } }

        // Storage offset 3, size [2, 2], stride [3, 1] over 100…109.
        let window = try #require(checkpoint["window"])
        #expect(window.shape == [2, 2] && window.scalars == [103, 104, 106, 107])

        let tracked = try #require(checkpoint["bn.num_batches_tracked"])
        #expect(tracked.shape == [] && tracked.dtype == .int64 && tracked.scalars == [12345])

        let half = try #require(checkpoint["half"])
        #expect(half.dtype == .float16 && half.shape == [2, 3])
        #expect(Array(half.scalars[0..<3]) == [0.5, -2, 65504])
        #expect(abs(half.scalars[3] - 1e-4) < 1e-7)  // 1e-4 rounds to the nearest half
        #expect(half.scalars[5] == 0 && half.scalars[5].sign == .minus)

        let counts = try #require(checkpoint["counts"])
        #expect(counts.dtype == .int32 && counts.scalars == [-7, 0, 2_000_000])
        #expect(checkpoint.parameterCount == 12 + 3 + 12 + 4 + 6)
    }

    @Test("a training checkpoint in a zip with another folder name is unwrapped to its state_dict")
    func trainingCheckpoint() throws {
        let checkpoint = try CheckpointFile.load(from: fixture("zip_training.pth"))
        #expect(checkpoint.names == ["fc.weight"])
        let weight = try #require(checkpoint["fc.weight"])
        #expect(weight.dtype == .float64 && weight.shape == [1, 2] && weight.scalars == [1.5, -2.5])
    }

    @Test("a compressed zip entry is reported as unsupported")
    func deflated() {
        let error = checkpointError { _ = try CheckpointFile.load(from: fixture("zip_deflated.pth")) }
        #expect(error?.kind == "unsupported")
        #expect(error?.description.contains("deflate-compressed") == true)
    }

    @Test("every single-byte corruption of the fixtures loads or throws, never crashes",
          arguments: ["zip_small.pth", "legacy_small.pth"])
    func byteFlips(file: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture(file))))
        var failures = 0
        for position in original.indices {
            for value: UInt8 in [0x00, 0xFF, original[position] ^ 0x01] where value != original[position] {
                var bytes = original
                bytes[position] = value
                do {
                    _ = try CheckpointFile.decode(bytes, path: file)
                } catch is CheckpointError {
                    failures += 1
                }
            }
        }
        #expect(failures > original.count)  // most corruptions are detected
    }
}
