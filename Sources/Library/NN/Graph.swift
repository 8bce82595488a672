// Models as graphs (Keras's functional API). A `GraphBuilder` hands out symbolic values; passing a value through
// a named layer, adding two values or concatenating several records a node and returns a new value. `model(...)`
// turns the recorded nodes into a `GraphModel`, an ordinary `Layer` whose sublayers are the named layers, so
// parameters, freezing, checkpoints and summaries work as for any other model. Several inputs, several outputs,
// branches and skip connections are all just nodes; they run in the order they were recorded, which is always
// a valid order because a node can only use values that existed before it.

import Engine

/// A value in a graph under construction (Keras: a symbolic tensor): an input, a layer's output or a merge.
public struct SymbolicValue {
    let builder: GraphBuilder
    let node: Int

    /// This value passed through `layer`, which the model names `name` (its state_dict prefix).
    public func through(_ name: String, _ layer: any Layer) -> SymbolicValue {
        builder.append(.layer(name: name, layer: layer, input: node), from: [self])
    }

    /// This value passed through a parameter-free function such as `relu`, shown as the layer `name`.
    public func through(_ name: String, _ function: @escaping (Tensor) -> Tensor) -> SymbolicValue {
        through(name, Activation(function))
    }
}

/// Records a model as a graph of named layers (Keras: `keras.Input(...)`, calling layers on tensors, then
/// `keras.Model(inputs, outputs)`).
///
/// ```swift
/// let graph = GraphBuilder()
/// let image = graph.input("image"), size = graph.input("size")
/// let x = image.through("conv", Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3))
///     .through("relu", relu).through("pool", globalAveragePool)
/// let joined = graph.concatenate([x, size.through("size.dense", Dense(inputSize: 1, outputSize: 4))], name: "join")
/// let model = try graph.model(outputs: ["class": joined.through("classifier", Dense(inputSize: 12, outputSize: 10))])
/// let logits = model([images, sizes])[0]
/// ```
public final class GraphBuilder {
    enum Node {
        case input(name: String)
        case layer(name: String, layer: any Layer, input: Int)
        case merge(layer: Merge, inputs: [Int])
    }
    private(set) var nodes: [Node] = []
    private var problems: [String] = []

    /// An empty graph.
    public init() {}

    /// A new input of the model, `name` for error messages and summaries; inputs are passed in this order.
    public func input(_ name: String) -> SymbolicValue {
        append(.input(name: name), from: [])
    }

    /// The elementwise sum of `values` (same shapes; Keras: `layers.Add`), the merge of a skip connection.
    public func add(_ values: [SymbolicValue], name: String) -> SymbolicValue {
        if values.count < 2 { problems.append("\(name): add needs at least two values, got \(values.count)") }
        return append(.merge(layer: Merge(name: name, kind: .add), inputs: values.map(\.node)), from: values)
    }

    /// `values` joined along the last axis (Keras: `layers.Concatenate`), e.g. image features and side inputs.
    public func concatenate(_ values: [SymbolicValue], name: String) -> SymbolicValue {
        if values.isEmpty { problems.append("\(name): concatenate needs at least one value") }
        return append(.merge(layer: Merge(name: name, kind: .concatenate), inputs: values.map(\.node)), from: values)
    }

    /// The model computing `outputs` (in this order) from every input of this graph (in creation order).
    ///
    /// - Throws: `GraphError` when two nodes share a name, a value comes from another graph, an input is not
    ///   used by any output, or there are no inputs or outputs.
    public func model(outputs: KeyValuePairs<String, SymbolicValue>) throws -> GraphModel {
        var problems = self.problems
        if outputs.isEmpty { problems.append("the model has no outputs") }
        let inputNodes = nodes.indices.filter { if case .input = nodes[$0] { return true } else { return false } }
        if inputNodes.isEmpty { problems.append("the graph has no inputs") }
        var seen: Set<String> = []
        for node in nodes where !seen.insert(name(of: node)).inserted {
            problems.append("two nodes are named '\(name(of: node))'")
        }
        if outputs.contains(where: { $0.value.builder !== self }) { problems.append("an output comes from another graph") }
        // Every node some output needs, walking back from the outputs.
        var needed = Set(outputs.map(\.value.node))
        for index in nodes.indices.reversed() where needed.contains(index) { needed.formUnion(parents(of: nodes[index])) }
        for index in inputNodes where !needed.contains(index) {
            problems.append("input '\(name(of: nodes[index]))' is not used by any output")
        }
        guard problems.isEmpty else { throw GraphError(problems: problems) }
        return GraphModel(nodes: nodes, needed: needed, inputs: inputNodes,
                          outputs: outputs.map { ($0.key, $0.value.node) })
    }

