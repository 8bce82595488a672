/// Every lesson's checks, bound to the reference answers: what the grader lists, names and counts,
/// and what `grader --solutions` runs. (The runners bind the same checks to the student's functions.)
public enum Catalog {
    public static let lessons: [LessonChecks] = [
        Lesson01.checks(.reference), Lesson02.checks(.reference), Lesson03.checks(.reference),
        Lesson04.checks(.reference), Lesson05.checks(.reference), Lesson06.checks(.reference),
        Lesson07.checks(.reference),
    ]

    /// Every exercise of the course, lesson by lesson.
    public static var exercises: [ExerciseChecks] { lessons.flatMap(\.exercises) }
}
