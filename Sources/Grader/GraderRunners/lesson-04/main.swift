// The check runner for lesson 04: the lesson's checks bound to the student's functions.
// The grader builds and starts it; see CheckRunner in GraderChecks.
import Exercises04
import GraderChecks

CheckRunner.main([
    Lesson04.checks(
        Lesson04.Functions(
            horizontallyFlipped: Exercises04.horizontallyFlipped,
            cutout: Exercises04.cutout,
            mixUp: Exercises04.mixUp,
            cutMix: Exercises04.cutMix,
            clothesAugmentation: Exercises04.clothesAugmentation))
])
