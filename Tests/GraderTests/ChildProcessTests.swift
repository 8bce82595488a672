import Foundation
import Testing

@testable import GraderKit

@Suite("Child processes end, one way or another")
struct ChildProcessTests {
    @Test("a child that loops forever is stopped at the time limit and reaped")
    func timeOut() throws {
        let outcome = try runChild("/bin/sh", arguments: ["-c", "while :; do :; done"], timeLimit: 0.5)
        #expect(outcome.termination == .timedOut(seconds: 0.5))
    }

    @Test("a child that ignores SIGTERM is killed a second later")
    func stubborn() throws {
        let outcome = try runChild("/bin/sh", arguments: ["-c", "trap '' TERM; while :; do :; done"], timeLimit: 0.3)
        #expect(outcome.termination == .timedOut(seconds: 0.3))
    }

    @Test("exit status, signals and both streams are reported; huge output is cut, not blocking")
    func streams() throws {
        let exited = try runChild("/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], timeLimit: 10)
        #expect(exited.termination == .exited(3))
        #expect(exited.standardOutput == "out\n" && exited.standardError == "err\n")
        let killed = try runChild("/bin/sh", arguments: ["-c", "kill -SEGV $$"], timeLimit: 10)
        #expect(killed.termination == .signalled(SIGSEGV))
        let flood = try runChild(
            "/bin/sh", arguments: ["-c", "yes | head -c 5000000"], timeLimit: 20, outputLimit: 1000)
        #expect(flood.termination == .exited(0))
        #expect(flood.standardOutput.hasSuffix("… (output cut)") && flood.standardOutput.count < 1100)
    }
}
