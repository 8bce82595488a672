import Checkpoint
import Engine
import Foundation
import NN

extension Layer {
    /// Loads parameters by state_dict name from a PyTorch `.pth` (legacy or zip) or `.safetensors` file,
    /// checking every shape.
    ///
    /// - Throws: `CheckpointError` for unreadable files, `StateLoadingError` listing missing, unexpected and
    ///   mis-shaped keys.
    public func loadWeights(from path: String) throws {
        let file = try CheckpointFile.load(from: path)
        var state: [String: Tensor] = [:]
        for tensor in file.tensors {
            state[tensor.name] = Tensor(shape: tensor.shape, scalars: tensor.scalars)
        }
        try load(state)
    }

    /// Writes every parameter and buffer to a safetensors file (reloadable with `loadWeights(from:)`).
    public func saveWeights(to path: String, metadata: [String: String] = [:]) throws {
        let tensors = namedParameters.map { name, parameter in
            NamedTensor(name: name, shape: parameter.shape, dtype: .float32, scalars: parameter.value.scalars)
        }
        try CheckpointFile.writeSafetensors(tensors, to: path, metadata: metadata)
    }
}

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
