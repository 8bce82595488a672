import Engine
import NN
import Testing

/// Runs `steps` updates of `optimizer` on the loss Σ(p − target)², gradients from the engine's autodiff.
private func minimize(_ optimizer: Optimizer, from start: [Float], target: [Float], steps: Int) -> [Float] {
    let parameter = Parameter(Tensor(start))
    let goal = Tensor(target)
    for _ in 0..<steps {
        let loss = (parameter.value - goal).squared().sum()
        optimizer.update([parameter], with: loss.gradients(for: [parameter.value]))
    }
    return parameter.value.scalars
}

private func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Float = 1e-6,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        #expect(abs(a - Float(e)) <= tolerance * max(1, abs(Float(e))), "got \(actual), expected \(expected)",
                sourceLocation: sourceLocation)
    }
}

@Suite("Optimizers")
struct OptimizerTests {
    @Test("a learning-rate multiplier scales one parameter's step and leaves the others alone")
    func learningRateMultiplier() {
        // L = Σp², g = 2p: SGD 0.1 takes 1 → 0.8 at factor 1 and 1 → 0.98 at factor 0.1; Adam's first step is
        // ±η·factor whatever the gradient's size.
        let slow = Parameter(Tensor([1])), fast = Parameter(Tensor([1]))
        let sgd = SGD(learningRate: 0.1)
        sgd.setLearningRateMultiplier(0.1, for: [slow])
        #expect(sgd.learningRateMultiplier(of: slow) == 0.1 && sgd.learningRateMultiplier(of: fast) == 1)
        let loss = slow.value.squared().sum() + fast.value.squared().sum()
        sgd.update([slow, fast], with: loss.gradients(for: [slow.value, fast.value]))
        expectClose(slow.value.scalars, [0.98])
        expectClose(fast.value.scalars, [0.8])
        let adam = Adam(learningRate: 0.01)
        let weight = Parameter(Tensor([3]))
        adam.setLearningRateMultiplier(0.5, for: [weight])
        adam.update([weight], with: weight.value.squared().sum().gradients(for: [weight.value]))
        expectClose(weight.value.scalars, [2.995], tolerance: 1e-5)
        adam.setLearningRateMultiplier(1, for: [weight])
        #expect(adam.learningRateMultiplier(of: weight) == 1)
    }

    @Test("plain SGD takes p − η·g")
    func plainSGD() {
        // L = p², g = 2p: 1 → 1 − 0.1·2 = 0.8; −2 → −2 + 0.4 = −1.6.
        expectClose(minimize(SGD(learningRate: 0.1), from: [1, -2], target: [0, 0], steps: 1), [0.8, -1.6])
    }

