// The check runner for lesson 01: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises01
import GraderChecks

CheckRunner.main([
    Lesson01.checks(
        Lesson01.Functions(
            centerCroppedToSquare: Exercises01.centerCroppedToSquare,
            normalizedChannelsFirst: Exercises01.normalizedChannelsFirst,
            softmax: Exercises01.softmax,
            topK: Exercises01.topK,
            classProbabilities: Exercises01.classProbabilities))
])
