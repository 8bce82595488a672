// The check runner for lesson 07: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises07
import GraderChecks

CheckRunner.main([
    Lesson07.checks(
        Lesson07.Functions(
            distillationLoss: { Exercises07.distillationLoss(studentLogits: $0, teacherLogits: $1, label: $2,
                                                             temperature: $3, softWeight: $4) },
            residualBlock: { Exercises07.residualBlock($0, first: $1, second: $2, projection: $3) },
            updatedAverage: { Exercises07.updatedAverage($0, with: $1, count: $2) },
            accumulatedGradient: { Exercises07.accumulatedGradient($0, batchSizes: $1) }))
])
