/// What `lab inspect FILE` prints: one row per tensor and the parameter total.
///
/// `description` is a ready-made table:
/// ```
/// name                 shape           dtype    count
/// _conv_stem.weight    [32, 3, 3, 3]   float32    864
/// …
/// 296 tensors, 4,652,008 parameters + 42,016 running statistics (PyTorch legacy)
/// ```
public struct CheckpointSummary: CustomStringConvertible, Sendable {
    /// One tensor's entry.
    public struct Row: Equatable, Sendable {
        /// The state_dict key.
        public var name: String
        /// The dimensions, outermost first.
        public var shape: [Int]
        /// The element type in the file.
        public var dtype: DType
        /// Number of elements (1 for a scalar).
        public var count: Int
        /// The shape as PyTorch prints it, e.g. `[32, 3, 3, 3]`; `[]` for a scalar.
        public var shapeText: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
    }

    /// Rows in file order.
    public var rows: [Row]
    /// Learnable values (`CheckpointFile.parameterCount`).
    public var parameterCount: Int
    /// Floating-point values that are not parameters: BatchNorm running means and variances.
    public var runningStatisticCount: Int
    /// The format the file was read from.
    public var format: CheckpointFile.Format

    /// The aligned table: a header line, one line per tensor, and the totals.
    public var description: String {
        let nameWidth = rows.map(\.name.count).max().map { max($0, 4) } ?? 4
        let shapeWidth = rows.map(\.shapeText.count).max().map { max($0, 5) } ?? 5
        let countWidth = rows.map { grouped($0.count).count }.max().map { max($0, 5) } ?? 5
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(width - text.count, 0))
            return right ? fill + text : text + fill
        }
        var lines = [pad("name", nameWidth) + "  " + pad("shape", shapeWidth) + "  " + pad("dtype", 8) + "  "
            + pad("count", countWidth, right: true)]
        for row in rows {
            lines.append(pad(row.name, nameWidth) + "  " + pad(row.shapeText, shapeWidth) + "  "
                + pad(row.dtype.rawValue, 8) + "  " + pad(grouped(row.count), countWidth, right: true))
        }
        let statistics = runningStatisticCount > 0 ? " + \(grouped(runningStatisticCount)) running statistics" : ""
        lines.append("\(rows.count) tensors, \(grouped(parameterCount)) parameters\(statistics) (\(format.rawValue))")
        return lines.joined(separator: "\n")
    }
}

/// 4652008 → "4,652,008".
func grouped(_ number: Int) -> String {
    let digits = Array(String(number.magnitude))
    var text = ""
    for (i, digit) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return number < 0 ? "-" + text : text
}

extension CheckpointFile {
    /// The rows `lab inspect` prints (name, shape, dtype, count) and the totals.
    public func summary() -> CheckpointSummary {
        let rows = tensors.map {
            CheckpointSummary.Row(name: $0.name, shape: $0.shape, dtype: $0.dtype, count: $0.elementCount)
        }
        return CheckpointSummary(rows: rows, parameterCount: parameterCount,
                                 runningStatisticCount: floatingPointElementCount - parameterCount, format: format)
    }
}