    func append(_ node: Node, from values: [SymbolicValue]) -> SymbolicValue {
        if values.contains(where: { $0.builder !== self }) {
            problems.append("\(name(of: node)) uses a value from another graph")
        }
        nodes.append(node)
        return SymbolicValue(builder: self, node: nodes.count - 1)
    }

    func name(of node: Node) -> String {
        switch node {
        case .input(let name), .layer(let name, _, _): return name
        case .merge(let layer, _): return layer.name
        }
    }

    func parents(of node: Node) -> [Int] {
        switch node {
        case .input: return []
        case .layer(_, _, let input): return [input]
        case .merge(_, let inputs): return inputs
        }
    }
}

/// Why a graph cannot become a model: every problem at once.
public struct GraphError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "the graph is not a valid model: " + problems.joined(separator: "; ") }
}

/// A merge node of a graph: the sum or the concatenation of its inputs (a layer without parameters, so that it
/// appears in summaries and forward hooks like any other).
public final class Merge: Layer {
    public enum Kind: Sendable { case add, concatenate }
    public let name: String
    public let kind: Kind
    init(name: String, kind: Kind) { self.name = name; self.kind = kind }

    /// The merge of `inputs`.
    public func merged(_ inputs: [Tensor]) -> Tensor {
        switch kind {
        case .add: return hooked(inputs.dropFirst().reduce(inputs[0], +))
        case .concatenate: return hooked(concatenate(inputs, alongAxis: inputs[0].rank - 1))
        }
    }

    /// A merge of one value is that value.
    public func callAsFunction(_ input: Tensor) -> Tensor { merged([input]) }
}

/// A model recorded by a `GraphBuilder` (Keras: `keras.Model(inputs, outputs)`): several inputs and outputs,
/// branches and skip connections; its sublayers are the graph's named layers, in the order they were added.
public final class GraphModel: Layer {
    let nodes: [GraphBuilder.Node]
    let needed: Set<Int>
    let inputNodes: [Int]
    let outputNodes: [(name: String, node: Int)]

    init(nodes: [GraphBuilder.Node], needed: Set<Int>, inputs: [Int], outputs: [(String, Int)]) {
        self.nodes = nodes
        self.needed = needed
        self.inputNodes = inputs
        self.outputNodes = outputs
    }

    /// The inputs' names, in the order `callAsFunction(_:)` takes them.
    public var inputNames: [String] {
        inputNodes.map { if case .input(let name) = nodes[$0] { return name } else { return "" } }
    }

    /// The outputs' names, in the order `callAsFunction(_:)` returns them.
    public var outputNames: [String] { outputNodes.map(\.name) }

    public var sublayers: [(name: String, layer: any Layer)] {
        nodes.compactMap { node in
            switch node {
            case .input: return nil
            case .layer(let name, let layer, _): return (name, layer)
            case .merge(let merge, _): return (merge.name, merge)
            }
        }
    }

    /// Every output for `inputs` (one tensor per input, in `inputNames` order), in `outputNames` order.
    public func callAsFunction(_ inputs: [Tensor]) -> [Tensor] {
        precondition(inputs.count == inputNodes.count,
                     "the model takes \(inputNodes.count) inputs (\(inputNames.joined(separator: ", "))), "
                     + "got \(inputs.count)")
        var values = [Tensor?](repeating: nil, count: nodes.count)
        for (node, input) in zip(inputNodes, inputs) { values[node] = input }
        for (index, node) in nodes.enumerated() where needed.contains(index) {
            switch node {
            case .input: break
            case .layer(_, let layer, let input): values[index] = layer(values[input]!)
            case .merge(let merge, let inputs): values[index] = merge.merged(inputs.map { values[$0]! })
            }
        }
        return outputNodes.map { hooked(values[$0.node]!) }
    }

    /// The output of a model with one input and one output.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(inputNodes.count == 1 && outputNodes.count == 1,
                     "a model with \(inputNodes.count) inputs and \(outputNodes.count) outputs takes an array")
        return self([input])[0]
    }
}
