import Engine
import NN
import Testing

private func expectRates(_ schedule: some LearningRateSchedule, _ expected: [Float],
                         sourceLocation: SourceLocation = #_sourceLocation) {
    let rates = schedule.rates(steps: expected.count)
    for (rate, value) in zip(rates, expected) {
        #expect(abs(rate - value) <= 1e-6 * max(1, abs(value)), "got \(rates), expected \(expected)",
                sourceLocation: sourceLocation)
    }
}

@Suite("Learning-rate schedules")
struct ScheduleTests {
    @Test("step decay halves every two steps")
    func stepDecay() {
        expectRates(StepDecay(initialRate: 1, stepSize: 2, factor: 0.5), [1, 1, 0.5, 0.5, 0.25, 0.25])
    }

    @Test("exponential decay is smooth, or a staircase")
    func exponential() {
        let smooth = ExponentialDecay(initialRate: 0.1, decaySteps: 10, decayRate: 0.5)
        #expect(abs(smooth.learningRate(atStep: 5) - 0.0707107) < 1e-6)   // 0.1 · 0.5^0.5
        #expect(abs(smooth.learningRate(atStep: 10) - 0.05) < 1e-7)
        let stairs = ExponentialDecay(initialRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true)
        #expect(stairs.learningRate(atStep: 9) == 0.1)
        #expect(abs(stairs.learningRate(atStep: 10) - 0.05) < 1e-7)
    }

    @Test("cosine decay goes from η₀ to α·η₀ and stays there")
    func cosine() {
        let schedule = CosineDecay(initialRate: 1, decaySteps: 10, alpha: 0.1)
        #expect(schedule.learningRate(atStep: 0) == 1)
        #expect(abs(schedule.learningRate(atStep: 5) - 0.55) < 1e-6)   // 0.9 · ½(1 + cos π/2) + 0.1
        #expect(abs(schedule.learningRate(atStep: 10) - 0.1) < 1e-6)
        #expect(abs(schedule.learningRate(atStep: 25) - 0.1) < 1e-6)
    }

    @Test("warm-up ramps linearly, then the next schedule starts at its own step 0")
    func warmup() {
        expectRates(ConstantRate(0.2).withWarmup(steps: 4), [0, 0.05, 0.1, 0.15, 0.2, 0.2])
        let composed = StepDecay(initialRate: 1, stepSize: 1, factor: 0.5).withWarmup(steps: 2)
        expectRates(composed, [0, 0.5, 1, 0.5, 0.25])
    }

    @Test("an optimizer uses its schedule's rate for each step and its scale")
    func optimizerFollowsSchedule() {
        // g = 1 each step, so each step moves the parameter by exactly the rate used.
        let optimizer = SGD(schedule: StepDecay(initialRate: 1, stepSize: 1, factor: 0.5))
        let parameter = Parameter(Tensor([0]))
        var moves: [Float] = []
        for step in 0..<3 {
            if step == 2 { optimizer.learningRateScale = 0.1 }
            let before = parameter.value.scalars[0]
            optimizer.update([parameter], with: [Tensor([1])])
            moves.append(before - parameter.value.scalars[0])
        }
        #expect(moves.count == 3)
        #expect(abs(moves[0] - 1) < 1e-6 && abs(moves[1] - 0.5) < 1e-6 && abs(moves[2] - 0.025) < 1e-6)
        #expect(abs(optimizer.currentLearningRate - 0.0125) < 1e-7)
    }
}
