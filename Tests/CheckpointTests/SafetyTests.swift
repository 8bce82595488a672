import Foundation
import Testing
@testable import Checkpoint

/// Files that are not checkpoints, or are hostile: each must give a one-line CheckpointError.
@Suite("Bad and malicious files")
struct SafetyTests {
    /// The file the malicious fixtures would create if their pickles ran.
    let marker = "/tmp/transferlab_checkpoint_pwned"

    @Test("a pickle calling a forbidden global is refused and runs nothing",
          arguments: [("malicious_os_system.pth", "os", "system"), ("malicious_posix_system.pkl", "posix", "system"),
                      ("malicious_eval.pth", "builtins", "eval"),
                      ("malicious_load_from_bytes.pth", "torch.storage", "_load_from_bytes")])
    func forbiddenGlobal(file: String, module: String, name: String) {
        try? FileManager.default.removeItem(atPath: marker)
        let path = fixture(file)
        let error = checkpointError { _ = try CheckpointFile.load(from: path) }
        #expect(error == .forbiddenGlobal(path: path, module: module, name: name))
        #expect(error?.description.contains("never runs code") == true)
        #expect(error?.description.hasPrefix(path + ": ") == true)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a missing file, a directory, an empty file and a text file are clear errors")
    func notCheckpoints() throws {
        #expect(checkpointError { _ = try CheckpointFile.load(from: "/nonexistent/x.pth") }
                == .fileNotFound(path: "/nonexistent/x.pth"))
        let directory = FileManager.default.temporaryDirectory.path
        #expect(checkpointError { _ = try CheckpointFile.load(from: directory) }
                == .notACheckpoint(path: directory, reason: "it is a directory"))
        let empty = temporaryPath("empty.pth"), text = temporaryPath("notes.pth")
        defer { for path in [empty, text] { try? FileManager.default.removeItem(atPath: path) } }
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect(checkpointError { _ = try CheckpointFile.load(from: empty) }
                == .notACheckpoint(path: empty, reason: "the file is empty"))
        try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: text))
        let error = checkpointError { _ = try CheckpointFile.load(from: text) }
        #expect(error?.kind == "notACheckpoint")
        #expect(error?.description == "\(text): not a checkpoint: neither a PyTorch .pth (zip or legacy) nor "
                + "safetensors (first bytes 68 65 6c 6c 6f 2c 20 77)")
    }

    @Test("a storage named many times cannot make a small file demand a huge allocation")
    func amplification() {
        let path = fixture("many_names.pth")
        let error = checkpointError { _ = try CheckpointFile.load(from: path) }
        #expect(error?.kind == "unsupported")
        #expect(error?.description.contains("the same storage named many times") == true)
    }

    @Test("random bytes, alone or behind each format's magic, give an error and never crash")
    func randomBytes() {
        var generator = SplitMix64(seed: 42)
        let prefixes: [[UInt8]] = [[], [0x50, 0x4B, 0x03, 0x04], [0x80, 0x02], [0x80, 0x02, 0x8A, 0x0A],
                                   [0x20, 0, 0, 0, 0, 0, 0, 0, 0x7B]]
        for prefix in prefixes {
            for length in [1, 7, 64, 1000, 20_000] {
                let bytes = prefix + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let error = checkpointError { _ = try CheckpointFile.decode(bytes, path: "random.bin") }
                #expect(error != nil, "prefix \(prefix), \(length) random bytes")
            }
        }
    }

    @Test("a million-deep nesting and a self-containing list neither crash nor loop")
    func hostileStructures() throws {
        // PROTO 2, EMPTY_TUPLE, then TUPLE1 a million times: ((((…),),),), STOP.
        var deep: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 1_000_000) + [0x2E]
        var reader = ByteReader(deep)
        let object = try Unpickler.load(from: &reader)
        #expect(throws: ParseFailure.self) { _ = try TorchPickle.namedTensors(in: object) }
        deep = []

        // {"a": L} where L = [L]: EMPTY_DICT, "a", EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, SETITEM, STOP.
        let cycle: [UInt8] = [0x80, 0x02, 0x7D, 0x8C, 0x01, 0x61, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x73, 0x2E]
        reader = ByteReader(cycle)
        let cyclic = try Unpickler.load(from: &reader)
        #expect(try TorchPickle.namedTensors(in: cyclic).isEmpty)
    }

    @Test("pickle opcodes: integers, memo, and malformed streams")
    func opcodes() throws {
        func value(_ bytes: [UInt8]) throws -> PickleValue {
            var reader = ByteReader([0x80, 0x02] + bytes + [0x2E])
            return try Unpickler.load(from: &reader).root
        }
        guard case .int(-1) = try value([0x8A, 0x01, 0xFF]) else { Issue.record("LONG1 -1"); return }
        guard case .int(-32768) = try value([0x8A, 0x02, 0x00, 0x80]) else { Issue.record("LONG1 -32768"); return }
        guard case .int(-2) = try value([0x4A, 0xFE, 0xFF, 0xFF, 0xFF]) else { Issue.record("BININT -2"); return }
        guard case .int(513) = try value([0x4D, 0x01, 0x02]) else { Issue.record("BININT2"); return }
        guard case .float(1.5) = try value([0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]) else {
            Issue.record("BINFLOAT"); return
        }
        guard case .string("hi") = try value([0x8C, 0x02, 0x68, 0x69, 0x94, 0x30, 0x68, 0x00]) else {
            Issue.record("MEMOIZE, POP, BINGET"); return
        }
        #expect(throws: ParseFailure.self) { _ = try value([]) }  // STOP on an empty stack
        #expect(throws: ParseFailure.self) { _ = try value([0x68, 0x05]) }  // BINGET of an unset memo
        #expect(throws: ParseFailure.self) { _ = try value([0x49, 0x31, 0x0A]) }  // text INT: unsupported
        #expect(throws: ParseFailure.self) { _ = try value([0x58, 0xFF, 0xFF, 0xFF, 0x7F]) }  // 2 GB string, 0 bytes
        #expect(throws: ParseFailure.self) { _ = try value([0x8C, 0x02, 0xC3, 0x28]) }  // invalid UTF-8
    }
}

/// A small deterministic generator (SplitMix64) so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
