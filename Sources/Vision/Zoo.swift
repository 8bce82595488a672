// The model zoo: every architecture the course builds, by the name the command line uses.

import NN

/// The architectures TransferLab can build. Only EfficientNet-Lite0 has real pretrained weights offline; the
/// others are built with seeded random weights (their parameter counts are real) unless a checkpoint is given.
public enum Architecture: String, CaseIterable, Sendable {
    case efficientNetLite0 = "efficientnet-lite0"

    /// Builds the network with seeded random weights.
    public func build(seed: UInt64 = 0) -> any ImageClassifier {
        switch self {
        case .efficientNetLite0: return EfficientNetLite0(seed: seed)
        }
    }

    /// Whether real ImageNet weights for this architecture are among the assets.
    public var hasPretrainedWeights: Bool { self == .efficientNetLite0 }

    /// The network with its real ImageNet weights.
    ///
    /// - Throws: `ZooError.noPretrainedWeights` for architectures without offline weights, or the asset and
    ///   checkpoint errors of loading.
    public func pretrained(assets: Assets = .standard) throws -> any ImageClassifier {
        switch self {
        case .efficientNetLite0: return try EfficientNetLite0.pretrained(assets: assets)
        }
    }
}

/// Why the zoo cannot give a model.
public enum ZooError: Error, CustomStringConvertible {
    case unknownArchitecture(String)
    case noPretrainedWeights(Architecture)

    public var description: String {
        switch self {
        case .unknownArchitecture(let name):
            let known = Architecture.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown model '\(name)' (known: \(known))"
        case .noPretrainedWeights(let architecture):
            return "no pretrained weights for \(architecture.rawValue) are available offline; "
                + "pass --weights FILE with a torchvision checkpoint"
        }
    }
}
