// A model's layers in a table with each one's output shape and parameter count (Keras: `model.summary()`).
// The shapes are measured, not derived: one forward pass runs under a forward hook that notes the first output
// of every layer, so the table works for any `Layer`, graphs and pretrained networks alike.

import Engine

/// One row per layer down to a depth, plus the totals (Keras: `model.summary()`).
public struct LayerSummary: Sendable, CustomStringConvertible {
    /// One layer of the table.
    public struct Row: Sendable {
        /// The dotted state_dict name ("_blocks.3", "block2.conv1").
        public let name: String
        /// The Swift type ("Conv2D", "BatchNorm", "Merge").
        public let type: String
        /// The shape of the layer's first output in the pass (nil when the layer did not run).
        public let outputShape: [Int]?
        /// Learnable parameters of this layer and everything under it.
        public let parameterCount: Int
        /// 1 for the model's direct sublayers, 2 for theirs, …
        public let depth: Int
    }

    /// The layers, in definition order.
    public let rows: [Row]
    /// Every learnable parameter of the model.
    public let parameterCount: Int
    /// The ones training would change.
    public let trainableParameterCount: Int

    /// The column titles of `tableRows`.
    public static let headers = ["layer (type)", "output shape", "parameters"]

    /// The rows as text cells: indented name with its type, the output shape with the batch axis as "N", and
    /// the parameter count with thousands separators.
    public var tableRows: [[String]] {
        rows.map { row in
            let shape = row.outputShape.map { "[" + (["N"] + $0.dropFirst().map(String.init)).joined(separator: ", ")
                + "]" } ?? "—"
            return [String(repeating: "  ", count: row.depth - 1) + "\(row.name) (\(row.type))", shape,
                    Self.grouped(row.parameterCount)]
        }
    }

    /// The table as plain text, with the totals under it.
    public var description: String {
        let body = [Self.headers] + tableRows
        let widths = Self.headers.indices.map { column in body.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells[0].padding(toLength: widths[0], withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: widths[1] - cells[1].count) + cells[1] + "  "
                + String(repeating: " ", count: widths[2] - cells[2].count) + cells[2]
        }
        let rule = String(repeating: "─", count: widths.reduce(4, +))
        return ([line(Self.headers), rule] + tableRows.map(line) + [rule,
                "total parameters: \(Self.grouped(parameterCount))",
                "trainable: \(Self.grouped(trainableParameterCount)), "
                    + "frozen: \(Self.grouped(parameterCount - trainableParameterCount))"])
            .joined(separator: "\n")
    }

    /// 4652008 → "4,652,008".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        let groups = stride(from: digits.count, to: 0, by: -3).reversed().map { end in
            String(digits[digits.index(digits.startIndex, offsetBy: max(end - 3, 0))..<digits.index(
                digits.startIndex, offsetBy: end)])
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}

extension Layer {
    /// The summary of this model for one forward pass of `input` (inference phase, no gradients), listing
    /// layers down to `maxDepth` levels of nesting.
    public func summary(input: Tensor, maxDepth: Int = 1) -> LayerSummary {
        summary(maxDepth: maxDepth) { _ = self(input) }
    }

    /// The summary of this model while `forward` runs a pass through it (for models with several inputs).
    public func summary(maxDepth: Int = 1, forward: () -> Void) -> LayerSummary {
        var shapes: [ObjectIdentifier: [Int]] = [:]
        withLearningPhase(.inference) {
            withoutGradients {
                withForwardHook({ layer, output in
                    let id = ObjectIdentifier(layer)
                    if shapes[id] == nil { shapes[id] = output.shape }
                    return output
                }, forward)
            }
        }
        var rows: [LayerSummary.Row] = []
        func visit(_ layer: any Layer, prefix: String, depth: Int) {
            for (name, child) in layer.sublayers {
                let fullName = prefix.isEmpty ? name : "\(prefix).\(name)"
                rows.append(.init(name: fullName, type: String(describing: type(of: child)),
                                  outputShape: shapes[ObjectIdentifier(child)], parameterCount: child.parameterCount,
                                  depth: depth))
                if depth < maxDepth { visit(child, prefix: fullName, depth: depth + 1) }
            }
        }
        visit(self, prefix: "", depth: 1)
        return LayerSummary(rows: rows, parameterCount: parameterCount,
                            trainableParameterCount: trainableParameterCount)
    }
}