    @Test("SGD with momentum, Nesterov and weight decay follows PyTorch's formulas for three steps")
    func momentumSGD() {
        // Expected values from torch.optim.SGD's documented update (b₁ = g, b ← μb + g, p ← p − η·b or
        // p ← p − η(g + μb)), with g = 2(p − c) + λp, λ = 0.01, μ = 0.9, η = 0.1.
        let momentum = minimize(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01),
                                from: [1, -2], target: [0.5, 0.5], steps: 3)
        expectClose(momentum, [0.526754299, 0.352171702], tolerance: 2e-6)
        let nesterov = minimize(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
                                from: [1, -2], target: [0.5, 0.5], steps: 3)
        expectClose(nesterov, [0.441409152, 0.776362434], tolerance: 2e-6)
    }

    @Test("two Adam steps on L = p² match the hand computation")
    func adamByHand() {
        // p₀ = 1, η = 0.1. Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, p = 1 − 0.1·2/2 = 0.9.
        // Step 2: g = 1.8, m = 0.18 + 0.18 = 0.36, v = 0.003996 + 0.00324 = 0.007236,
        // m̂ = 0.36/0.19 = 1.894737, v̂ = 0.007236/0.001999 = 3.619810,
        // p = 0.9 − 0.1·1.894737/1.902580 = 0.800412.
        let optimizer = Adam(learningRate: 0.1)
        let parameter = Parameter(Tensor([1]))
        var trajectory: [Float] = []
        for _ in 0..<2 {
            let loss = parameter.value.squared().sum()
            optimizer.update([parameter], with: loss.gradients(for: [parameter.value]))
            trajectory.append(parameter.value.scalars[0])
        }
        expectClose(trajectory, [0.9, 0.800412229])
        expectClose(optimizer.state(of: parameter).map { $0[0] }, [0.36, 0.007236])
        #expect(optimizer.stepCount == 2)
    }

    @Test("Adam's coupled decay differs from AdamW's decoupled decay")
    func weightDecayVariants() {
        // Coupled: g = 2p + 0.1p goes through the adaptive scaling and barely changes the first steps.
        expectClose(minimize(Adam(learningRate: 0.1, weightDecay: 0.1), from: [1], target: [0], steps: 2),
                    [0.800412229])
        // Decoupled: p ← p·(1 − 0.1·0.1) before each step: 0.99 − 0.1 = 0.89,
        // then 0.8811 − 0.0995878 = 0.781572.
        expectClose(minimize(AdamW(learningRate: 0.1, weightDecay: 0.1), from: [1], target: [0], steps: 2),
                    [0.781571856])
    }

    @Test("Lion moves every element by exactly η per step, in the sign of its interpolated momentum")
    func lion() {
        // η = 0.1, λ = 0.1 (decay factor 0.99), β = (0.9, 0.99). The third element starts below its target,
        // climbs, and on step 3 its momentum (still negative) carries it past 0.5: 0.49303·0.99 + 0.1 = 0.5881.
        let result = minimize(Lion(learningRate: 0.1, weightDecay: 0.1), from: [1, -2, 0.3], target: [0, 0, 0.5],
                              steps: 3)
        expectClose(result, [0.673289, -1.643588, 0.5880997], tolerance: 2e-6)
    }

    @Test("gradient accumulation applies the mean of the batches, and equals one large batch")
    func accumulation() {
        let optimizer = SGD(learningRate: 0.1)
        let parameter = Parameter(Tensor([1, 1]))
        optimizer.accumulate([Tensor([1, 2])], for: [parameter])
        optimizer.accumulate([Tensor([3, 4])], for: [parameter])
        #expect(parameter.value.scalars == [1, 1], "accumulating must not move the parameter")
        #expect(optimizer.accumulatedBatches == 2)
        optimizer.step()
        expectClose(parameter.value.scalars, [0.8, 0.7])  // 1 − 0.1·mean(1,3), 1 − 0.1·mean(2,4)
        #expect(optimizer.accumulatedBatches == 0)

        // Two half-batches of a mean loss, accumulated, give the same step as the whole batch.
        let inputs = Tensor(shape: [4, 3], scalars: [1, 2, 0, -1, 0.5, 2, 0, 0, 1, 3, -2, 1])
        let labels = [0, 1, 1, 0]
        func trainedWeights(halves: Bool) -> [Float] {
            let layer = Dense(inputSize: 3, outputSize: 2, seed: 7)
            let adam = Adam(learningRate: 0.05)
            let parts = halves ? [(0, 2), (2, 4)] : [(0, 4)]
            for (lower, upper) in parts {
                let x = inputs.slice(lowerBounds: [lower, 0], upperBounds: [upper, 3])
                let loss = crossEntropy(logits: layer(x), labels: Array(labels[lower..<upper]))
                adam.accumulate(loss.gradients(for: layer.trainableParameters.map(\.value)),
                                for: layer.trainableParameters)
            }
            adam.step()
            return layer.weight.value.scalars + layer.bias!.value.scalars
        }
        expectClose(trainedWeights(halves: true), trainedWeights(halves: false).map(Double.init), tolerance: 1e-6)
    }

    @Test("zeroGradients discards accumulated gradients")
    func zeroGradients() {
        let optimizer = SGD(learningRate: 1)
        let parameter = Parameter(Tensor([5]))
        optimizer.accumulate([Tensor([100])], for: [parameter])
        optimizer.zeroGradients()
        optimizer.update([parameter], with: [Tensor([1])])
        #expect(parameter.value.scalars == [4])
    }

    @Test("clipping by global norm rescales all gradients by one factor")
    func clipping() {
        // ‖(3, 4, 0)‖ = 5; clipped to 1 → (0.6, 0.8, 0), as torch.nn.utils.clip_grad_norm_.
        let (clipped, norm) = clippedByGlobalNorm([Tensor([3, 4]), Tensor([0])], maximumNorm: 1)
        #expect(abs(norm - 5) < 1e-6)
        expectClose(clipped[0].scalars + clipped[1].scalars, [0.6, 0.8, 0])
        let (unchanged, _) = clippedByGlobalNorm([Tensor([0.3, 0.4])], maximumNorm: 1)
        #expect(unchanged[0].scalars == [0.3, 0.4])

        let optimizer = SGD(learningRate: 1)
        optimizer.maximumGradientNorm = 1
        let parameter = Parameter(Tensor([0, 0]))
        optimizer.update([parameter], with: [Tensor([3, 4])])
        expectClose(parameter.value.scalars, [-0.6, -0.8])
        #expect(abs(optimizer.lastGradientNorm - 5) < 1e-6)
    }

    @Test("L1 and L2 penalties add λΣ|w| and λΣw², with gradients λ·sign(w) and 2λw")
    func penalties() {
        let weight = Parameter(Tensor(shape: [2, 2], scalars: [1, -2, 3, 0]))
        let bias = Parameter(Tensor([10]))
        let both = Regularization(l1: 0.1, l2: 0.01)
        let penalized = Regularization.penalizedParameters(of: [weight, bias])
        #expect(penalized.count == 1, "biases are not penalized")
        let penalty = both.penalty(on: penalized)
        #expect(abs(penalty.scalar - (0.1 * 6 + 0.01 * 14)) < 1e-6)
        let gradient = penalty.gradient(for: weight.value)
        expectClose(gradient.scalars, [0.1 + 0.02, -0.1 - 0.04, 0.1 + 0.06, 0])
    }

    @Test("frozen parameters are left alone by step()")
    func frozenSkipped() {
        let optimizer = SGD(learningRate: 1)
        let trainable = Parameter(Tensor([1])), frozen = Parameter(Tensor([1]))
        frozen.isTrainable = false
        optimizer.update([trainable, frozen], with: [Tensor([1]), Tensor([1])])
        #expect(trainable.value.scalars == [0])
        #expect(frozen.value.scalars == [1])
    }
}
