import Engine
import Foundation
import NN
import Testing

@Suite("Graph models, summaries and forward hooks")
struct GraphTests {
    /// Two inputs (a picture and a scalar) merged by concatenation, two outputs.
    func twoInputModel() throws -> GraphModel {
        let graph = GraphBuilder()
        let image = graph.input("image"), size = graph.input("size")
        let pooled = image.through("conv", Conv2D(inputChannels: 1, outputChannels: 3, kernelSize: 3, seed: 1))
            .through("relu", relu).through("pool", globalAveragePool)
        let side = size.through("side", Dense(inputSize: 1, outputSize: 2, seed: 2))
        let joined = graph.concatenate([pooled, side], name: "join")
        return try graph.model(outputs: ["class": joined.through("classifier", Dense(inputSize: 5, outputSize: 4)),
                                         "group": joined.through("group", Dense(inputSize: 5, outputSize: 2))])
    }

    @Test("a two-input, two-output graph computes what its layers compute, in order, with named parameters")
    func twoInputsTwoOutputs() throws {
        let model = try twoInputModel()
        #expect(model.inputNames == ["image", "size"] && model.outputNames == ["class", "group"])
        #expect(model.namedParameters.map(\.name) == ["conv.weight", "conv.bias", "side.weight", "side.bias",
                                                      "classifier.weight", "classifier.bias", "group.weight",
                                                      "group.bias"])
        let image = Tensor.random(uniform: [2, 6, 6, 1], seed: 3), size = Tensor(shape: [2, 1], scalars: [0.5, 2])
        let outputs = model([image, size])
        #expect(outputs.map(\.shape) == [[2, 4], [2, 2]])
        let layers = Dictionary(uniqueKeysWithValues: model.sublayers.map { ($0.name, $0.layer) })
        let joined = concatenate([globalAveragePool(relu(layers["conv"]!(image))), layers["side"]!(size)],
                                 alongAxis: 1)
        #expect(outputs[0].isAlmostEqual(to: layers["classifier"]!(joined)))
        #expect(outputs[1].isAlmostEqual(to: layers["group"]!(joined)))
    }

    @Test("gradients flow through both branches of a skip connection")
    func residualGradient() throws {
        let graph = GraphBuilder()
        let x = graph.input("x")
        let dense = Dense(inputSize: 3, outputSize: 3, seed: 4)
        let sum = graph.add([x.through("dense", dense), x], name: "add")
        let model = try graph.model(outputs: ["y": sum])
        let input = Tensor(shape: [1, 3], scalars: [1, -2, 3]).requiringGradient()
        let gradient = model(input).sum().gradient(for: input)
        // d(Wx + b + x)/dx summed over outputs = column sums of W, plus 1 from the identity branch.
        let columnSums = dense.weight.value.sum(squeezingAxes: [0]).scalars
        #expect(gradient.scalars.indices.allSatisfy { Swift.abs(gradient.scalars[$0] - (columnSums[$0] + 1)) < 1e-5 })
    }

    @Test("an invalid graph throws one error naming every problem")
    func invalidGraph() {
        let graph = GraphBuilder(), other = GraphBuilder()
        let a = graph.input("a"), unused = graph.input("unused")
        _ = unused
        let b = a.through("same", relu).through("same", relu)
        let foreign = other.input("z")
        _ = graph.add([b, foreign], name: "mix")
        #expect(throws: GraphError.self) { try graph.model(outputs: ["out": b]) }
        do {
            _ = try graph.model(outputs: ["out": b])
        } catch let error as GraphError {
            #expect(error.description.contains("two nodes are named 'same'"))
            #expect(error.description.contains("input 'unused' is not used by any output"))
            #expect(error.description.contains("mix uses a value from another graph"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("the summary lists every layer with its measured output shape and parameter count")
    func summary() throws {
        let model = try twoInputModel()
        let summary = model.summary {
            _ = model([Tensor(zeros: [1, 6, 6, 1]), Tensor(zeros: [1, 1])])
        }
        #expect(summary.rows.map(\.name) == ["conv", "relu", "pool", "side", "join", "classifier", "group"])
        #expect(summary.rows.map(\.outputShape) == [[1, 4, 4, 3], [1, 4, 4, 3], [1, 3], [1, 2], [1, 5], [1, 4],
                                                    [1, 2]])
        #expect(summary.rows.map(\.parameterCount) == [30, 0, 0, 4, 0, 24, 12])
        #expect(summary.parameterCount == 70 && summary.trainableParameterCount == 70)
        #expect(summary.tableRows[0] == ["conv (Conv2D)", "[N, 4, 4, 3]", "30"])
        #expect(summary.description.contains("total parameters: 70"))
        let nested = Sequential(Sequential(Dense(inputSize: 2, outputSize: 3)), Activation(relu))
        let deep = nested.summary(input: Tensor(zeros: [5, 2]), maxDepth: 2)
        #expect(deep.rows.map(\.name) == ["0", "0.0", "1"] && deep.rows.map(\.depth) == [1, 2, 1])
        #expect(deep.rows[1].outputShape == [5, 3])
    }

    @Test("a forward hook sees every layer and may replace outputs, only while it is active")
    func hooks() {
        let model = Sequential(Dense(inputSize: 2, outputSize: 2, seed: 5), Activation(relu))
        var seen: [String] = []
        let input = Tensor(shape: [1, 2], scalars: [1, 2])
        let zeroed = withForwardHook({ layer, output in
            seen.append(String(describing: type(of: layer)))
            return layer is Dense ? output * 0 : output
        }) { model(input) }
        #expect(seen == ["Dense", "Activation", "Sequential"])
        #expect(zeroed.scalars == [0, 0])
        #expect(!ForwardHook.isActive && model(input).scalars != [0, 0])
    }
}
