import Foundation

/// A number as text with a fixed number of decimals, optionally scaled and suffixed: the one number format the
/// lessons and tools use for narration (`0.394.formatted(.percent(1))` → "39.4%",
/// `Float(0.53125).formatted(.fixed(3))` → "0.531"). Non-finite values print as "nan", "∞", "−∞".
public struct FixedDecimals<Value: BinaryFloatingPoint>: FormatStyle, Sendable {
    /// Digits after the decimal point.
    public var decimals: Int
    /// Multiplies the value before printing (100 for a percentage).
    public var scale: Double
    /// Printed after the number ("%").
    public var suffix: String

    public init(decimals: Int, scale: Double = 1, suffix: String = "") {
        self.decimals = max(0, decimals)
        self.scale = scale
        self.suffix = suffix
    }

    public func format(_ value: Value) -> String {
        let scaled = Double(value) * scale
        guard scaled.isFinite else { return scaled.isNaN ? "nan" : (scaled > 0 ? "∞" : "−∞") }
        return String(format: "%.\(decimals)f", scaled) + suffix
    }
}

extension FormatStyle where Self == FixedDecimals<Double> {
    /// A fraction as a percentage with `decimals` decimals: 0.394 → "39.4%".
    public static func percent(_ decimals: Int) -> Self { FixedDecimals(decimals: decimals, scale: 100, suffix: "%") }
    /// A number with `decimals` decimals: 2.5 → "2.50" for `.fixed(2)`.
    public static func fixed(_ decimals: Int) -> Self { FixedDecimals(decimals: decimals) }
}

extension FormatStyle where Self == FixedDecimals<Float> {
    /// A fraction as a percentage with `decimals` decimals: 0.394 → "39.4%".
    public static func percent(_ decimals: Int) -> Self { FixedDecimals(decimals: decimals, scale: 100, suffix: "%") }
    /// A number with `decimals` decimals: 2.5 → "2.50" for `.fixed(2)`.
    public static func fixed(_ decimals: Int) -> Self { FixedDecimals(decimals: decimals) }
}
