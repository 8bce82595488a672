import Testing

@Test("the CheckpointTests target builds") func builds() { #expect(Bool(true)) }
