// Course — the course's graded exercises as data.
//
// Job: which file of Exercises/lesson-NN each exercise is, what it asks, whether it is a drill on plain arrays or a
// lab on the real network, and the list a lesson ends with (`book.gradedExercises()`). It may import Notebook only;
// the grader's catalog of checks is tested to name exactly these exercises, in this order.
