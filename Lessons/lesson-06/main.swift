import Notebook

// Lesson 6 is being written; this placeholder keeps the target buildable.
let book = Notebook(lesson: 6, title: "Coming soon")
book.prose("This lesson is not written yet.")
book.finish()
