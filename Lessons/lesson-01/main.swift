import Notebook

// Lesson 1 is being written; this placeholder keeps the target buildable.
let book = Notebook(lesson: 1, title: "Coming soon")
book.prose("This lesson is not written yet.")
book.finish()
