import Engine
import NN
import Testing

@Suite("Layers")
struct LayerTests {
    @Test("parameters are named like a PyTorch state_dict, and loading checks names and shapes")
    func namingAndLoading() throws {
        let model = Sequential(Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3), BatchNorm(featureCount: 4),
                               Flatten(), Dense(inputSize: 4, outputSize: 2))
        #expect(model.namedParameters.map(\.name) == [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "3.weight", "3.bias"])
        #expect(model.parameterCount == 4 * 3 * 9 + 4 + 4 + 4 + 2 * 4 + 2)
        var state = model.stateDictionary
        state["1.running_var"] = Tensor(repeating: 2, shape: [4])
        try model.load(state)
        #expect(model.stateDictionary["1.running_var"] == Tensor(repeating: 2, shape: [4]))

        state["3.weight"] = Tensor(zeros: [3, 4])
        state["extra"] = Tensor(zeros: [1])
        state["0.bias"] = nil
        do {
            try model.load(state)
            Issue.record("loading a mismatched state must throw")
        } catch let error as StateLoadingError {
            #expect(error.missing == ["0.bias"])
            #expect(error.unexpected == ["extra"])
            #expect(error.wrongShapes.map(\.name) == ["3.weight"])
            #expect(error.description.contains("missing keys: 0.bias"))
        }
        // Nothing was assigned by the failed load.
        #expect(model.stateDictionary["3.weight"]!.shape == [2, 4])
    }

    @Test("freezing stops gradients and keeps BatchNorm on running statistics while training")
    func freezing() {
        let norm = BatchNorm(featureCount: 2)
        let input = Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        withLearningPhase(.training) { _ = norm(input) }
        #expect(norm.runningMean.value.scalars != [0, 0], "a trainable BatchNorm updates its running mean")
        let before = norm.runningMean.value
        norm.freeze()
        #expect(norm.trainableParameterCount == 0)
        let output = withLearningPhase(.training) { norm(input) }
        #expect(norm.runningMean.value == before, "a frozen BatchNorm keeps its statistics")
        let expected = batchNorm(input, mean: before, variance: norm.runningVariance.value,
                                 scale: norm.weight.value, offset: norm.bias.value, epsilon: norm.epsilon)
        #expect(output.maxAbsoluteDifference(to: expected) < 1e-6)
        #expect(!output.requiresGradient)
    }

    @Test("a Dense layer computes x·Wᵀ + b")
    func dense() throws {
        let layer = Dense(inputSize: 2, outputSize: 1)
        try layer.load(["weight": Tensor(shape: [1, 2], scalars: [2, -1]), "bias": Tensor([0.5])])
        #expect(layer(Tensor(shape: [1, 2], scalars: [3, 4])).scalars == [2.5])
    }
}
