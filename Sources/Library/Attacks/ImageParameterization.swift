// What an ideal-image search optimizes need not be the pixels themselves. Feature-visualization practice
// (Olah et al. 2017; lucid/lucent's `fft_image` and `to_valid_rgb`) learns a *spectrum*: the picture is its
// inverse real Fourier transform with each frequency f scaled by 1/max(f, 1/S), so a step of the same size
// moves low frequencies far more than high ones and the optimum found first is smooth, not noise. The three
// channels are then mixed by the square root of ImageNet's color correlation (decorrelated color), and a sigmoid
// maps the result into [0, 1]. Everything here is built from tape ops (matmul, transposes, sigmoid), so the
// gradient reaches the spectrum exactly.

import Engine
import Foundation
import NN

/// How the learned values become a picture.
public struct ImageParameterization: Sendable, Equatable {
    /// What the parameter tensor holds.
    public enum Basis: Sendable, Equatable {
        /// The pixel values themselves, `[1, S, S, 3]`.
        case pixels
        /// A real and an imaginary half-spectrum per channel, `[2, 3, S, S/2 + 1]`, each frequency scaled by
        /// 1/max(f, 1/S)^decayPower; the picture is the orthonormal inverse real 2-D DFT divided by 4.
        case fourier(decayPower: Double)
    }

    /// How the values are kept in [0, 1].
    public enum ValueRange: Sendable, Equatable {
        /// Pixels clamped into [0, 1] after every step (only for a pixel basis without color mixing).
        case clamped
        /// A sigmoid maps any value into (0, 1).
        case sigmoid
    }

    public var basis: Basis
    /// Whether the three channels are mixed by lucid's color-correlation square root.
    public var decorrelatesColor: Bool
    public var range: ValueRange

    /// A parameterization from its three choices.
    public init(basis: Basis, decorrelatesColor: Bool, range: ValueRange) {
        (self.basis, self.decorrelatesColor, self.range) = (basis, decorrelatesColor, range)
    }

    /// Plain pixels, clamped to [0, 1] (lessons 5 and 6's starting point).
    public static let pixels = ImageParameterization(basis: .pixels, decorrelatesColor: false, range: .clamped)
    /// lucid's default: a 1/f-scaled spectrum, decorrelated color, sigmoid.
    public static let fourier = ImageParameterization(basis: .fourier(decayPower: 1), decorrelatesColor: true,
                                                      range: .sigmoid)

    /// lucid's `color_correlation_svd_sqrt`, divided by its largest column norm.
    public static let colorCorrelation: Tensor = {
        let matrix: [Float] = [0.26, 0.09, 0.02, 0.27, 0.00, -0.05, 0.27, -0.09, 0.03]
        let largestNorm = (0..<3).map { column in
            (0..<3).map { matrix[$0 * 3 + column] * matrix[$0 * 3 + column] }.reduce(0, +).squareRoot()
        }.max()!
        return Tensor(shape: [3, 3], scalars: matrix.map { $0 / largestNorm })
    }()

    /// Checks that the choices fit together, naming the one that does not.
    public func validate() throws {
        if case .fourier(let power) = basis, !(power >= 0 && power.isFinite) {
            throw IdealImageError.invalidSetting("the Fourier decay power must be 0 or more, got \(power)")
        }
        if range == .clamped && (basis != .pixels || decorrelatesColor) {
            throw IdealImageError.invalidSetting("clamping works on plain pixels only; use the sigmoid range "
                                                 + "with a Fourier basis or decorrelated color")
        }
    }
}

/// A picture made from a learned parameter through an `ImageParameterization`.
///
/// ```swift
/// let image = ParameterizedImage(.fourier, size: 224, seed: 1)
/// let pixels = image.pixels()                     // [1, 224, 224, 3], differentiable
/// let gradient = loss(pixels).gradient(for: image.parameter.value)
/// ```
public final class ParameterizedImage {
    public let parameterization: ImageParameterization
    /// The side of the square picture.
    public let size: Int
    /// The learned values: what an optimizer updates.
    public let parameter: Parameter
    private let fourier: FourierSynthesis?

    /// A fresh parameter: gray plus N(0, 0.05²) noise for clamped pixels, N(0, 0.01²) otherwise (lucid's start).
    public init(_ parameterization: ImageParameterization, size: Int, seed: UInt64) {
        self.parameterization = parameterization
        self.size = size
        switch parameterization.basis {
        case .pixels:
            fourier = nil
            let clamped = parameterization.range == .clamped
            let start = Tensor.random(normal: [1, size, size, 3], mean: clamped ? 0.5 : 0,
                                      standardDeviation: clamped ? 0.05 : 0.01, seed: seed)
            parameter = Parameter(clamped ? start.clamped(min: 0, max: 1) : start)
        case .fourier(let power):
            let synthesis = FourierSynthesis(size: size, decayPower: power)
            fourier = synthesis
            parameter = Parameter(Tensor.random(normal: synthesis.spectrumShape, standardDeviation: 0.01, seed: seed))
        }
    }

    /// The picture `[1, S, S, 3]` in [0, 1], differentiable with respect to `parameter.value`.
    public func pixels() -> Tensor { pixels(from: parameter.value) }

