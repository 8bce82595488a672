import CourseAssets
import Engine
import NN

extension EfficientNetLite {
    /// The real ImageNet-trained network from `Assets/weights/efficientnet-lite0.pth` (or `-lite1`, `-lite2`;
    /// fetched by Scripts/setup). Lite0 unless `variant` says otherwise.
    ///
    /// - Throws: `Assets.Failure.missing` with the command to run when the weights are not there.
    public static func pretrained(_ variant: EfficientNetLiteVariant = .lite0,
                                  assets: Assets = .standard) throws -> EfficientNetLite {
        let model = EfficientNetLite(variant: variant)
        try model.loadWeights(from: try assets.weights(for: variant))
        return model
    }
}

extension Assets {
    /// The real EfficientNet-Lite0 ImageNet weights (PyTorch legacy .pth).
    public var efficientNetLite0Weights: String { get throws { try weights(for: .lite0) } }

    /// The real ImageNet weights of an EfficientNet-Lite variant (PyTorch legacy .pth), e.g.
    /// `weights/efficientnet-lite2.pth`.
    public func weights(for variant: EfficientNetLiteVariant) throws -> String {
        try path("weights/\(variant.rawValue).pth")
    }
}
