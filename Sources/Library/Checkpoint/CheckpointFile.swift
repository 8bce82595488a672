import Foundation

/// The named tensors of a checkpoint file — a PyTorch `.pth` (legacy or zip) or a `.safetensors`.
///
/// Loading never runs code: pickles are read by a safe unpickler that knows only the objects a
/// state_dict uses. Concretely:
/// ```
/// let weights = try CheckpointFile.load(from: "Assets/weights/efficientnet-lite0.pth")
/// weights["_conv_stem.weight"]?.shape   // [32, 3, 3, 3]
/// weights.parameterCount                // 4652008
/// ```
public struct CheckpointFile: Sendable {
    /// How the file was stored.
    public enum Format: String, Sendable {
        /// `torch.save` before PyTorch 1.6: a sequence of pickles and raw storages.
        case torchLegacy = "PyTorch legacy"
        /// `torch.save` since PyTorch 1.6: a zip archive holding `data.pkl` and `data/<key>`.
        case torchZip = "PyTorch zip"
        /// A safetensors file: a JSON header and raw data.
        case safetensors
    }

    /// The tensors in file order (state_dict order for PyTorch files, data order for safetensors).
    public let tensors: [NamedTensor]
    /// The format the tensors were read from (`.safetensors` for a checkpoint built in memory).
    public let format: Format
    /// Free-form strings stored beside the tensors (safetensors' `__metadata__`; empty for PyTorch files), e.g.
    /// the class names `lab train` writes.
    public let metadata: [String: String]
    private let indexByName: [String: Int]

    /// A checkpoint holding `tensors`; names must be unique.
    public init(tensors: [NamedTensor], format: Format = .safetensors, metadata: [String: String] = [:]) {
        var index: [String: Int] = [:]
        for (i, tensor) in tensors.enumerated() {
            precondition(index.updateValue(i, forKey: tensor.name) == nil, "two tensors are named \(tensor.name)")
        }
        self.tensors = tensors
        self.format = format
        self.metadata = metadata
        self.indexByName = index
    }

    /// The tensor named `name` (a state_dict key such as `_fc.weight`), or nil.
    public subscript(name: String) -> NamedTensor? {
        indexByName[name].map { tensors[$0] }
    }

    /// The tensor names in file order.
    public var names: [String] { tensors.map(\.name) }

    /// The number of learnable values, as PyTorch's `sum(p.numel() for p in model.parameters())`
    /// counts them: elements of floating-point tensors that are not BatchNorm running statistics
    /// (Lite0: 4,652,008). Integer bookkeeping such as `num_batches_tracked` is never counted.
    public var parameterCount: Int {
        tensors.filter { $0.dtype.isFloatingPoint && !$0.isRunningStatistic }.reduce(0) { $0 + $1.elementCount }
    }

    /// Elements of all floating-point tensors, running statistics included (Lite0: 4,694,024).
    public var floatingPointElementCount: Int {
        tensors.filter(\.dtype.isFloatingPoint).reduce(0) { $0 + $1.elementCount }
    }

    /// Reads the checkpoint at `path`, choosing the format by its first bytes:
    /// `PK\u{3}\u{4}` → PyTorch zip, `0x80 0x02` (a protocol-2 pickle) → PyTorch legacy,
    /// a plausible header length followed by `{` → safetensors.
    /// - Throws: `CheckpointError`, naming the file — never crashes on a bad file.
    public static func load(from path: String) throws -> CheckpointFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw CheckpointError.notACheckpoint(path: path, reason: "it is a directory")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.notACheckpoint(path: path, reason: "the file cannot be read (permissions?)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Reads a checkpoint from its bytes; `path` only names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> CheckpointFile {
        guard !bytes.isEmpty else { throw CheckpointError.notACheckpoint(path: path, reason: "the file is empty") }
        let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04], pickleMagic: [UInt8] = [0x80, 0x02]
        if bytes.count < zipMagic.count && (zipMagic.starts(with: bytes) || pickleMagic.starts(with: bytes)) {
            throw CheckpointError.truncated(path: path, reason: "the file ends after \(bytes.count) byte(s), "
                + "inside the format's magic number")
        }
        do {
            if bytes.starts(with: zipMagic) {
                return CheckpointFile(tensors: try unique(TorchZipFormat.read(bytes)), format: .torchZip)
            }
            if bytes.starts(with: pickleMagic) {
                return CheckpointFile(tensors: try unique(TorchLegacyFormat.read(bytes)), format: .torchLegacy)
            }
            if SafetensorsFormat.looksLikeSafetensors(bytes) {
                return CheckpointFile(tensors: try unique(SafetensorsFormat.read(bytes)), format: .safetensors,
                                      metadata: SafetensorsFormat.metadata(of: bytes))
            }
        } catch let failure as ParseFailure {
            throw failure.error(path: path)
        }
        let start = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw CheckpointError.notACheckpoint(path: path, reason: "neither a PyTorch .pth (zip or legacy) nor "
            + "safetensors (first bytes \(start))")
    }

    private static func unique(_ tensors: [NamedTensor]) throws -> [NamedTensor] {
        var seen = Set<String>()
        for tensor in tensors where !seen.insert(tensor.name).inserted {
            throw ParseFailure.corrupt("two tensors are named \(tensor.name)")
        }
        return tensors
    }

    /// Writes `tensors` to `path` as safetensors, in the given order: floating-point tensors as F32
    /// (exact for float16/bfloat16 sources), integer and bool tensors in their own dtype.
    /// - Parameter metadata: free-form strings stored under `__metadata__`.
    /// - Throws: `CheckpointError.cannotWrite` for duplicate names or a failed write.
    public static func writeSafetensors(_ tensors: [NamedTensor], to path: String,
                                        metadata: [String: String] = [:]) throws {
        let bytes: [UInt8]
        do {
            bytes = try SafetensorsFormat.encode(tensors, metadata: metadata)
        } catch let failure as ParseFailure {
            let reason = if case .corrupt(let text) = failure { text } else { "\(failure)" }
            throw CheckpointError.cannotWrite(path: path, reason: reason)
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CheckpointError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// Writes this checkpoint's tensors to `path` as safetensors (see the static version).
    public func writeSafetensors(to path: String, metadata: [String: String] = [:]) throws {
        try Self.writeSafetensors(tensors, to: path, metadata: metadata)
    }
}
