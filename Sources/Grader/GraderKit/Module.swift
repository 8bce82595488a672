// GraderKit — running the checks safely.
//
// Job: build the student's exercises, run every check in a child process with a time limit, turn crashes,
// timeouts and compiler errors into one readable line with file, line and hint, write the text and `--json`
// reports, and watch files for changes. It may import GraderChecks and ExerciseSupport only.
