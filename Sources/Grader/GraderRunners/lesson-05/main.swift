// The check runner for lesson 05: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises05
import GraderChecks

CheckRunner.main([
    Lesson05.checks(
        Lesson05.Functions(
            crossEntropyGradient: Exercises05.crossEntropyGradient,
            fgsmStep: Exercises05.fgsmStep,
            projected: Exercises05.projected,
            pgdStep: Exercises05.pgdStep,
            targetedAttack: Exercises05.targetedAttack))
])
