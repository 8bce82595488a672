// Weights of any `Layer` to and from checkpoint files, by state_dict name (see Checkpoint for the formats).

import Checkpoint
import Engine

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
