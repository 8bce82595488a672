import ExerciseSupport
import Foundation

/// Turns a check runner that died (a Swift trap, a signal, a time-out) into one readable line, and finds
/// where in the student's file it happened. Never shows a raw stack trace.
struct CrashAnalysis: Equatable {
    var message: String
    /// Where in an exercise or solution file, e.g. "Exercises/lesson-04/Cutout.swift:31".
    var location: String?
    /// The function whose `todo(_:)` stopped the program.
    var notImplemented: String?

    /// `sourceDirectories`: path fragments that mark the student's files, e.g. ["/Exercises/", "/Solutions/"].
    /// `renaming`: path prefixes to show as another (the overlay's copy of a lesson as the student's file).
    init(
        termination: Termination, standardError: String, timeLimit: Double, memoryLimitMegabytes: Int,
        sourceDirectories: [String], packageRoot: String, renaming: [(from: String, to: String)] = []
    ) {
        let lines = standardError.split(separator: "\n").map(String.init)
        let fatal = lines.first { $0.contains("Fatal error: ") }
            .map { String($0[$0.range(of: "Fatal error: ")!.upperBound...]) }
        location = Self.location(in: lines, sourceDirectories: sourceDirectories, packageRoot: packageRoot)
        defer {
            for (from, to) in renaming where location?.hasPrefix(from) == true {
                location = to + location!.dropFirst(from.count)
            }
        }

        if let fatal, fatal.hasPrefix(notImplementedMarker + ": ") {
            // "not implemented yet: cutout(_:centerX:centerY:size:) (Exercises/lesson-04/Cutout.swift:23)"
            var name = String(fatal.dropFirst(notImplementedMarker.count + 2))
            if let open = name.range(of: " (", options: .backwards), name.hasSuffix(")") {
                location = String(name[open.upperBound..<name.index(before: name.endIndex)])
                if location!.hasPrefix(packageRoot + "/") { location!.removeFirst(packageRoot.count + 1) }
                name = String(name[..<open.lowerBound])
            }
            notImplemented = name
            message = "\(notImplementedMarker): \(name)"
            return
        }
        if let fatal, fatal.contains("allocate") {
            // "failed to allocate 4294967328 bytes of memory with alignment 8", under the runner's address-space limit.
            message = "ran out of memory (the limit is \(memoryLimitMegabytes) MB): \(fatal)"
            return
        }
        switch termination {
        case .timedOut(let seconds):
            // The wall-clock backstop: the check used little CPU but never finished (it sleeps or waits).
            message = "timed out after \(Self.seconds(seconds)) of waiting (a blocked read or an endless sleep?)"
        case .signalled(let signal) where fatal != nil:
            message = "crashed: \(fatal!)" + (signal == SIGILL || signal == SIGTRAP ? "" : " (signal \(signal))")
        case .signalled(let signal):
            message = Self.describe(signal: signal, lines: lines, timeLimit: timeLimit, memory: memoryLimitMegabytes)
        case .exited(let status):
            let last = lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            message = "stopped with exit status \(status) without a result" + (last.map { ": \($0)" } ?? "")
        }
    }

    private static func describe(signal: Int32, lines: [String], timeLimit: Double, memory: Int) -> String {
        if lines.contains(where: { $0.contains("allocate") || $0.contains("out of memory") }) {
            return "ran out of memory (the limit is \(memory) MB)"
        }
        switch signal {
        case SIGSEGV, SIGBUS: return "crashed: segmentation fault (endless recursion, or a stack overflow?)"
        case SIGXCPU, SIGKILL:
            // The time limit proper: CPU time, so a loaded machine does not turn a slow check into a failure.
            return "timed out after \(seconds(timeLimit)) of CPU time (an endless loop?)"
        case SIGABRT: return "crashed: aborted" + (lines.contains { $0.contains("alloc") } ? " (out of memory?)" : "")
        case SIGILL, SIGTRAP: return "crashed: a Swift runtime check failed (overflow, index out of range, nil unwrap?)"
        case SIGFPE: return "crashed: arithmetic error (integer division by zero?)"
        default: return "crashed with signal \(signal)"
        }
    }

    /// The first backtrace frame in a student's file: "… at /root/pkg/Exercises/lesson-04/Cutout.swift:31:9".
    private static func location(in lines: [String], sourceDirectories: [String], packageRoot: String) -> String? {
        for line in lines {
            guard let at = line.range(of: " at /", options: .backwards) else { continue }
            let path = String(line[line.index(before: at.upperBound)...])
            guard sourceDirectories.contains(where: { path.contains($0) }),
                !path.contains("/Support/")
            else { continue }
            let parts = path.split(separator: ":")
            guard parts.count >= 2 else { continue }
            var file = String(parts[0])
            if file.hasPrefix(packageRoot + "/") { file.removeFirst(packageRoot.count + 1) }
            return "\(file):\(parts[1])"
        }
        return nil
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}
