import Foundation

/// A value a lesson reports in metrics.json.
public enum MetricValue: Codable, Equatable, Sendable {
    case number(Double)
    case numbers([Double])
    case text(String)
    case flag(Bool)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let numbers = try? container.decode([Double].self) {
            self = .numbers(numbers)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .numbers(let values): try container.encode(values)
        case .text(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// The machine-readable record of one lesson run: `Output/lesson-NN/metrics.json`.
///
/// Non-finite numbers are written as the strings "nan", "inf" and "-inf" (JSON has no such numbers).
public struct MetricsReport: Codable, Equatable, Sendable {
    public var lesson: Int?
    public var title: String
    public var quick: Bool
    public var seed: UInt64
    /// Every number and string registered with `Notebook.metric(_:_:)`, by name.
    public var metrics: [String: MetricValue]
    /// File names of the figures, in the order they were made.
    public var figures: [String]
    /// Wall-clock seconds the run took.
    public var seconds: Double

    public init(
        lesson: Int?, title: String, quick: Bool, seed: UInt64, metrics: [String: MetricValue],
        figures: [String], seconds: Double
    ) {
        self.lesson = lesson
        self.title = title
        self.quick = quick
        self.seed = seed
        self.metrics = metrics
        self.figures = figures
        self.seconds = seconds
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf",
            nan: "nan")
        return try encoder.encode(self)
    }

    /// Reads a metrics.json written by a lesson.
    public static func load(from url: URL) throws -> MetricsReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf",
            nan: "nan")
        return try decoder.decode(MetricsReport.self, from: Data(contentsOf: url))
    }
}
