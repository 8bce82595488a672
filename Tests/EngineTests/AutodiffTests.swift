// The tape itself: what is recorded, when, and what gradients(for:) returns.

@testable import Engine
import Testing

@Suite("Autodiff")
struct AutodiffTests {
    @Test("calling gradients(for:) twice returns identical gradients (no stale accumulation)")
    func twice() {
        let w = Tensor.random(normal: [3, 4], seed: 1).requiringGradient()
        let x = Tensor.random(normal: [2, 3], seed: 2)
        let loss = crossEntropy(logits: matmul(x, w), labels: [1, 3])
        let first = loss.gradient(for: w), second = loss.gradient(for: w)
        #expect(first == second)
        #expect(first.scalars.contains { $0 != 0 })
    }

    @Test("a tensor used twice accumulates both paths: d(x² + x)/dx = 2x + 1")
    func sharedSubexpression() {
        let x = Tensor([1, -2, 3]).requiringGradient()
        let y = x * x + x
        #expect(y.sum().gradient(for: x).scalars == [3, -3, 7])
        // A diamond: z = (x·2)·(x·2) reaches x through two nodes that share a parent.
        let doubled = x * 2
        #expect((doubled * doubled).sum().gradient(for: x).scalars == [8, -16, 24])
    }

    @Test("inference records nothing; requiringGradient, detached and withoutGradients control the graph")
    func recording() {
        let x = Tensor.random(normal: [2, 3], seed: 3)
        #expect(!(relu(x) * 2).requiresGradient && (relu(x) * 2).node == nil)
        let leaf = x.requiringGradient()
        #expect((relu(leaf) * 2).requiresGradient)
        #expect(!relu(leaf).detached().requiresGradient)
        #expect(!withoutGradients { relu(leaf) * 2 }.requiresGradient)
        #expect(GradientRecording.isEnabled)
    }

    @Test("gradients stop at detached tensors, and unrelated tensors get zeros")
    func stops() {
        let a = Tensor([1, 2]).requiringGradient(), b = Tensor([3, 4]).requiringGradient()
        let loss = (a * b.detached()).sum()
        let grads = loss.gradients(for: [a, b])
        #expect(grads[0].scalars == [3, 4] && grads[1].scalars == [0, 0])
    }

    @Test("gradients for an intermediate tensor are available too")
    func intermediate() {
        let x = Tensor([1, 2, 3]).requiringGradient()
        let h = x * 3
        let grads = (h * h).sum().gradients(for: [h, x])
        #expect(grads[0].scalars == [6, 12, 18] && grads[1].scalars == [18, 36, 54])
    }

    @Test("a deep chain of ops does not overflow the stack")
    func deepChain() {
        let x = Tensor([1]).requiringGradient()
        var y = x
        for _ in 0..<20_000 { y = y * 1 }
        #expect(y.sum().gradient(for: x).scalars == [1])
    }
}
