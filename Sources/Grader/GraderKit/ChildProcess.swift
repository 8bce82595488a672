import Foundation

/// How a child process ended.
public enum Termination: Equatable, Sendable {
    /// It exited by itself with this status.
    case exited(Int32)
    /// A signal ended it (a Swift runtime trap is SIGILL or SIGTRAP; a stack overflow SIGSEGV).
    case signalled(Int32)
    /// It ran past its time limit and was stopped (SIGTERM, then SIGKILL a second later).
    case timedOut(seconds: Double)
}

/// What a child process did: how it ended, what it printed (each stream cut at `outputLimit` bytes).
public struct ChildOutcome: Sendable {
    public var termination: Termination
    public var standardOutput: String
    public var standardError: String
    public var seconds: Double
}

/// Runs a program to the end or to its time limit, whichever comes first, and always reaps it.
///
/// Both output streams are drained while the child runs (a child that prints forever must not block
/// on a full pipe) and capped, so a runaway `print` cannot exhaust the grader's memory.
public func runChild(
    _ executable: String, arguments: [String], environment: [String: String]? = nil,
    directory: URL? = nil, timeLimit: Double, outputLimit: Int = 1 << 20
) throws -> ChildOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }

    let start = Date()
    try process.run()
    let outputReader = StreamCollector(output.fileHandleForReading, limit: outputLimit)
    let errorReader = StreamCollector(error.fileHandleForReading, limit: outputLimit)

    var timedOut = false
    if finished.wait(timeout: .now() + timeLimit) == .timedOut {
        timedOut = true
        process.terminate()
        if finished.wait(timeout: .now() + 1) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
    }
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(start)
    // A grandchild (swiftc under `swift build`) may still hold a pipe open after a kill: wait a little, not forever.
    let standardOutput = outputReader.text(waitingUpTo: timedOut ? 2 : 30)
    let standardError = errorReader.text(waitingUpTo: timedOut ? 2 : 30)

    let termination: Termination
    if timedOut {
        termination = .timedOut(seconds: timeLimit)
    } else if process.terminationReason == .uncaughtSignal {
        termination = .signalled(process.terminationStatus)
    } else {
        termination = .exited(process.terminationStatus)
    }
    return ChildOutcome(
        termination: termination, standardOutput: standardOutput, standardError: standardError,
        seconds: seconds)
}

/// Reads a pipe to its end on a thread of its own, keeping the first `limit` bytes.
private final class StreamCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var truncated = false
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle, limit: Int) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                if data.count < limit {
                    data.append(chunk.prefix(limit - data.count))
                }
                if data.count >= limit { truncated = true }
                lock.unlock()
            }
            done.signal()
        }
    }

    func text(waitingUpTo seconds: Double) -> String {
        _ = done.wait(timeout: .now() + seconds)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self) + (truncated ? "\n… (output cut)" : "")
    }
}

/// The absolute path of a program found on PATH, like `which`.
public func findExecutable(_ name: String) -> String? {
    if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
