import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child-process side of the grader. Each `grader-runner-NN` executable calls `CheckRunner.main`
/// with its lesson's checks bound to the student's functions, and the grader starts it once per check:
///
///     grader-runner-04 cutout/corner --time-limit 10 --memory-limit-mb 2048
///
/// It limits its own memory and CPU time (so a runaway check cannot hurt the machine even if the
/// grader is gone), runs the one check, prints one result line and exits 0. If the student's code
/// crashes, the process dies before printing, and the grader reads the crash message from stderr.
public enum CheckRunner {
    /// Starts the line that carries the result, so anything the student prints cannot be mistaken for it.
    public static let resultMarker = "@@grader-result "

    /// The result line's JSON: status "pass" or "fail" (with the failure) — crashes never get here.
    public struct Result: Codable, Equatable, Sendable {
        public var status: String
        public var failure: CheckFailure?
        /// A failure that is not a CheckFailure (a check threw something else).
        public var message: String?

        public init(status: String, failure: CheckFailure? = nil, message: String? = nil) {
            self.status = status
            self.failure = failure
            self.message = message
        }
    }

    /// Runs the check named on the command line and exits; `--list` prints every check id instead.
    public static func main(_ lessons: [LessonChecks]) -> Never {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let timeLimit = Int(take("--time-limit", from: &arguments) ?? "") ?? 10
        let memoryLimit = Int(take("--memory-limit-mb", from: &arguments) ?? "") ?? 2048
        let checks = lessons.flatMap(\.allChecks)
        if arguments == ["--list"] {
            print(checks.map(\.id).joined(separator: "\n"))
            exit(0)
        }
        guard arguments.count == 1, let check = checks.first(where: { $0.id == arguments[0] }) else {
            let usage = "usage: \(CommandLine.arguments[0]) CHECK_ID [--time-limit S] [--memory-limit-mb M] | --list\n"
            FileHandle.standardError.write(Data(usage.utf8))
            exit(2)
        }
        limitResources(cpuSeconds: timeLimit + 1, memoryMegabytes: memoryLimit)
        exitWhenOrphaned()
        let result = run(check)
        let line = (try? JSONEncoder().encode(result)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        fflush(nil)  // the student's own prints first, then the result on a line of its own
        FileHandle.standardOutput.write(Data(("\n" + resultMarker + line + "\n").utf8))
        exit(0)
    }

    /// Runs one check in this process: pass, or fail with the reason.
    public static func run(_ check: Check) -> Result {
        do {
            try check.run()
            return Result(status: "pass")
        } catch let failure as CheckFailure {
            return Result(status: "fail", failure: failure)
        } catch {
            return Result(status: "fail", message: "\(error)")
        }
    }

    private static func take(_ option: String, from arguments: inout [String]) -> String? {
        guard let index = arguments.firstIndex(of: option), index + 1 < arguments.count else { return nil }
        let value = arguments[index + 1]
        arguments.removeSubrange(index...index + 1)
        return value
    }

    /// CPU time (the check's time limit: the grader's own wall clock is only a generous backstop), address
    /// space, and no core files.
    private static func limitResources(cpuSeconds: Int, memoryMegabytes: Int) {
        #if os(Linux)
            func limit(_ resource: __rlimit_resource, _ value: UInt64) {
                var bounds = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
                _ = setrlimit(__rlimit_resource_t(resource.rawValue), &bounds)
            }
            limit(RLIMIT_AS, UInt64(memoryMegabytes) << 20)
        #else
            func limit(_ resource: Int32, _ value: UInt64) {
                var bounds = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
                _ = setrlimit(resource, &bounds)
            }
        #endif
        limit(RLIMIT_CPU, UInt64(cpuSeconds))
        limit(RLIMIT_CORE, 0)
    }

    /// Dies with the grader: if the grader is stopped (Ctrl-C, kill), this process is handed to another
    /// parent, and an infinite loop in the student's code must not keep running on its own.
    private static func exitWhenOrphaned() {
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            _exit(3)
        }
    }
}
