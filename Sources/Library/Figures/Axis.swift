import Foundation

/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Powers of ten equally spaced; every value must be positive.
    case logarithmic
}

/// One axis of a plot: its data range, scale and labelled ticks.
struct Axis {
    var lower: Double
    var upper: Double
    var scale: AxisScale
    var ticks: [Double]
    var labels: [String]

    /// 0 at `lower`, 1 at `upper`.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: return (value - lower) / (upper - lower)
        case .logarithmic: return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// An axis that shows `values` with a little room at both ends, or exactly `fixed` when given.
    static func fitting(
        _ values: [Double], scale: AxisScale, fixed: ClosedRange<Double>? = nil,
        padding: Double = 0.04, format: NumberFormat = .automatic, targetTicks: Double = 6
    ) -> Axis {
        let finite = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        var lower = finite.min() ?? 0, upper = finite.max() ?? 1
        switch scale {
        case .linear:
            if let fixed {
                lower = fixed.lowerBound; upper = fixed.upperBound
            } else {
                if upper - lower < 1e-12 { let d = Swift.max(Swift.abs(lower) * 0.1, 0.5); lower -= d; upper += d }
                let pad = (upper - lower) * padding
                lower -= pad; upper += pad
            }
            if upper <= lower { upper = lower + 1 }
            let step = niceStep(for: (upper - lower) / targetTicks)
            let first = Int(ceil(lower / step - 1e-9)), last = Int(floor(upper / step + 1e-9))
            let ticks = first <= last ? (first...last).map { Double($0) * step } : []
            // Ticks need only as many decimals as their spacing, whatever the format of the data values.
            let tickFormat: NumberFormat =
                if case .percent = format {
                    .percent(decimals: Swift.max(0, Int(-floor(log10(step * 100) + 1e-9))))
                } else { format }
            return Axis(
                lower: lower, upper: upper, scale: .linear, ticks: ticks,
                labels: ticks.map { tickFormat.string($0, step: step) })
        case .logarithmic:
            if let fixed, fixed.lowerBound > 0 {
                lower = fixed.lowerBound; upper = fixed.upperBound
            } else {
                if finite.isEmpty { lower = 1; upper = 10 }
                if upper / lower < 1.5 { lower /= 1.5; upper *= 1.5 }
                let pad = pow(upper / lower, padding)
                lower /= pad; upper *= pad
            }
            var ticks: [Double] = []
            if finite.count >= 2, finite.allSatisfy(isPowerOfTwo) {
                // Data at 1, 2, 4, 8 (temperatures, batch sizes) read best against ticks at the same doublings.
                let exponents = Int(ceil(log2(lower) - 1e-9))...Int(floor(log2(upper) + 1e-9))
                ticks = exponents.map { pow(2.0, Double($0)) }
            } else {
                let decades = Int(floor(log10(lower)))...Int(ceil(log10(upper)))
                // Up to about two and a half decades, 2x and 5x ticks help to read values between the powers of ten.
                let multiples: [Double] = log10(upper / lower) <= 2.5 ? [1, 2, 5] : [1]
                for e in decades {
                    for multiple in multiples {
                        let tick: Double = multiple * pow(10.0, Double(e))
                        if tick >= lower * (1 - 1e-9) && tick <= upper * (1 + 1e-9) { ticks.append(tick) }
                    }
                }
            }
            return Axis(
                lower: lower, upper: upper, scale: .logarithmic, ticks: ticks,
                labels: ticks.map { format.string($0) })
        }
    }

    /// Whether `value` is 2ⁿ for a whole n (negative n included).
    static func isPowerOfTwo(_ value: Double) -> Bool {
        let exponent = log2(value)
        return exponent.isFinite && exponent == exponent.rounded()
    }

    /// The smallest of 1, 2, 5 × 10ⁿ that is at least `rough`.
    static func niceStep(for rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, floor(log10(rough)))
        for multiple in [1.0, 2.0, 5.0, 10.0] where multiple * power >= rough * (1 - 1e-9) {
            return multiple * power
        }
        return 10 * power
    }
}
