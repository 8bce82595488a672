import Foundation
@testable import Checkpoint

/// The directory holding Package.swift, found by walking up from this file.
let packageRoot: URL = {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            return directory
        }
        directory.deleteLastPathComponent()
    }
    fatalError("no Package.swift above \(#filePath)")
}()

/// `Assets/…` under the package root, or under `TRANSFERLAB_ASSETS` when set.
func assetPath(_ relative: String) -> String {
    if let assets = ProcessInfo.processInfo.environment["TRANSFERLAB_ASSETS"] {
        return URL(fileURLWithPath: assets).appendingPathComponent(relative).path
    }
    return packageRoot.appendingPathComponent("Assets").appendingPathComponent(relative).path
}

let lite0Path = assetPath("weights/efficientnet-lite0.pth")

/// The PyTorch reference folder beside the repository.
let vendoredReference = packageRoot.appendingPathComponent("Tests/Reference")

/// A file from Tests/CheckpointTests/Fixtures (made by make_fixtures.py).
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

/// A path in this test process's own temporary directory (small files; the large one is removed).
func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("CheckpointTests-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

/// The error `body` throws, as a CheckpointError (nil if it throws nothing or something else).
func checkpointError(_ body: () throws -> Void) -> CheckpointError? {
    do {
        try body()
        return nil
    } catch let error as CheckpointError {
        return error
    } catch {
        return nil
    }
}

extension CheckpointError {
    /// The case name, so tests can say which kind of error they expect.
    var kind: String {
        switch self {
        case .fileNotFound: return "fileNotFound"
        case .notACheckpoint: return "notACheckpoint"
        case .truncated: return "truncated"
        case .corrupt: return "corrupt"
        case .forbiddenGlobal: return "forbiddenGlobal"
        case .unsupported: return "unsupported"
        case .cannotWrite: return "cannotWrite"
        }
    }
}

extension NamedTensor {
    /// The element at a multi-index, row-major.
    subscript(_ index: Int...) -> Float {
        precondition(index.count == shape.count)
        var flat = 0
        for (i, n) in zip(index, shape) { flat = flat * n + i }
        return scalars[flat]
    }
}
