// A model is a tree of layers. Each layer names its own parameters and its children with the components of a
// PyTorch state_dict key, so "_blocks.3._bn1.running_var" is found by walking the tree: loading a checkpoint is
// then a lookup by name, with shape checks, and nothing else.

import Engine

/// A differentiable function with parameters: the building block of every model (PyTorch: `nn.Module`).
///
/// Conformers implement `callAsFunction(_:)` and list their own parameters and sub-layers by state_dict name;
/// everything else (recursive naming, counting, freezing, loading) comes from the protocol extension.
public protocol Layer: AnyObject {
    /// The forward pass. Image layers take and return channels-last `[N, H, W, C]` tensors.
    func callAsFunction(_ input: Tensor) -> Tensor
    /// This layer's own parameters and buffers, by state_dict name ("weight", "running_mean", …).
    var ownParameters: [(name: String, parameter: Parameter)] { get }
    /// Direct sub-layers, by state_dict name component ("_bn0", "0", "features", …).
    var sublayers: [(name: String, layer: any Layer)] { get }
}

extension Layer {
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var sublayers: [(name: String, layer: any Layer)] { [] }

    /// Every parameter and buffer in the tree with its full dotted name, in definition order
    /// (PyTorch: `state_dict().items()`).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (prefix, child) in sublayers {
            result += child.namedParameters.map { ("\(prefix).\($0.name)", $0.parameter) }
        }
        return result
    }

    /// The learnable weights (not buffers), trainable or frozen.
    public var weights: [Parameter] { namedParameters.map(\.parameter).filter { $0.kind == .weight } }

    /// The weights an optimizer should update.
    public var trainableParameters: [Parameter] { weights.filter(\.isTrainable) }

    /// The number of learnable scalars (PyTorch: `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.value.scalarCount } }

    /// The number of learnable scalars that training will change.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.value.scalarCount } }

    /// Stops training every weight in this layer and its children; their BatchNorm layers then keep using their
    /// running statistics even in the training phase (the classic fine-tuning pitfall, avoided).
    public func freeze() { weights.forEach { $0.isTrainable = false } }

    /// Makes every weight in this layer and its children trainable again.
    public func unfreeze() { weights.forEach { $0.isTrainable = true } }

    /// Every layer in the tree, this one first, with dotted names ("" for this one).
    public var namedLayers: [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = [("", self)]
        for (prefix, child) in sublayers {
            result += child.namedLayers.map { ($0.name.isEmpty ? prefix : "\(prefix).\($0.name)", $0.layer) }
        }
        return result
    }

    /// The current values by full name (PyTorch: `state_dict()`).
    public var stateDictionary: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value.detached()) })
    }

    /// Fills every parameter from `state`, by name (PyTorch: `load_state_dict(strict=True)`).
    ///
    /// - Parameter ignoring: key suffixes that may be present in `state` without a matching parameter
    ///   (e.g. "num_batches_tracked").
    /// - Throws: `StateLoadingError` listing every missing key, unexpected key and shape mismatch; nothing is
    ///   assigned unless everything matches.
    public func load(_ state: [String: Tensor], ignoring ignoredSuffixes: [String] = ["num_batches_tracked"]) throws {
        let named = namedParameters
        let expected = Set(named.map(\.name))
        let missing = named.map(\.name).filter { state[$0] == nil }
        let unexpected = state.keys.filter { key in
            !expected.contains(key) && !ignoredSuffixes.contains(where: { key.hasSuffix($0) })
        }.sorted()
        let wrongShapes = named.compactMap { name, parameter -> StateLoadingError.ShapeMismatch? in
            guard let tensor = state[name], tensor.shape != parameter.shape else { return nil }
            return .init(name: name, expected: parameter.shape, found: tensor.shape)
        }
        guard missing.isEmpty, unexpected.isEmpty, wrongShapes.isEmpty else {
            throw StateLoadingError(missing: missing, unexpected: unexpected, wrongShapes: wrongShapes)
        }
        for (name, parameter) in named { parameter.assign(state[name]!) }
    }
}

/// Why a state dictionary does not fit a model: every problem at once, so one run shows them all.
public struct StateLoadingError: Error, CustomStringConvertible {
    public struct ShapeMismatch: Sendable {
        public let name: String
        public let expected: [Int]
        public let found: [Int]
    }
    public let missing: [String]
    public let unexpected: [String]
    public let wrongShapes: [ShapeMismatch]

    public var description: String {
        func list(_ names: [String]) -> String {
            names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", … (\(names.count) in all)" : "")
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing keys: \(list(missing))") }
        if !unexpected.isEmpty { parts.append("unexpected keys: \(list(unexpected))") }
        if !wrongShapes.isEmpty {
            parts.append("wrong shapes: " + list(wrongShapes.map { "\($0.name) expects \($0.expected), file has \($0.found)" }))
        }
        return "the checkpoint does not fit the model (" + parts.joined(separator: "; ") + ")"
    }
}
