import Engine
import Testing

@Suite("Reduced precision")
struct PrecisionTests {
    @Test("float16 rounds to nearest and overflows above 65504; bfloat16 truncates and keeps Float32's range")
    func rounding() {
        let x = Tensor([1, 1.0 / 3, 70_000, 1e-8, -2.5])
        let half = x.rounded(to: .float16).scalars
        #expect(half[0] == 1 && half[4] == -2.5)
        #expect(Swift.abs(half[1] - 1.0 / 3) < 1e-3 && half[1] != 1.0 / 3)
        #expect(half[2] == .infinity && half[3] == 0)
        let brain = x.rounded(to: .bfloat16).scalars
        #expect(brain[1] == Float(bitPattern: (Float(1.0 / 3)).bitPattern & 0xFFFF_0000) && brain[1] <= 1.0 / 3)
        #expect(brain[2] == 69_632 && brain[3] > 0, "truncated, not overflowed or flushed")
        #expect(ReducedPrecision.float16.largestFinite == 65504)
        #expect(ReducedPrecision.bfloat16.largestFinite > 3e38)
    }
}
