// `lab classify` and `lab inspect` as a user runs them: the built binary, real photos, real weights.

import Foundation
import Testing

@Suite("lab classify and lab inspect")
struct LabClassifyTests {
    @Test("classify --json names a cat class first for the cat photo, in the documented format")
    func classifyJSON() throws {
        let result = try LabRunner.run(["classify", "Assets/photos/chelsea.png", "--top", "3", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(json["model"] as? String == "efficientnet-lite0")
        let results = try #require(json["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results[0]["image"] as? String == "Assets/photos/chelsea.png")
        let top = try #require(results[0]["top"] as? [[String: Any]])
        #expect(top.count == 3)
        #expect((281...285).contains(top[0]["index"] as? Int ?? -1))
        #expect(top[0]["label"] as? String == "Egyptian cat")
        let probability = try #require(top[0]["probability"] as? Double)
        #expect(abs(probability - 0.3957) < 1e-3, "PyTorch gives 0.3957")
    }

    @Test("a 224x224 photo is used as is: the reference PNG gives PyTorch's probability")
    func exactSizeUsedAsIs() throws {
        let reference = LessonRunner.packageRoot.appendingPathComponent("Tests/Reference/images/dog.png").path
        let result = try LabRunner.run(["classify", reference, "--top", "1", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("\"index\" : 235"))
        #expect(result.output.contains("0.399"))
    }

    @Test("a missing and a corrupt photo are one line each on stderr, exit 1, the good photo still classified")
    func badPhotos() throws {
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID().uuidString).jpg")
        let bytes = try Data(contentsOf: LessonRunner.packageRoot.appendingPathComponent("Assets/photos/dog.jpg"))
        try bytes.prefix(bytes.count / 2).write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        let result = try LabRunner.run(["classify", "no-such-photo.png", corrupt.path, "Assets/photos/dog.jpg"])
        #expect(result.status == 1)
        #expect(result.output.contains("German shepherd"))
        let lines = result.errors.split(separator: "\n")
        #expect(lines.count == 2, "\(result.errors)")
        #expect(lines.contains { $0.contains("no-such-photo.png") })
        #expect(lines.contains { $0.contains(corrupt.lastPathComponent) })
        #expect(!result.errors.contains("Fatal error"))
    }

    @Test("usage errors exit 2 with one line", arguments: [
        ["classify"], ["classify", "x.png", "--top", "0"], ["classify", "x.png", "--model", "alexnet"], ["frobnicate"],
    ])
    func usageErrors(arguments: [String]) throws {
        let result = try LabRunner.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.errors)")
        #expect(result.errors.split(separator: "\n").count == 1, "\(result.errors)")
    }

    @Test("an architecture without offline weights asks for --weights; a wrong checkpoint lists the mismatch")
    func weightsErrors() throws {
        let noWeights = try LabRunner.run(["classify", "Assets/photos/dog.jpg", "--model", "mobilenet-v2"])
        #expect(noWeights.status == 1)
        #expect(noWeights.errors.contains("--weights"))
        let wrong = try LabRunner.run(["classify", "Assets/photos/dog.jpg", "--model", "mobilenet-v2",
                                 "--weights", "Assets/weights/efficientnet-lite0.pth"])
        #expect(wrong.status == 1)
        #expect(wrong.errors.contains("missing keys"))
        #expect(wrong.errors.contains("unexpected keys"))
    }

    @Test("inspect lists the real checkpoint and refuses one that would run code")
    func inspect() throws {
        let result = try LabRunner.run(["inspect", "Assets/weights/efficientnet-lite0.pth"])
        #expect(result.status == 0)
        #expect(result.output.contains("_blocks.15._project_conv.weight"))
        #expect(result.output.contains("4,652,008 parameters"))
        let malicious = try LabRunner.run(["inspect", "Tests/CheckpointTests/Fixtures/malicious_os_system.pth"])
        #expect(malicious.status == 1)
        #expect(malicious.errors.contains("os"), "\(malicious.errors)")
        let directory = try LabRunner.run(["inspect", "Tests"])
        #expect(directory.status == 1)
        #expect(directory.errors.split(separator: "\n").count == 1)
    }

    @Test("--help of every subcommand prints usage with an example and exits 0",
          arguments: [["--help"], ["classify", "--help"], ["inspect", "--help"], ["ideal", "--help"], ["attack", "--help"], ["train", "--help"]])
    func help(arguments: [String]) throws {
        let result = try LabRunner.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        #expect(result.output.contains("USAGE"))
        #expect(result.output.contains("swift run lab"), "help shows an example")
    }
}
