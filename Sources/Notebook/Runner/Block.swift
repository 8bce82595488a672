/// One piece of a lesson page, in the order the lesson produced it.
enum Block: Equatable {
    case section(number: String, title: String, anchor: String)
    case prose(String)
    case note(String)
    case cell(CellRecord)
    case table(headers: [String], rows: [[String]], caption: String?)
    case figure(FigureRecord)
    case list(title: String, items: [String])
    case failure(String)
}

/// A code cell as it ran.
struct CellRecord: Equatable {
    var number: Int
    var source: String
    /// "lesson-01/main.swift:42"
    var location: String
    /// What the cell printed to standard output.
    var output: String
    var seconds: Double
}

/// A figure written next to the page.
struct FigureRecord: Equatable {
    var number: Int
    var file: String
    var caption: String
    /// Pixel size of the PNG; the page shows it at half size (2 pixels per CSS pixel).
    var width: Int
    var height: Int
}
