// The check runner for lesson 03: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises03
import GraderChecks

CheckRunner.main([
    Lesson03.checks(
        Lesson03.Functions(
            adamStep: Exercises03.adamStep,
            earlyStopping: Exercises03.earlyStopping,
            warmupCosineLearningRate: Exercises03.warmupCosineLearningRate,
            prepareForFineTuning: Exercises03.prepareForFineTuning, gelu: Exercises03.gelu))
])
