import Foundation
import Testing

@testable import GraderKit

@Suite("Reading the compiler, the crash and the files")
struct ReportingTests {
    let root = URL(fileURLWithPath: "/work/pkg")

    @Test("compiler errors are parsed with file, line and column, relative to the package, without duplicates")
    func diagnostics() {
        let log = """
            Building for debugging...
            /work/pkg/Exercises/lesson-04/Cutout.swift:14:28: error: cannot find 'oops' in scope
            12 |     var result = picture
               |                  `- error: cannot find 'oops' in scope
            /work/pkg/Exercises/lesson-04/Cutout.swift:9:5: warning: variable 'n' was never used
            /work/pkg/Exercises/lesson-04/Cutout.swift:14:28: error: cannot find 'oops' in scope
            /work/pkg/Exercises/lesson-04/MixUp.swift:3:1: error: expected declaration
            error: emit-module command failed with exit code 1 (use -v to see invocation)
            """
        let parsed = Builder.parseDiagnostics(log, packageRoot: root)
        #expect(
            parsed.map(\.description) == [
                "Exercises/lesson-04/Cutout.swift:9:5: warning: variable 'n' was never used",
                "Exercises/lesson-04/Cutout.swift:14:28: error: cannot find 'oops' in scope",
                "Exercises/lesson-04/MixUp.swift:3:1: error: expected declaration",
            ])
    }

    @Test("a todo(_:) crash is 'not implemented yet' at the stub's line")
    func notImplemented() {
        let stderr = """
            ExerciseSupport/Todo.swift:9: Fatal error: not implemented yet: cosineSimilarity(_:_:) \
            (Exercises/lesson-02/CosineSimilarity.swift:18)
            *** Program crashed: Illegal instruction at 0x00007fae032f9361 ***
            """
        let crash = CrashAnalysis(
            termination: .signalled(4), standardError: stderr, timeLimit: 10,
            memoryLimitMegabytes: 2048, sourceDirectories: ["/Exercises/"], packageRoot: "/work/pkg")
        #expect(crash.notImplemented == "cosineSimilarity(_:_:)")
        #expect(crash.message == "not implemented yet: cosineSimilarity(_:_:)")
        #expect(crash.location == "Exercises/lesson-02/CosineSimilarity.swift:18")
    }

    @Test("a runtime trap names its message and the student's line from the backtrace, not the support code")
    func trap() {
        let stderr = """
            Swift/ContiguousArrayBuffer.swift:691: Fatal error: Index out of range
            1 [ra] 0x0000 todo(_:file:line:) + 12 in runner at /work/pkg/Exercises/Support/Todo.swift:9:5
            2 [ra] 0x0000 mixUp(_:_:lambda:) + 145 in runner at /work/pkg/.grader/overlay/lesson-04/MixUp.swift:19:20
            3 [ra] 0x0000 closure #1 in static Lesson04.mixUpChecks(_:) at /work/pkg/Sources/GraderChecks/L4.swift:97:33
            """
        let crash = CrashAnalysis(
            termination: .signalled(4), standardError: stderr, timeLimit: 10, memoryLimitMegabytes: 2048,
            sourceDirectories: ["/Exercises/", "/.grader/overlay/"], packageRoot: "/work/pkg",
            renaming: [(".grader/overlay/", "Exercises/")])
        #expect(crash.message == "crashed: Index out of range")
        #expect(crash.location == "Exercises/lesson-04/MixUp.swift:19")
        #expect(crash.notImplemented == nil)
    }

    @Test("time-outs, stack overflows, CPU limits and memory exhaustion each get their own sentence")
    func signals() {
        func message(_ termination: Termination, _ stderr: String = "") -> String {
            CrashAnalysis(
                termination: termination, standardError: stderr, timeLimit: 10, memoryLimitMegabytes: 512,
                sourceDirectories: [], packageRoot: "/"
            ).message
        }
        #expect(message(.timedOut(seconds: 60)) == "timed out after 60 s of waiting (a blocked read or an endless sleep?)")
        #expect(message(.signalled(SIGSEGV)).contains("endless recursion"))
        #expect(message(.signalled(SIGXCPU)) == "timed out after 10 s of CPU time (an endless loop?)")
        #expect(
            message(.signalled(SIGABRT), "Fatal error: failed to allocate 4294967328 bytes of memory with alignment 8")
                == "ran out of memory (the limit is 512 MB): "
                + "failed to allocate 4294967328 bytes of memory with alignment 8"
        )
        #expect(message(.signalled(SIGABRT), "Could not allocate memory.") == "ran out of memory (the limit is 512 MB)")
        #expect(message(.exited(7), "boom\n") == "stopped with exit status 7 without a result: boom")
    }

    @Test("a snapshot notices added, changed and removed files, and maps them to lessons")
    func snapshots() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grader-snapshot-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("lesson-04"),
            withIntermediateDirectories: true)
        let cutout = directory.appendingPathComponent("lesson-04/Cutout.swift")
        try "a".write(to: cutout, atomically: true, encoding: .utf8)
        let before = FileSnapshot.take(of: directory)
        #expect(FileSnapshot.take(of: directory).changes(since: before) == [])
        try "ab".write(to: cutout, atomically: true, encoding: .utf8)
        try "x".write(to: directory.appendingPathComponent("lesson-04/Helper.swift"), atomically: true, encoding: .utf8)
        #expect(
            FileSnapshot.take(of: directory).changes(since: before) == [
                "lesson-04/Cutout.swift", "lesson-04/Helper.swift",
            ])
        #expect(lessonsAffected(by: ["lesson-04/Cutout.swift"], among: [1, 4]) == [4])
        #expect(lessonsAffected(by: ["lesson-04/Cutout.swift"], among: [1, 2]) == [])
        #expect(lessonsAffected(by: ["Support/Picture.swift"], among: [2, 5]) == [2, 5])
    }

    @Test("progress is saved atomically, reloads, and caps the hints shown")
    func progress() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grader-progress-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("progress.json")
        var progress = Progress.load(from: file)
        #expect(progress.exercises.isEmpty)
        #expect(progress.revealHint(of: "cutout", available: 2) == 1)
        #expect(progress.revealHint(of: "cutout", available: 2) == 2)
        #expect(progress.revealHint(of: "cutout", available: 2) == 2)
        try progress.save(to: file)
        #expect(Progress.load(from: file) == progress)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["progress.json"])
        try "{ not json".write(to: file, atomically: true, encoding: .utf8)
        #expect(Progress.load(from: file).exercises.isEmpty)
    }

    @Test("the text report shows ✓/✗ per check, the failing input, the hint and the summary counts")
    func textReport() {
        let pass = CheckReport(id: "cutout/example", name: "zeroes a square", status: .pass, ran: true)
        var fail = CheckReport(id: "cutout/edges", name: "clips at the edges", status: .fail, ran: true)
        fail.input = "Picture 6x5x2"
        fail.expected = "[0, 0]"
        fail.got = "[0, 1]"
        fail.detail = "max abs error 1 at index 1"
        let timedOut = CheckReport(
            id: "mixup/example", name: "blends", status: .error,
            message: "timed out after 10 s (an endless loop?)", ran: true)
        let lesson = LessonReport(
            lesson: "lesson-04", title: "Data augmentation", buildError: nil,
            exercises: [
                ExerciseReport(
                    id: "cutout", lesson: "lesson-04", file: "Exercises/lesson-04/Cutout.swift",
                    function: "cutout(_:centerX:centerY:size:)", status: .fail, diagnostics: [], checks: [pass, fail]),
                ExerciseReport(
                    id: "mixup", lesson: "lesson-04", file: "Exercises/lesson-04/MixUp.swift",
                    function: "mixUp(_:_:lambda:)", status: .fail, diagnostics: [], checks: [timedOut]),
            ])
        let report = GradeReport(mode: "exercises", lessons: [lesson])
        let text = TextReport(color: false) { id in id == "cutout" ? (1, 3, "clip first") : nil }.render(report)
        #expect(text.contains("      ✓ zeroes a square"))
        #expect(
            text.contains(
                "      ✗ clips at the edges\n          input:    Picture 6x5x2\n          expected: [0, 0]\n"
                    + "          got:      [0, 1]\n          max abs error 1 at index 1"))
        #expect(text.contains("hint 1/3: clip first\n      more: swift run grader --hint cutout"))
        #expect(text.contains("timed out after 10 s"))
        #expect(report.status == "fail")
        #expect(report.summary.checksRun == 3 && report.summary.checksPassed == 1 && report.summary.failing == 2)
        #expect(
            text.hasSuffix(
                "0 of 2 exercises pass; checks: 3 ran (1 passed, 2 failed), 0 not started, 0 not run.\n"
                    + "Next: Exercises/lesson-04/Cutout.swift"))
    }
}
