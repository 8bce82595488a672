/// Marks a function the student has not written yet: it stops the program with
/// "not implemented yet: NAME", pointing at the line that called it.
///
/// Every exercise starts as `todo("cosineSimilarity(_:_:)")`; replace that call with your code.
/// The grader recognizes the message and reports the exercise as "not started" instead of failed.
public func todo(_ name: String, file: String = #filePath, line: Int = #line) -> Never {
    // Print the path from Exercises/ on, which is what the student has open.
    let shortPath = file.firstRange(of: "Exercises/").map { String(file[$0.lowerBound...]) } ?? file
    fatalError("\(notImplementedMarker): \(name) (\(shortPath):\(line))")
}

/// The words `todo(_:)` stops with; the grader looks for them in a crashed check's output.
public let notImplementedMarker = "not implemented yet"
