import Testing

@Test("the EngineTests target builds") func builds() { #expect(Bool(true)) }
