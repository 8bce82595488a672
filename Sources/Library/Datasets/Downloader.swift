// Downloading a dataset archive of hundreds of megabytes on a student's connection: bytes go to `<file>.part` as
// they arrive, an interrupted download resumes where it stopped (an HTTP Range request; a server that ignores it
// simply sends everything again), progress is reported, and the finished file is checked against its size and
// SHA-256 before it gets its real name — so a file without `.part` is always complete and verified.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A file to download and how to check it.
public struct RemoteFile: Sendable, Equatable {
    /// Where to download from.
    public var url: URL
    /// The name it is saved under.
    public var fileName: String
    /// The expected size in bytes, when published.
    public var size: Int64?
    /// The expected SHA-256 in hexadecimal, when published.
    public var sha256: String?

    /// A file at `url`, saved as `fileName` (default: the URL's last component).
    public init(url: URL, fileName: String? = nil, size: Int64? = nil, sha256: String? = nil) {
        self.url = url
        self.fileName = fileName ?? url.lastPathComponent
        self.size = size
        self.sha256 = sha256?.lowercased()
    }
}

/// Why a download failed; `description` is one line naming the URL or file.
public enum DownloadError: Error, CustomStringConvertible, Equatable {
    case httpStatus(url: String, status: Int)
    case network(url: String, reason: String)
    case timedOut(url: String, seconds: Double)
    case sizeMismatch(file: String, expected: Int64, actual: Int64)
    case checksumMismatch(file: String, expected: String, actual: String)
    case cannotWrite(path: String, reason: String)

    /// One line naming the URL or file and the reason.
    public var description: String {
        switch self {
        case .httpStatus(let url, let status): return "downloading \(url) failed: the server answered HTTP \(status)"
        case .network(let url, let reason): return "downloading \(url) failed: \(reason)"
        case .timedOut(let url, let seconds):
            return "downloading \(url) stalled: nothing received for \(Int(seconds)) s (run again to resume)"
        case .sizeMismatch(let file, let expected, let actual):
            return "\(file) has \(actual) bytes, expected \(expected); it was deleted, run again to re-download"
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file) has SHA-256 \(actual), expected \(expected); it was deleted, run again to re-download"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Bytes received so far for one file.
public struct DownloadProgress: Sendable {
    /// The file being downloaded.
    public let fileName: String
    /// Bytes on disk, including those from an earlier, interrupted attempt.
    public let received: Int64
    /// The full size when known.
    public let total: Int64?
    /// Where this attempt started (nonzero when it resumed).
    public let resumedFrom: Int64
}

/// Downloads files into a folder with resume, progress and verification.
public struct Downloader {
    /// Where files are saved.
    public var directory: URL
    /// Give up when nothing arrives for this long.
    public var stallTimeout: TimeInterval = 60
    /// Called as bytes arrive (at most every 64 KB) and once at the end.
    public var onProgress: ((DownloadProgress) -> Void)?

    /// A downloader saving into `directory` (created when needed).
    public init(directory: URL) { self.directory = directory }

    /// Downloads `file` unless a verified copy is already there, and returns its path.
    ///
    /// - Throws: `DownloadError` for HTTP errors, network failures, stalls, or a size or checksum mismatch (the
    ///   bad file is deleted so the next run starts afresh).
    public func fetch(_ file: RemoteFile) throws -> URL {
        let destination = directory.appendingPathComponent(file.fileName)
        let partial = directory.appendingPathComponent(file.fileName + ".part")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.cannotWrite(path: directory.path, reason: error.localizedDescription)
        }
        if FileManager.default.fileExists(atPath: destination.path) {
            // Verified before it was renamed; checking the size again is cheap and catches a truncated copy.
            if let size = file.size, fileSize(destination) != size {
                try? FileManager.default.removeItem(at: destination)
            } else {
                return destination
            }
        }
        if !FileManager.default.fileExists(atPath: partial.path) {
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw DownloadError.cannotWrite(path: partial.path, reason: "the file cannot be created")
            }
        }
        let offset = fileSize(partial)
        if file.size.map({ offset < $0 }) ?? true {
            try transfer(file, into: partial, from: offset)
        }
        try verify(file, at: partial)
        do {
            try FileManager.default.moveItem(at: partial, to: destination)
        } catch {
            throw DownloadError.cannotWrite(path: destination.path, reason: error.localizedDescription)
        }
        return destination
    }

