/// Everything that can go wrong reading or writing a checkpoint.
///
/// Each case names the file, and `description` is one line a user can act on, e.g.
/// `lite0.pth: truncated: storage 103185984 needs 3456 bytes, only 120 left`.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but is not a checkpoint at all (a directory, an empty file, a photo, …).
    case notACheckpoint(path: String, reason: String)
    /// The file ends before the data it announces.
    case truncated(path: String, reason: String)
    /// The bytes are inconsistent (bad pickle, offsets outside the data, mismatched sizes, …).
    case corrupt(path: String, reason: String)
    /// The pickle asks for a Python object outside the allow-list (e.g. `os.system`); nothing is run.
    case forbiddenGlobal(path: String, module: String, name: String)
    /// A valid file that uses a feature this reader does not implement (e.g. compressed zip entries).
    case unsupported(path: String, reason: String)
    /// Writing the file failed.
    case cannotWrite(path: String, reason: String)

    /// One line: the file, the kind of problem and the reason.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .notACheckpoint(let path, let reason):
            return "\(path): not a checkpoint: \(reason)"
        case .truncated(let path, let reason):
            return "\(path): truncated: \(reason)"
        case .corrupt(let path, let reason):
            return "\(path): corrupt: \(reason)"
        case .forbiddenGlobal(let path, let module, let name):
            return "\(path): refused: the pickle asks for the Python object \(module).\(name), which is not "
                + "tensor data (loading a checkpoint never runs code; only tensors are read)"
        case .unsupported(let path, let reason):
            return "\(path): unsupported: \(reason)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

/// A reason found deep inside a parser, before the file's path is attached.
///
/// Parsers throw this; `CheckpointFile.load(from:)` turns it into a `CheckpointError` naming the file.
enum ParseFailure: Error {
    case truncated(String)
    case corrupt(String)
    case notACheckpoint(String)
    case forbiddenGlobal(module: String, name: String)
    case unsupported(String)

    func error(path: String) -> CheckpointError {
        switch self {
        case .truncated(let reason): return .truncated(path: path, reason: reason)
        case .corrupt(let reason): return .corrupt(path: path, reason: reason)
        case .notACheckpoint(let reason): return .notACheckpoint(path: path, reason: reason)
        case .forbiddenGlobal(let module, let name): return .forbiddenGlobal(path: path, module: module, name: name)
        case .unsupported(let reason): return .unsupported(path: path, reason: reason)
        }
    }
}
