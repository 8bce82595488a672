import Foundation

/// Records what a cell prints to standard output while still showing it live: fd 1 is pointed at a pipe whose
/// reader copies every byte to the original output and keeps a copy for the HTML report.
///
/// Only one capture runs at a time in a process; `begin()` returns nil while another is active.
final class OutputCapture: @unchecked Sendable {
    private static let gate = NSLock()
    nonisolated(unsafe) private static var active = false

    private let savedOutput: Int32
    private let readEnd: Int32
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var captured = Data()

    private init(savedOutput: Int32, readEnd: Int32) {
        self.savedOutput = savedOutput
        self.readEnd = readEnd
    }

    static func begin() -> OutputCapture? {
        gate.lock()
        defer { gate.unlock() }
        guard !active else { return nil }
        fflush(nil)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        let saved = dup(STDOUT_FILENO)
        guard saved >= 0, dup2(ends[1], STDOUT_FILENO) >= 0 else {
            close(ends[0]); close(ends[1]); if saved >= 0 { close(saved) }
            return nil
        }
        close(ends[1])
        active = true
        let capture = OutputCapture(savedOutput: saved, readEnd: ends[0])
        let thread = Thread { capture.pump() }
        thread.start()
        return capture
    }

    private func pump() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                while offset < count {
                    let written = write(savedOutput, bytes.baseAddress! + offset, count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            lock.lock()
            captured.append(contentsOf: buffer[0..<count])
            lock.unlock()
        }
        finished.signal()
    }

    /// Restores standard output and returns everything printed since `begin()`.
    func end() -> String {
        fflush(nil)
        dup2(savedOutput, STDOUT_FILENO)  // closes the pipe's last write end, so the reader sees end of file
        finished.wait()
        close(readEnd)
        close(savedOutput)
        OutputCapture.gate.lock()
        OutputCapture.active = false
        OutputCapture.gate.unlock()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: captured, as: UTF8.self)
    }
}
