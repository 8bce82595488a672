import Testing

@Test("the ImagingTests target builds") func builds() { #expect(Bool(true)) }
