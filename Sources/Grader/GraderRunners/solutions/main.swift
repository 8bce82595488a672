// The check runner for `grader --solutions`: every lesson's checks bound to the reference answers,
// so the course's authors can see every check pass through the same child-process machinery.
import GraderChecks

CheckRunner.main(Catalog.lessons)
