// The model zoo: every architecture the course builds, by the name the command line uses.

import CourseAssets
import NN

/// The architectures TransferLab can build. EfficientNet-Lite0, -Lite1 and -Lite2 have real pretrained weights
/// offline; the others are built with seeded random weights (their parameter counts are real) unless a checkpoint is given.
/// All but Lite0 are torchvision's architectures with torchvision's state_dict names, so a torchvision
/// checkpoint (`torch.save(model.state_dict(), "m.pth")`) loads with `loadWeights(from:)`.
public enum Architecture: String, CaseIterable, Sendable {
    case efficientNetLite0 = "efficientnet-lite0"
    case efficientNetLite1 = "efficientnet-lite1"
    case efficientNetLite2 = "efficientnet-lite2"
    case vgg16 = "vgg16"
    case vgg19 = "vgg19"
    case resNet50 = "resnet50"
    case mobileNetV2 = "mobilenet-v2"
    case mobileNetV3Large = "mobilenet-v3-large"
    case mobileNetV3Small = "mobilenet-v3-small"
    case efficientNetB0 = "efficientnet-b0"

    /// Builds the network with seeded random weights (torchvision's initialization scales for torchvision's
    /// architectures).
    public func build(seed: UInt64 = 0) -> any ImageClassifier {
        switch self {
        case .efficientNetLite0, .efficientNetLite1, .efficientNetLite2:
            return EfficientNetLite(variant: liteVariant!, seed: seed)
        case .vgg16: return VGG(.vgg16, seed: seed)
        case .vgg19: return VGG(.vgg19, seed: seed)
        case .resNet50: return ResNet50(seed: seed)
        case .mobileNetV2: return MobileNetV2(seed: seed)
        case .mobileNetV3Large: return MobileNetV3(.large, seed: seed)
        case .mobileNetV3Small: return MobileNetV3(.small, seed: seed)
        case .efficientNetB0: return EfficientNetB0(seed: seed)
        }
    }

    /// The number of learnable parameters, as torchvision counts them for its ImageNet models.
    public var parameterCount: Int {
        switch self {
        case .efficientNetLite0: return 4_652_008
        case .efficientNetLite1: return 5_416_680
        case .efficientNetLite2: return 6_092_072
        case .vgg16: return 138_357_544
        case .vgg19: return 143_667_240
        case .resNet50: return 25_557_032
        case .mobileNetV2: return 3_504_872
        case .mobileNetV3Large: return 5_483_032
        case .mobileNetV3Small: return 2_542_856
        case .efficientNetB0: return 5_288_548
        }
    }

    /// Whether real ImageNet weights for this architecture are among the assets.
    public var hasPretrainedWeights: Bool { liteVariant != nil }

    /// The EfficientNet-Lite variant this architecture is, if it is one.
    public var liteVariant: EfficientNetLiteVariant? { EfficientNetLiteVariant(rawValue: rawValue) }

    /// The network with its real ImageNet weights.
    ///
    /// - Throws: `ZooError.noPretrainedWeights` for architectures without offline weights, or the asset and
    ///   checkpoint errors of loading.
    public func pretrained(assets: Assets = .standard) throws -> any ImageClassifier {
        guard let liteVariant else { throw ZooError.noPretrainedWeights(self) }
        return try EfficientNetLite.pretrained(liteVariant, assets: assets)
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
