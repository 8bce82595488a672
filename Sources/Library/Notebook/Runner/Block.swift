/// One piece of a lesson page, in the order the lesson produced it.
enum Block: Equatable {
    case section(number: String, title: String, anchor: String)
    case prose(String)
    case note(String)
    case cell(CellRecord)
    case listing(ListingRecord)
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

/// Declarations shown from the lesson's source (`book.listing("name")`), not run.
struct ListingRecord: Equatable {
    var name: String
    var source: String
    /// "lesson-04/main.swift:20-41"
    var location: String
}

/// A figure written next to the page.
struct FigureRecord: Equatable {
    var number: Int
    var file: String
    var caption: String
    /// Size on the page in CSS pixels: half the PNG's size for drawn figures (2 pixels per CSS pixel), the
    /// picture's own size for photos, at least 224 wide for tiny pictures.
    var displayWidth: Int
    var displayHeight: Int
    /// Small pictures shown enlarged keep square pixels.
    var isPixelated: Bool
}
