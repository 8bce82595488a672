import Notebook

// Lesson 5 is being written; this placeholder keeps the target buildable.
let book = Notebook(lesson: 5, title: "Coming soon")
book.prose("This lesson is not written yet.")
book.finish()
