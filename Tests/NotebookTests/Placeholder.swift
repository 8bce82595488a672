import Testing

@Test("the NotebookTests target builds") func builds() { #expect(Bool(true)) }
