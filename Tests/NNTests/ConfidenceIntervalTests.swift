import NN
import Testing

@Suite("Accuracy intervals")
struct ConfidenceIntervalTests {
    @Test("the Wilson interval matches statsmodels' proportion_confint(method='wilson')")
    func wilson() {
        // statsmodels 0.14: proportion_confint(830, 1000, method="wilson") = (0.805465, 0.852009);
        // (0, 10) = (0.0, 0.277540); (10, 10) = (0.722460, 1.0).
        let middle = wilsonInterval(successes: 830, trials: 1000)
        #expect(abs(middle.lowerBound - 0.805465) < 1e-6 && abs(middle.upperBound - 0.852009) < 1e-6)
        let none = wilsonInterval(successes: 0, trials: 10), all = wilsonInterval(successes: 10, trials: 10)
        #expect(none.lowerBound == 0 && abs(none.upperBound - 0.277540) < 1e-6)
        #expect(abs(all.lowerBound - 0.722460) < 1e-6 && all.upperBound == 1)
    }

    @Test("an evaluation's interval and the pictures a second model fixes and breaks")
    func evaluationChanges() {
        let labels = [0, 1, 2, 0, 1]
        let first = Evaluation(predictions: [0, 1, 2, 1, 2], labels: labels)
        let second = Evaluation(predictions: [0, 0, 2, 0, 1], labels: labels)
        #expect(first.correctCount == 3 && first.accuracy == 0.6)
        #expect(first.accuracyInterval == wilsonInterval(successes: 3, trials: 5))
        let changes = first.changes(to: second)
        #expect(changes.fixed == 2 && changes.broken == 1)
        #expect(abs(mcNemarStatistic(changes) - 1.0 / 3) < 1e-12 && mcNemarStatistic((0, 0)) == 0)
    }
}