    /// The picture these parameter values make (differentiable with respect to `values`).
    func pixels(from values: Tensor) -> Tensor {
        var x = fourier?.image(fromSpectrum: values) ?? values
        if parameterization.decorrelatesColor {
            let flat = matmul(x.reshaped(to: [size * size, 3]), ImageParameterization.colorCorrelation,
                              transposeB: true)
            x = flat.reshaped(to: [1, size, size, 3])
        }
        return parameterization.range == .sigmoid ? sigmoid(x) : x
    }

    /// Puts the parameter back into its valid range after an optimizer step (clamps plain pixels).
    public func project() {
        guard parameterization.range == .clamped else { return }
        parameter.assign(parameter.value.clamped(min: 0, max: 1))
    }
}

/// The orthonormal inverse real 2-D DFT of a scaled half-spectrum, written as two matrix products (one along the
/// width, one along the height) so a reader can follow it and the tape can differentiate it:
///
///   x[h, w] = (1/S) Σᵤ Σᵥ cᵥ·s(u, v)·(a·cos(α + β) − b·sin(α + β)),  α = 2πuh/S, β = 2πvw/S,
///
/// with cᵥ = 1 for v = 0 and v = S/2, else 2 (the mirrored half of the spectrum), a, b the real and imaginary
/// parts, and s(u, v) = 1/max(f, 1/S)^p the 1/f scale (f = √(fᵤ² + fᵥ²) in cycles per pixel, numpy's fftfreq).
struct FourierSynthesis {
    let size: Int, halfWidth: Int
    /// `[S, V]` 1/f scale, broadcast over re/im and channels.
    let scale: Tensor
    /// Along the width: `[2V, 2S]` = [[Cᵥᵀ, −Sᵥᵀ], [−Sᵥᵀ, −Cᵥᵀ]] (cᵥ folded in).
    let widthSynthesis: Tensor
    /// Along the height: `[S, 2S]` = [Cᵤ | Sᵤ] / (4·S) (the orthonormal 1/S and lucid's /4 folded in).
    let heightSynthesis: Tensor

    var spectrumShape: [Int] { [2, 3, size, halfWidth] }

    init(size: Int, decayPower: Double) {
        let (s, v) = (size, size / 2 + 1)
        (self.size, halfWidth) = (s, v)
        let frequency = { (k: Int) in Double(k <= (s - 1) / 2 ? k : k - s) / Double(s) }   // numpy's fftfreq
        var scale = [Float](repeating: 0, count: s * v)
        for u in 0..<s {
            for k in 0..<v {
                let f = (frequency(u) * frequency(u) + Double(k) * Double(k) / Double(s * s)).squareRoot()
                scale[u * v + k] = Float(1 / Foundation.pow(max(f, 1 / Double(s)), decayPower))
            }
        }
        self.scale = Tensor(shape: [s, v], scalars: scale)
        var width = [Float](repeating: 0, count: 2 * v * 2 * s)
        for k in 0..<v {
            let weight: Double = (k == 0 || (s % 2 == 0 && k == s / 2)) ? 1 : 2
            for w in 0..<s {
                let angle = 2 * Double.pi * Double(k * w) / Double(s)
                let (c, sn) = (Float(weight * Foundation.cos(angle)), Float(weight * Foundation.sin(angle)))
                width[k * 2 * s + w] = c                      // a → Y1
                width[k * 2 * s + s + w] = -sn                // a → Y2
                width[(v + k) * 2 * s + w] = -sn              // b → Y1
                width[(v + k) * 2 * s + s + w] = -c           // b → Y2
            }
        }
        widthSynthesis = Tensor(shape: [2 * v, 2 * s], scalars: width)
        var height = [Float](repeating: 0, count: s * 2 * s)
        for h in 0..<s {
            for u in 0..<s {
                let angle = 2 * Double.pi * Double(u * h) / Double(s)
                height[h * 2 * s + u] = Float(Foundation.cos(angle) / Double(4 * s))
                height[h * 2 * s + s + u] = Float(Foundation.sin(angle) / Double(4 * s))
            }
        }
        heightSynthesis = Tensor(shape: [s, 2 * s], scalars: height)
    }

    /// The picture `[1, S, S, 3]` (before color mixing and sigmoid) for a `[2, 3, S, V]` spectrum.
    func image(fromSpectrum spectrum: Tensor) -> Tensor {
        let (s, v) = (size, halfWidth)
        let scaled = spectrum * scale
        // Rows (channel, u), columns (re/im, v): one product does the width for all three channels.
        let rows = scaled.transposed(permutation: [1, 2, 0, 3]).reshaped(to: [3 * s, 2 * v])
        let alongWidth = matmul(rows, widthSynthesis)                                   // [3S, 2S]: (c, u) × (Y1|Y2, w)
        let stacked = alongWidth.reshaped(to: [3, s, 2, s]).transposed(permutation: [2, 1, 0, 3])
            .reshaped(to: [2 * s, 3 * s])                                               // (Y1|Y2, u) × (c, w)
        let alongHeight = matmul(heightSynthesis, stacked)                              // [S, 3S]: h × (c, w)
        return alongHeight.reshaped(to: [s, 3, s]).transposed(permutation: [0, 2, 1]).reshaped(to: [1, s, s, 3])
    }
}
