import CourseAssets
import Engine
import NN

extension EfficientNetLite0 {
    /// The real ImageNet-trained Lite0 from `Assets/weights/efficientnet-lite0.pth` (fetched by Scripts/setup).
    ///
    /// - Throws: `Assets.Failure.missing` with the command to run when the weights are not there.
    public static func pretrained(assets: Assets = .standard) throws -> EfficientNetLite0 {
        let model = EfficientNetLite0()
        try model.loadWeights(from: try assets.efficientNetLite0Weights)
        return model
    }
}
