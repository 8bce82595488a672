import Foundation

/// An opaque sRGB color with components in [0, 1], optionally drawn with some transparency.
public struct Color: Equatable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    /// 1 is opaque, 0 is invisible.
    public var opacity: Double

    public init(red: Double, green: Double, blue: Double, opacity: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.opacity = opacity
    }

    /// A color written the way designers write it, e.g. `Color(hex: 0x1f77b4)`.
    public init(hex: UInt32, opacity: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xff) / 255, green: Double((hex >> 8) & 0xff) / 255,
            blue: Double(hex & 0xff) / 255, opacity: opacity)
    }

    /// The same color with another opacity.
    public func withOpacity(_ opacity: Double) -> Color {
        Color(red: red, green: green, blue: blue, opacity: opacity)
    }

    /// Perceived brightness (Rec. 709 luma) in [0, 1]; used to pick black or white text on a cell.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// `#rrggbb`, for HTML.
    public var hexString: String {
        String(
            format: "#%02x%02x%02x", Int((red * 255).rounded()), Int((green * 255).rounded()),
            Int((blue * 255).rounded()))
    }

    public static let white = Color(hex: 0xffffff)
    public static let black = Color(hex: 0x000000)

    /// matplotlib's default qualitative palette ("tab10"): series and classes take these in order.
    public static let tab10: [Color] = [
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    ].map { Color(hex: $0) }

    /// The `index`-th palette color, cycling after ten.
    public static func palette(_ index: Int) -> Color { tab10[((index % 10) + 10) % 10] }
}

/// Ink colors shared by every figure, so they look like one family.
enum Ink {
    static let text = Color(hex: 0x222222)
    static let secondaryText = Color(hex: 0x555555)
    static let spine = Color(hex: 0x666666)
    static let grid = Color(hex: 0xe3e3e3)
    static let frame = Color(hex: 0xcccccc)
}

/// A map from a value in [0, 1] to a color, dark to light, for feature maps and heatmaps.
public enum Colormap: Sendable {
    /// matplotlib's perceptually uniform default: dark purple → blue → green → yellow.
    case viridis
    /// White → dark blue (ColorBrewer "Blues"), the usual choice for confusion matrices.
    case blues
    /// Black → white.
    case grays

    /// The color of `value`, clamped to [0, 1].
    public func color(at value: Double) -> Color {
        let t = value.isNaN ? 0 : min(max(value, 0), 1)
        switch self {
        case .viridis:
            return Color(
                red: Colormap.horner(Colormap.viridisRed, t), green: Colormap.horner(Colormap.viridisGreen, t),
                blue: Colormap.horner(Colormap.viridisBlue, t))
        case .blues:
            return Colormap.interpolate(Colormap.bluesStops, t)
        case .grays:
            return Color(red: t, green: t, blue: t)
        }
    }

    /// 256 precomputed 8-bit colors, for coloring many pixels quickly.
    func lookupTable() -> [(UInt8, UInt8, UInt8)] {
        (0..<256).map { i in
            let c = color(at: Double(i) / 255)
            func byte(_ v: Double) -> UInt8 { UInt8(min(max((v * 255).rounded(), 0), 255)) }
            return (byte(c.red), byte(c.green), byte(c.blue))
        }
    }

    // Least-squares degree-10 polynomials fitted to matplotlib's 256-entry viridis table (CC0); the largest
    // deviation from the table is below 1/255 per channel, i.e. invisible after 8-bit quantization.
    private static let viridisRed: [Double] = [
        0.268027834999, 0.22849224821, 1.71265962891, -32.1265269836, 43.1514512323, 559.870671112,
        -2864.82711844, 6107.16775397, -6765.95879175, 3826.02759234, -874.523729173,
    ]
    private static let viridisGreen: [Double] = [
        0.00381217588665, 1.5451946932, -2.00636206776, 6.05250797225, -3.86098135615, -73.9696413728,
        318.134629841, -599.033396631, 598.651135657, -311.302113304, 66.6915855452,
    ]
    private static let viridisBlue: [Double] = [
        0.329051708881, 1.615020137, -4.41061639883, 29.4634263712, -255.173279592, 1116.73019949,
        -2658.4838215, 3656.28111367, -2896.39685019, 1215.10677165, -204.913661198,
    ]
    private static let bluesStops: [Color] = [
        0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b,
    ].map { Color(hex: $0) }

    private static func horner(_ coefficients: [Double], _ t: Double) -> Double {
        min(max(coefficients.reversed().reduce(0) { $0 * t + $1 }, 0), 1)
    }

    private static func interpolate(_ stops: [Color], _ t: Double) -> Color {
        let position = t * Double(stops.count - 1)
        let i = min(Int(position), stops.count - 2)
        let f = position - Double(i)
        let a = stops[i], b = stops[i + 1]
        return Color(
            red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
            blue: a.blue + (b.blue - a.blue) * f)
    }
}
