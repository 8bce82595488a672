import Foundation
import Testing
@testable import Checkpoint

@Suite("safetensors")
struct SafetensorsTests {
    @Test("the real Lite0 weights survive a safetensors round trip bit for bit")
    func roundTrip() throws {
        let original = try CheckpointFile.load(from: lite0Path)
        let path = temporaryPath("lite0.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try original.writeSafetensors(to: path, metadata: ["source": "efficientnet-lite0.pth"])
        let copy = try CheckpointFile.load(from: path)
        #expect(copy.format == .safetensors)
        #expect(copy.names == original.names)
        #expect(copy.parameterCount == 4_652_008)
        for (a, b) in zip(original.tensors, copy.tensors) {
            #expect(a.shape == b.shape && a.dtype == b.dtype, "\(a.name)")
            #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern), "\(a.name)")
        }
    }

    @Test("the header is 8-byte aligned JSON with dtype, shape, offsets and metadata")
    func headerLayout() throws {
        let tensors = [NamedTensor(name: "w \"quoted\"", shape: [2, 1], scalars: [1, -1]),
                       NamedTensor(name: "steps", shape: [], dtype: .int64, scalars: [7]),
                       NamedTensor(name: "h", shape: [1], dtype: .float16, scalars: [0.5])]
        let path = temporaryPath("small.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CheckpointFile.writeSafetensors(tensors, to: path, metadata: ["format": "pt"])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
        #expect(bytes.count == 8 + length + 2 * 4 + 8 + 4)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any])
        #expect(header["__metadata__"] as? [String: String] == ["format": "pt"])
        let steps = try #require(header["steps"] as? [String: Any])
        #expect(steps["dtype"] as? String == "I64")
        #expect(steps["data_offsets"] as? [Int] == [8, 16])
        #expect((header["h"] as? [String: Any])?["dtype"] as? String == "F32")  // floats are written as F32

        let back = try CheckpointFile.load(from: path)
        #expect(back.names == ["w \"quoted\"", "steps", "h"])
        #expect(back.metadata == ["format": "pt"])
        #expect(back["steps"] == NamedTensor(name: "steps", shape: [], dtype: .int64, scalars: [7]))
        #expect(back["h"]?.dtype == .float32 && back["h"]?.scalars == [0.5])
    }

    @Test("F32, F16, BF16, F64, I64 and empty tensors are read from a Python-written file")
    func readDtypes() throws {
        let file = try CheckpointFile.load(from: fixture("small.safetensors"))
        #expect(file.names == ["a.f32", "b.f16", "c.bf16", "d.f64", "e.i64", "f.empty"])
        #expect(file["a.f32"] == NamedTensor(name: "a.f32", shape: [2, 2], scalars: [1.5, -2, 3.25, 1e-8]))
        let half = try #require(file["b.f16"])
        #expect(half.dtype == .float16 && Array(half.scalars[0..<2]) == [0.5, -65504])
        #expect(half.scalars[2] == 0x1p-24)  // 6e-8 is the smallest subnormal half
        #expect(file["c.bf16"]?.dtype == .bfloat16 && file["c.bf16"]?.scalars == [1, -3.5, 0.0078125])
        #expect(file["d.f64"]?.shape == [1, 1, 1] && file["d.f64"]?.scalars == [Float(0.1)])
        #expect(file["e.i64"]?.shape == [] && file["e.i64"]?.scalars == [-42] && file["e.i64"]?.dtype == .int64)
        #expect(file["f.empty"]?.shape == [0, 3] && file["f.empty"]?.scalars == [])
        #expect(file.parameterCount == 4 + 3 + 3 + 1)
    }

    @Test("bad safetensors files and bad writes are clear errors")
    func errors() throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture("small.safetensors"))))
        #expect(checkpointError { _ = try CheckpointFile.decode(Array(good.dropLast(3)), path: "s") }?.kind
                == "truncated")
        var broken = good
        broken[9] = UInt8(ascii: "]")  // the JSON no longer parses
        #expect(checkpointError { _ = try CheckpointFile.decode(broken, path: "s") }?.kind == "corrupt")

        let tensor = NamedTensor(name: "x", shape: [1], scalars: [1])
        #expect(checkpointError { try CheckpointFile.writeSafetensors([tensor, tensor], to: temporaryPath("d")) }
                == .cannotWrite(path: temporaryPath("d"), reason: "two tensors are named x"))
        #expect(checkpointError { try CheckpointFile.writeSafetensors([tensor], to: "/nonexistent/dir/x.safetensors") }?
                .kind == "cannotWrite")
    }
}
