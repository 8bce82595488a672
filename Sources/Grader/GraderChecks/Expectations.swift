import ExerciseSupport
import Foundation

/// How close a student's Float must be to the reference: |got - expected| <= absolute + relative * |expected|.
/// Loose enough for a different summation order, tight enough to catch a missing term.
public struct Tolerance: Sendable {
    public var absolute: Float
    public var relative: Float

    public init(absolute: Float, relative: Float) {
        self.absolute = absolute
        self.relative = relative
    }

    public static let standard = Tolerance(absolute: 1e-5, relative: 1e-4)

    func accepts(_ got: Float, _ expected: Float) -> Bool {
        if got.isNaN || expected.isNaN { return got.isNaN && expected.isNaN }
        if got.isInfinite || expected.isInfinite { return got == expected }
        return abs(got - expected) <= absolute + relative * abs(expected)
    }
}

// MARK: - Short descriptions of values (the grader abbreviates every input and output)

/// "0.2447", "-1.5e-06", "nan": four significant digits.
public func formatted(_ value: Float) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return String(format: "%.4g", Double(value))
}

/// "[0.09003, 0.2447, 0.6652]" or, for long arrays, "[0.1, 0.2, 0.3, 0.4, …, 0.9] (1000 values)".
public func abbreviated(_ values: [Float], limit: Int = 6) -> String {
    abbreviatedList(values.map(formatted), limit: limit, noun: "values")
}

/// "[3, 1, 2]" or "[3, 1, 2, 7, …, 9] (50 indices)".
public func abbreviated(_ values: [Int], limit: Int = 8) -> String {
    abbreviatedList(values.map(String.init), limit: limit, noun: "indices")
}

/// "Picture 5x3x3 [0.1, …]": the shape first, because a wrong shape is the most common mistake.
public func abbreviated(_ picture: Picture) -> String {
    "\(picture) \(abbreviated(picture.values))"
}

private func abbreviatedList(_ items: [String], limit: Int, noun: String) -> String {
    if items.count <= limit { return "[" + items.joined(separator: ", ") + "]" }
    let shown = items.prefix(limit - 2) + ["…", items[items.count - 1]]
    return "[" + shown.joined(separator: ", ") + "] (\(items.count) \(noun))"
}

// MARK: - Expectations: each throws a CheckFailure naming the input, the expected and the actual answer

/// Fails unless `got` has as many values as `expected` and each is within `tolerance`.
/// `position` names an index for the message ("x 4, y 1, channel 0"); by default "index 17".
public func expectClose(
    _ got: [Float], _ expected: [Float], input: @autoclosure () -> String,
    tolerance: Tolerance = .standard,
    position: (Int) -> String = { "index \($0)" }
) throws {
    guard got.count == expected.count else {
        throw CheckFailure(
            input: input(), expected: abbreviated(expected), got: abbreviated(got),
            detail: "expected \(expected.count) values, got \(got.count)")
    }
    var worst: (index: Int, error: Float)?
    for i in got.indices where !tolerance.accepts(got[i], expected[i]) {
        let error = got[i].isFinite && expected[i].isFinite ? abs(got[i] - expected[i]) : .infinity
        if worst == nil || error > worst!.error { worst = (i, error) }
    }
    if let worst {
        let i = worst.index
        throw CheckFailure(
            input: input(), expected: abbreviated(expected, around: i), got: abbreviated(got, around: i),
            detail: "max abs error \(formatted(worst.error)) at \(position(i)) "
                + "(expected \(formatted(expected[i])), got \(formatted(got[i])))")
    }
}

/// Short arrays whole; long ones as the few values around `index` (where they differ most), so expected
/// and got are shown where they disagree: "values 15...19 of 1000: [0.31, 0.2, 0.99, 0.4, 0.1]".
public func abbreviated(_ values: [Float], around index: Int) -> String {
    guard values.count > 6 else { return abbreviated(values) }
    let range = max(0, index - 2)...min(values.count - 1, index + 2)
    return "values \(range.lowerBound)...\(range.upperBound) of \(values.count): "
        + "[" + values[range].map(formatted).joined(separator: ", ") + "]"
}

/// Fails unless `got` is within `tolerance` of `expected`.
public func expectClose(
    _ got: Float, _ expected: Float, input: @autoclosure () -> String,
    tolerance: Tolerance = .standard
) throws {
    guard tolerance.accepts(got, expected) else {
        let error = got.isFinite && expected.isFinite ? abs(got - expected) : .infinity
        throw CheckFailure(
            input: input(), expected: formatted(expected), got: formatted(got),
            detail: "abs error \(formatted(error))")
    }
}

/// Fails unless `got` has the shape of `expected` and every value is within `tolerance`.
public func expectClose(
    _ got: Picture, _ expected: Picture, input: @autoclosure () -> String,
    tolerance: Tolerance = .standard
) throws {
    guard (got.width, got.height, got.channels) == (expected.width, expected.height, expected.channels),
        got.values.count == expected.values.count
    else {
        throw CheckFailure(
            input: input(), expected: abbreviated(expected), got: abbreviated(got),
            detail: "expected shape \(expected.width)x\(expected.height)x\(expected.channels) "
                + "(width x height x channels), got \(got.width)x\(got.height)x\(got.channels)")
    }
    do {
        try expectClose(got.values, expected.values, input: input(), tolerance: tolerance) { index in
            let pixel = index / expected.channels
            return "x \(pixel % expected.width), y \(pixel / expected.width), channel \(index % expected.channels)"
        }
    } catch var failure as CheckFailure {
        failure.expected = "\(expected), \(failure.expected)"
        failure.got = "\(got), \(failure.got)"
        throw failure
    }
}

/// Fails unless `got == expected`; `describe` prints both.
public func expectEqual<Value: Equatable>(
    _ got: Value, _ expected: Value, input: @autoclosure () -> String,
    describe: (Value) -> String = { "\($0)" }
) throws {
    guard got == expected else {
        throw CheckFailure(input: input(), expected: describe(expected), got: describe(got))
    }
}

/// Fails unless `got` and `expected` are the same indices in the same order.
public func expectEqual(_ got: [Int], _ expected: [Int], input: @autoclosure () -> String) throws {
    guard got == expected else {
        let first = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        throw CheckFailure(
            input: input(), expected: abbreviated(expected), got: abbreviated(got),
            detail: got.count != expected.count
                ? "expected \(expected.count) indices, got \(got.count)"
                : "first difference at position \(first ?? 0)")
    }
}

/// Runs `body` `count` times with inputs drawn from one seeded generator; stops at the first failure,
/// so the message shows one small failing input rather than a thousand.
public func trials(_ count: Int, seed: UInt64, _ body: (inout SeededGenerator) throws -> Void) throws {
    var generator = SeededGenerator(seed: seed)
    for _ in 0..<count { try body(&generator) }
}
