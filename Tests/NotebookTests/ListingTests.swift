import Foundation
@testable import Notebook
import Testing

// listing: test-region
/// A declaration a page can show.
func tripled(_ x: Int) -> Int {
    x * 3
}
// end listing

@Suite("Listings and number formats")
struct ListingTests {
    @Test("a listing shows exactly the marked lines of the calling file, with its line range")
    func listingFromOwnFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("listing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var options = NotebookOptions()
        options.outputRoot = root.path
        let book = Notebook(name: "listing", lesson: nil, title: "Listing", options: options, echoing: false)
        book.listing("test-region")
        guard case .listing(let record) = book.blocks.last else {
            Issue.record("no listing block")
            return
        }
        #expect(record.source == "/// A declaration a page can show.\nfunc tripled(_ x: Int) -> Int {\n    x * 3\n}")
        #expect(record.location == "NotebookTests/ListingTests.swift:6-9")
        #expect(tripled(2) == 6)
        try book.writeReport()
        let html = try String(contentsOf: root.appendingPathComponent("listing/index.html"), encoding: .utf8)
        #expect(html.contains("listing test-region"))
    }

    @Test("indentation is removed; missing, repeated and unterminated markers are one-line problems")
    func markerProblems() throws {
        let text = "a\n    // listing: x\n    let y = 1\n        z\n    // end listing\n// listing: open\nlet q = 2\n"
        #expect(try ListingSource.extract(name: "x", from: text).get() == .init(source: "let y = 1\n    z", lines: 3...4))
        #expect((try? ListingSource.extract(name: "missing", from: text).get()) == nil)
        #expect((try? ListingSource.extract(name: "open", from: text).get()) == nil)
        let twice = "// listing: d\nx\n// end listing\n// listing: d\ny\n// end listing\n"
        let problem = ListingSource.extract(name: "d", from: twice)
        #expect((try? problem.get()) == nil)
        if case .failure(let error) = problem { #expect(error.description.contains("2 times")) }
    }

    @Test("percent and fixed formats, for Double and Float, and non-finite values")
    func formats() {
        #expect(0.394.formatted(.percent(1)) == "39.4%")
        #expect(Float(0.53125).formatted(.percent(0)) == "53%")
        #expect(Float(0.53125).formatted(.fixed(3)) == "0.531")
        #expect(2.5.formatted(.fixed(2)) == "2.50")
        #expect(Double.nan.formatted(.fixed(2)) == "nan")
        #expect((-Double.infinity).formatted(.percent(1)) == "−∞")
    }
}
