// The check runner for lesson 06: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises06
import GraderChecks

CheckRunner.main([
    Lesson06.checks(
        Lesson06.Functions(
            totalVariation: Exercises06.totalVariation,
            totalVariationGradient: Exercises06.totalVariationGradient,
            rolled: Exercises06.rolled,
            idealImageStep: Exercises06.idealImageStep,
            smoothIdealImage: Exercises06.smoothIdealImage))
])
