import Foundation
import Imaging

/// Something that draws itself as a picture: plots, charts, image grids.
///
/// Figures are plain values; `render()` draws a fresh `Image` every time (RGB in [0, 1], 2 pixels per logical
/// unit, so a 720x450 plot is a 1440x900 picture), which tests can inspect pixel by pixel.
public protocol Figure {
    /// Draws the figure.
    func render() throws -> Image
}

extension Figure {
    /// Renders the figure and writes it as a PNG file, creating the parent directory if needed.
    public func writePNG(to url: URL) throws {
        try writePNGFile(render(), to: url)
    }
}

/// Encodes `image` as PNG through libgd and writes it to `url` atomically, creating the parent directory if needed.
public func writePNGFile(_ image: Image, to url: URL) throws(FigureError) {
    let data = try GDImage(image).pngData()
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    } catch {
        throw .cannotWrite(path: url.path, reason: error.localizedDescription)
    }
}

/// How numbers on axes, bars and cells are written.
public enum NumberFormat: Sendable, Equatable {
    /// As few decimals as the spacing needs; thousands and millions as 12k, 3.5M.
    case automatic
    /// Fractions as percentages: 0.532 → "53.2%" (`decimals` after the point).
    case percent(decimals: Int)
    /// A fixed number of decimals.
    case fixed(decimals: Int)
}

/// Type sizes and spacing shared by every figure, in logical units.
enum Style {
    static let titleSize = 16.0
    static let labelSize = 13.0
    static let tickSize = 11.5
    static let legendSize = 11.5
    static let annotationSize = 11.0
    static let padding = 14.0
    static let tickLength = 5.0
    static let lineWidth = 2.0
}

extension NumberFormat {
    /// Writes `value`; `step` is the spacing between neighboring values (for automatic decimals).
    func string(_ value: Double, step: Double? = nil) -> String {
        switch self {
        case .percent(let decimals):
            return formatNumber(value * 100, decimals: decimals) + "%"
        case .fixed(let decimals):
            return formatNumber(value, decimals: decimals)
        case .automatic:
            let spacing = step ?? Swift.abs(value)
            let magnitude = Swift.max(Swift.abs(value), spacing)
            // From 10 000 up, the largest unit that fits: 25k, 2M, 138M.
            for (unit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= 1e4 && magnitude >= unit {
                return formatNumber(value / unit, decimals: decimalsFor(spacing / unit, value / unit)) + suffix
            }
            return formatNumber(value, decimals: decimalsFor(spacing, value))
        }
    }

    private func decimalsFor(_ spacing: Double, _ value: Double) -> Int {
        guard spacing > 0, spacing.isFinite else {
            // A lone value: up to 3 significant decimals, trailing zeros removed later.
            return value == 0 ? 0 : Swift.min(Swift.max(0, 2 - Int(floor(log10(Swift.abs(value))))), 6)
        }
        return Swift.min(Swift.max(0, Int(-floor(log10(spacing) + 1e-9))), 6)
    }
}

/// `value` with `decimals` decimals and a true minus sign.
func formatNumber(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
    var text = String(format: "%.\(decimals)f", value)
    if text.hasPrefix("-") {
        text.removeFirst()
        if text.contains(where: { $0 != "0" && $0 != "." }) { text = "−" + text }
    }
    return text
}
