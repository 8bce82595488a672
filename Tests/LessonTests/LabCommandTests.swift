// The `lab ideal` and `lab attack` commands, run as a student runs them: the built executable, its exit status,
// its standard output and its one-line errors.

import Foundation
import Testing

enum LabRunner {
    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs `.build/debug/lab <arguments>` from the package root and waits for it.
    static func run(_ arguments: [String]) throws -> Run {
        let executable = LessonRunner.packageRoot.appendingPathComponent(".build/debug/lab")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw LessonTestError("\(executable.path) is not built; run `swift build` first (Scripts/test does)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = LessonRunner.packageRoot
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                   errors: String(decoding: errors, as: UTF8.self))
    }

    /// A fresh path in the temporary folder.
    static func temporaryPNG() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lab-\(UUID().uuidString).png").path
    }

    /// The reference dog photo (224×224, Tests/Reference/images).
    static var dogPhoto: String {
        LessonRunner.packageRoot.appendingPathComponent("Tests/Reference/images/dog.png").path
    }
}

@Suite("lab ideal and lab attack", .serialized)
struct LabCommandTests {
    @Test("usage errors are one line on standard error and exit status 2", arguments: [
        (["ideal", "--class", "space cat"], "unknown ImageNet class"),
        (["ideal", "--class", "1000"], "class index must be 0-999"),
        (["ideal", "--class", "284", "--steps", "0"], "--steps must be positive"),
        (["ideal", "--class", "284", "--copies", "0"], "--copies must be positive"),
        (["ideal", "--class", "284", "--param", "wavelets"], "--param must be fourier or pixels"),
        (["ideal", "--class", "284", "--model", "resnet50"], "--model must be one of"),
        (["ideal", "--class", "284", "--tv=-1"], "total-variation weight must be 0 or more"),
        (["ideal", "--class", "284", "--objective", "energy"], "--objective must be logit or cross-entropy"),
        (["attack", "dog.png", "--epsilon", "0"], "--epsilon must lie in (0, 1]"),
        (["attack", "dog.png", "--epsilon=-4/255"], "--epsilon must lie in (0, 1]"),
        (["attack", "dog.png", "--epsilon", "four"], "--epsilon must be a number or a fraction"),
        (["attack", "dog.png", "--epsilon", "0.5/255"], "--epsilon must be at least 1/255"),
        (["attack", "dog.png", "--target", "Siamese kat"], "unknown ImageNet class"),
        (["attack", "dog.png", "--method", "cw"], "--method must be fgsm or pgd"),
        (["attack", "--target", "285"], "Missing expected argument"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let run = try LabRunner.run(arguments)
        #expect(run.status == 2, "\(arguments): status \(run.status), stderr \(run.errors)")
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 1 && run.errors.contains(message), "\(arguments): \(run.errors)")
        #expect(run.output.isEmpty)
    }

    @Test("a photo that does not exist is a runtime failure: one line, exit status 1")
    func missingPhoto() throws {
        let run = try LabRunner.run(["attack", "/nonexistent/dog.png", "--target", "285"])
        #expect(run.status == 1)
        #expect(run.errors.split(separator: "\n").count == 1 && run.errors.contains("/nonexistent/dog.png"))
    }

    @Test("lab attack: targeted FGSM at 2/255 turns the dog into an Egyptian cat, as the saved PNG shows")
    func attackDog() throws {
        let output = LabRunner.temporaryPNG()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try LabRunner.run(["attack", LabRunner.dogPhoto, "--target", "Egyptian cat", "--epsilon", "2/255",
                                     "--method", "fgsm", "-o", output])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("before:") && run.output.contains("German shepherd"))
        #expect(run.output.contains("after (re-read from the PNG):\n  1.  285  Egyptian cat"), "\(run.output)")
        #expect(run.output.contains("the attack succeeded: largest change 2/255"))
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test("lab ideal: a few steps towards class 284 print progress, write the PNG and report generator and judges")
    func idealCat() throws {
        let output = LabRunner.temporaryPNG()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try LabRunner.run(["ideal", "--class", "Siamese cat", "--steps", "3", "--copies", "2", "-o", output])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("step    3/3  p(Siamese cat)"), "\(run.output)")
        #expect(run.output.contains("wrote \(output)"))
        #expect(run.output.contains("generated by efficientnet-lite0: "), "\(run.output)")
        for judge in ["efficientnet-lite1", "efficientnet-lite2"] {
            #expect(run.output.contains("judged by \(judge): "), "\(run.output)")
        }
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test("lab ideal --json: the generator and both judges with probability and rank")
    func idealJSON() throws {
        let output = LabRunner.temporaryPNG()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try LabRunner.run(["ideal", "--class", "340", "--steps", "2", "--param", "pixels", "--transforms",
                                     "none", "--json", "-o", output])
        #expect(run.status == 0, "\(run.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(object["class"] as? Int == 340 && object["label"] as? String == "zebra")
        let judges = try #require(object["judges"] as? [[String: Any]])
        #expect(judges.compactMap { $0["model"] as? String } == ["efficientnet-lite1", "efficientnet-lite2"])
        #expect(judges.allSatisfy { ($0["rank"] as? Int ?? 0) >= 1 })
        #expect((object["generator"] as? [String: Any])?["model"] as? String == "efficientnet-lite0")
    }
}
