import Notebook

// Lesson 2 is being written; this placeholder keeps the target buildable.
let book = Notebook(lesson: 2, title: "Coming soon")
book.prose("This lesson is not written yet.")
book.finish()
