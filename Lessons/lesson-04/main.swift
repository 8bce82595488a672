import Notebook

// Lesson 4 is being written; this placeholder keeps the target buildable.
let book = Notebook(lesson: 4, title: "Coming soon")
book.prose("This lesson is not written yet.")
book.finish()
