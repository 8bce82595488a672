// The downloader is tested only against a small HTTP server that the test starts on 127.0.0.1 — never a real host.
// The server (Python's http.server with a handler of our own) serves files from a temporary folder and can honour
// Range requests (/files/…), ignore them (/norange/…), or drop the connection half-way (/interrupt/…).

import Foundation
import Testing
import Course
@testable import Attacks
@testable import Augmentations
@testable import CourseAssets
@testable import Datasets
@testable import Models

private let serverScript = #"""
import http.server, os, re, sys, threading
root = sys.argv[1]
# Whatever happens to the test, the server is gone after a minute.
threading.Timer(60, lambda: os._exit(0)).start()
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_GET(self):
        mode, name = self.path.strip('/').split('/', 1)
        path = os.path.join(root, name)
        if not os.path.isfile(path):
            self.send_error(404); return
        data = open(path, 'rb').read()
        start = 0
        requested = self.headers.get('Range')
        if requested and mode == 'files':
            start = int(re.match(r'bytes=(\d+)-', requested).group(1))
            if start >= len(data):
                self.send_response(416); self.send_header('Content-Length', '0'); self.end_headers(); return
            self.send_response(206)
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if mode == 'interrupt':
            self.wfile.write(body[:len(body) // 2]); self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

/// A local server over `folder`, stopped by `stop()`.
private final class LocalServer {
    let process = Process()
    let port: Int

    init(serving folder: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", serverScript, folder.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The first line is the port; an empty read means the server died before printing it.
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw DownloadError.network(url: "127.0.0.1", reason: "the test server did not start")
        }
        self.port = port
    }

    func url(_ mode: String, _ name: String) -> URL { URL(string: "http://127.0.0.1:\(port)/\(mode)/\(name)")! }

    func stop() {
        // SIGKILL: a test runner may start children with SIGTERM blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("Downloads (local server only)", .serialized)
struct DownloadTests {
    /// 300 KB of varied bytes, so partial and shifted copies cannot pass the checksum.
    let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })

    private func withServer(_ body: (LocalServer, URL, URL) throws -> Void) throws {
        let served = try temporaryFolder("served"), target = try temporaryFolder("downloads")
        defer {
            try? FileManager.default.removeItem(at: served)
            try? FileManager.default.removeItem(at: target)
        }
        try payload.write(to: served.appendingPathComponent("archive.bin"))
        let server = try LocalServer(serving: served)
        defer { server.stop() }
        try body(server, served, target)
    }

    /// Packs `records` (CIFAR-10's binary format, 3073 bytes each) into `served/cifar-10-binary.tar.gz`, laid out as
    /// the real archive (`cifar-10-batches-bin/data_batch_1.bin`), and returns the archive's bytes.
    @discardableResult
    private func servedCIFARArchive(records: [UInt8], in served: URL) throws -> Data {
        let folder = served.appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(records).write(to: folder.appendingPathComponent("data_batch_1.bin"))
        try run(["tar", "-czf", "cifar-10-binary.tar.gz", "cifar-10-batches-bin"], in: served)
        return try Data(contentsOf: served.appendingPathComponent("cifar-10-binary.tar.gz"))
    }

    /// CIFAR-10's download pointed at an archive of `records` on `server`, with the archive's size and SHA-256.
    private func servedCIFAR(records: [UInt8], on server: LocalServer, in served: URL) throws -> DatasetDownload {
        let archive = try servedCIFARArchive(records: records, in: served)
        var download = DatasetDownload.cifar10
        download.files = [RemoteFile(url: server.url("files", "cifar-10-binary.tar.gz"),
                                     size: Int64(archive.count), sha256: SHA256.hexDigest(of: archive))]
        return download
    }

    @Test("a download is verified, reports progress and is skipped when already there")
    func downloadAndSkip() throws {
        try withServer { server, _, target in
            let file = RemoteFile(url: server.url("files", "archive.bin"), size: Int64(payload.count),
                                  sha256: SHA256.hexDigest(of: payload))
            var downloader = Downloader(directory: target)
            downloader.stallTimeout = 10
            var reports: [DownloadProgress] = []
            downloader.onProgress = { reports.append($0) }
            let path = try downloader.fetch(file)
            #expect(try Data(contentsOf: path) == payload)
            #expect(reports.last?.received == Int64(payload.count) && reports.last?.total == Int64(payload.count))
            #expect(reports.count >= 2)
            #expect(!FileManager.default.fileExists(atPath: path.path + ".part"))
            // Already there: no request is made (this URL's port is closed).
            let offline = RemoteFile(url: URL(string: "http://127.0.0.1:9/files/archive.bin")!,
                                     size: Int64(payload.count))
            #expect(try downloader.fetch(offline) == path)
        }
    }

    @Test("an interrupted download resumes with a Range request")
    func resume() throws {
        try withServer { server, _, target in
            var downloader = Downloader(directory: target)
            downloader.stallTimeout = 10
            var interrupted = RemoteFile(url: server.url("interrupt", "archive.bin"), size: Int64(payload.count),
                                         sha256: SHA256.hexDigest(of: payload))
            #expect(throws: DownloadError.self) { try downloader.fetch(interrupted) }
            let partial = target.appendingPathComponent("archive.bin.part")
            let kept = try Data(contentsOf: partial).count
            #expect(kept > 0 && kept < payload.count)

            var starts: [Int64] = []
            downloader.onProgress = { starts.append($0.resumedFrom) }
            interrupted.url = server.url("files", "archive.bin")
            let path = try downloader.fetch(interrupted)
            #expect(starts.allSatisfy { $0 == Int64(kept) }, "the second attempt starts at byte \(kept)")
            #expect(try Data(contentsOf: path) == payload)
        }
    }

    @Test("a server that ignores Range gets the whole file again, and the result is still right")
    func serverWithoutRange() throws {
        try withServer { server, _, target in
            try payload.prefix(1000).write(to: target.appendingPathComponent("archive.bin.part"))
            var downloader = Downloader(directory: target)
            downloader.stallTimeout = 10
            var starts: [Int64] = []
            downloader.onProgress = { starts.append($0.resumedFrom) }
            let file = RemoteFile(url: server.url("norange", "archive.bin"), sha256: SHA256.hexDigest(of: payload))
            #expect(try Data(contentsOf: downloader.fetch(file)) == payload)
            #expect(starts.last == 0)
        }
    }

    @Test("a wrong checksum, a wrong size and HTTP 404 are clear errors and leave no file behind")
    func failures() throws {
        try withServer { server, _, target in
            var downloader = Downloader(directory: target)
            downloader.stallTimeout = 10
            let zeros = String(repeating: "0", count: 64)
            let wrongSum = RemoteFile(url: server.url("files", "archive.bin"), sha256: zeros)
            #expect(throws: DownloadError.checksumMismatch(file: "archive.bin", expected: zeros,
                                                           actual: SHA256.hexDigest(of: payload))) {
                try downloader.fetch(wrongSum)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
            let wrongSize = RemoteFile(url: server.url("files", "archive.bin"), size: 5)
            #expect(throws: DownloadError.self) { try downloader.fetch(wrongSize) }
            do {
                _ = try downloader.fetch(RemoteFile(url: server.url("files", "missing.bin")))
                Issue.record("a 404 must throw")
            } catch let error as DownloadError {
                #expect(error.description.contains("HTTP 404"))
            }
        }
    }

    @Test("CIFAR-10 is downloaded, unpacked and read end to end")
    func cifarEndToEnd() throws {
        try withServer { server, served, target in
            // A miniature cifar-10-binary.tar.gz: two records in data_batch_1.bin.
            var records = [UInt8](repeating: 10, count: 2 * 3073)
            records[0] = 3
            records[3073] = 8
            var download = try servedCIFAR(records: records, on: server, in: served)
            let dataset = try download.load(in: target) { $0.stallTimeout = 10 }
            #expect(dataset.labels == [3, 8])
            #expect(dataset.classNames[3] == "cat")
            #expect(try dataset.image(at: 1).pixels.allSatisfy { abs($0 - 10 / 255) < 1e-6 })
            // A second call finds the unpacked folder and does not download again.
            download.files[0].url = URL(string: "http://127.0.0.1:9/files/cifar-10-binary.tar.gz")!
            #expect(try download.load(in: target).count == 2)
        }
    }

    @Test("--dataset cifar10 downloads, verifies, unpacks and splits the pictures for a lesson (local server)")
    func lessonDatasetDownload() throws {
        try withServer { server, served, target in
            // A miniature cifar-10-binary.tar.gz: three 32×32 records of each of the ten classes.
            let records = (0..<30).flatMap { index in
                [UInt8(index % 10)] + [UInt8](repeating: UInt8(index * 8), count: 3072)
            }
            var download = try servedCIFAR(records: records, on: server, in: served)
            #expect(LessonDataset(argument: "cifar10") == .download(.cifar10), "the name the command line uses")
            let (training, test) = try LessonDataset.download(download).load(
                trainingPerClass: 2, testPerClass: 1, side: 16, seed: 0, downloads: target) { $0.stallTimeout = 10 }
            #expect(training.count == 20 && test.count == 10, "2 + 1 of each of the ten classes")
            #expect(Set(test.labels) == Set(0..<10) && training.classNames[3] == "cat")
            #expect((training.width, training.channels) == (16, 3))
            #expect(training.name == "cifar-10-train-16px", "the feature cache's key names the source and size")
            // A wrong checksum is an error, not a dataset.
            download.files[0].sha256 = String(repeating: "0", count: 64)
            #expect(throws: DownloadError.self) {
                _ = try LessonDataset.download(download).load(trainingPerClass: 2, testPerClass: 1, side: 16, seed: 0,
                                                              downloads: target.appendingPathComponent("again"))
            }
        }
    }

    @Test("an archive without a published sum has its SHA-256 recorded on first download and checked after")
    func recordedDigest() throws {
        try withServer { server, served, target in
            try servedCIFARArchive(records: [UInt8](repeating: 1, count: 3073), in: served)
            var download = DatasetDownload.cifar10
            download.files = [RemoteFile(url: server.url("files", "cifar-10-binary.tar.gz"))]    // no size, no sum
            let root = try download.prepare(in: target) { $0.stallTimeout = 10 }
            let archive = root.appendingPathComponent("downloads/cifar-10-binary.tar.gz")
            let recorded = try String(contentsOf: archive.appendingPathExtension("sha256"), encoding: .utf8)
            #expect(recorded == SHA256.hexDigest(of: try Data(contentsOf: archive)) + "\n")
            // The archive changes on the server; a fresh download no longer matches what was recorded.
            try FileManager.default.removeItem(at: archive)
            try FileManager.default.removeItem(at: root.appendingPathComponent("cifar-10-batches-bin"))
            try servedCIFARArchive(records: [UInt8](repeating: 2, count: 3073), in: served)
            #expect(throws: DownloadError.self) { _ = try download.prepare(in: target) { $0.stallTimeout = 10 } }
        }
    }
}
