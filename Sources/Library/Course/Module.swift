// Course — what the lessons share beyond the notebook.
//
// Job: the course's graded exercises as data (which file of Exercises/lesson-NN, what it asks, drill or lab) and the
// list a lesson ends with (`book.gradedExercises()`); cached frozen features with progress and the `--dataset`
// option the lessons share. It may import Notebook, Datasets, Models, NN, Engine and Imaging; the grader's catalog
// of checks is tested to name exactly these exercises, in this order.
