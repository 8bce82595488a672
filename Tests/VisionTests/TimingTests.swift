// The course's timing helper (`millisecondsPerPicture`): how many runs it makes, the mode it runs them in and what
// it divides by. No duration is asserted: on a shared machine a duration is not a test.

import Course
import Engine
import NN
import Foundation
import Testing

@Suite("Course: milliseconds per picture")
struct TimingTests {
    @Test("runs the forward pass once to warm up and then `runs` times, in inference mode, recording no gradients")
    func runsInInferenceWithoutGradients() {
        var seen: [(phase: LearningPhase, recording: Bool)] = []
        let milliseconds = millisecondsPerPicture(Tensor(zeros: [4, 3]), runs: 3) { batch in
            seen.append((LearningPhase.current, GradientRecording.isEnabled))
            return batch
        }
        #expect(seen.count == 4)
        #expect(seen.allSatisfy { $0.phase == .inference && !$0.recording })
        #expect(milliseconds >= 0 && milliseconds.isFinite)
    }

    @Test("at least one run, even when asked for none")
    func atLeastOneRun() {
        var calls = 0
        let milliseconds = millisecondsPerPicture(Tensor(zeros: [1, 3]), runs: 0) { calls += 1; return $0 }
        #expect(calls == 2)
        #expect(milliseconds.isFinite)
    }

    @Test("counts CPU time: it never goes back and work advances it")
    func countsCPUTime() {
        // Process-wide CPU time: tests running in parallel in this process add to it, so only a lower bound holds.
        let start = processCPUSeconds()
        var sum: Float = 0
        let square = Tensor.random(normal: [256, 256], seed: 1)
        for _ in 0..<20 { sum += matmul(square, square).sum().scalar }
        let worked = processCPUSeconds() - start
        #expect(worked > 0 && sum.isFinite, "20 products of 256x256 matrices used \(worked) s of CPU")
    }

    @Test("the training phase of the caller does not reach the timed pass")
    func callerPhaseIsOverridden() {
        var phase: LearningPhase?
        _ = withLearningPhase(.training) {
            millisecondsPerPicture(Tensor(zeros: [2, 2]), runs: 1) { phase = LearningPhase.current; return $0 }
        }
        #expect(phase == .inference)
    }
}
