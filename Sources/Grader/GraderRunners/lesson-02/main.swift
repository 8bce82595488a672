// The check runner for lesson 02: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises02
import GraderChecks

CheckRunner.main([
    Lesson02.checks(
        Lesson02.Functions(
            globalAveragePooled: Exercises02.globalAveragePooled,
            l2Normalized: Exercises02.l2Normalized,
            cosineSimilarity: Exercises02.cosineSimilarity,
            nearestNeighbors: Exercises02.nearestNeighbors,
            trainedHead: Exercises02.trainedHead))
])
