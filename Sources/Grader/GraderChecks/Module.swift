// GraderChecks — what the grader checks.
//
// Job: every exercise's checks (readable names, randomized inputs, expected-vs-got messages) bound either to the
// reference answers (`Catalog`, `grader --solutions`) or, in the per-lesson runners, to the student's functions. It
// may import ExerciseSupport, Randomness, TransferLab and the Solutions modules; it never imports Exercises.