    private func fileSize(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func verify(_ file: RemoteFile, at url: URL) throws {
        let actualSize = fileSize(url)
        if let size = file.size, actualSize != size {
            try? FileManager.default.removeItem(at: url)
            throw DownloadError.sizeMismatch(file: file.fileName, expected: size, actual: actualSize)
        }
        if let expected = file.sha256 {
            let actual = try SHA256.hexDigest(ofFile: url.path)
            if actual != expected {
                try? FileManager.default.removeItem(at: url)
                throw DownloadError.checksumMismatch(file: file.fileName, expected: expected, actual: actual)
            }
        }
    }

    /// Appends the bytes from `offset` on to `partial` (or rewrites it when the server sends the whole file).
    private func transfer(_ file: RemoteFile, into partial: URL, from offset: Int64) throws {
        var request = URLRequest(url: file.url)
        request.timeoutInterval = stallTimeout
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        guard let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw DownloadError.cannotWrite(path: partial.path, reason: "the file cannot be opened for writing")
        }
        defer { try? handle.close() }
        let receiver = Receiver(handle: handle, offset: offset, file: file, onProgress: onProgress)
        let session = URLSession(configuration: .ephemeral, delegate: receiver, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        session.dataTask(with: request).resume()
        // Wait while bytes keep arriving; a stall longer than the timeout ends the attempt.
        while receiver.finished.wait(timeout: .now() + stallTimeout) == .timedOut {
            if Date().timeIntervalSince(receiver.lastActivity) >= stallTimeout {
                throw DownloadError.timedOut(url: file.url.absoluteString, seconds: stallTimeout)
            }
        }
        if let failure = receiver.failure { throw failure }
    }
}

/// Receives one response, writing its body to the partial file. Callbacks arrive on the session's own queue;
/// the downloading thread only reads the results after `finished` is signalled.
private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let handle: FileHandle
    let file: RemoteFile
    let onProgress: ((DownloadProgress) -> Void)?
    let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _lastActivity = Date()
    var lastActivity: Date { lock.withLock { _lastActivity } }
    var failure: DownloadError?
    private var start: Int64
    private var received: Int64
    private var total: Int64?
    private var lastReport: Int64 = 0

    init(handle: FileHandle, offset: Int64, file: RemoteFile, onProgress: ((DownloadProgress) -> Void)?) {
        self.handle = handle
        self.file = file
        self.onProgress = onProgress
        start = offset
        received = offset
        total = file.size
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        switch status {
        case 206:
            handle.seekToEndOfFile()
        case 200:
            // The server ignored the Range header (or there was none): start the file over.
            handle.truncateFile(atOffset: 0)
            start = 0
            received = 0
        case 416:
            // Range not satisfiable: the partial file already holds everything; verification decides.
            completionHandler(.cancel)
            return
        default:
            failure = .httpStatus(url: file.url.absoluteString, status: status)
            completionHandler(.cancel)
            return
        }
        if total == nil, response.expectedContentLength > 0 { total = start + response.expectedContentLength }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        handle.write(data)
        received += Int64(data.count)
        lock.withLock { _lastActivity = Date() }
        if received - lastReport >= 1 << 16 {
            lastReport = received
            report()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error, failure == nil, (error as NSError).code != NSURLErrorCancelled {
            failure = .network(url: file.url.absoluteString, reason: error.localizedDescription)
        }
        if failure == nil { report() }
        finished.signal()
    }

    private func report() {
        onProgress?(DownloadProgress(fileName: file.fileName, received: received, total: total, resumedFrom: start))
    }
}
