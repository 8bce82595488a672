import ExerciseSupport

/// Lesson 06 · The gradient of total variation
///
/// d TV / d p[x, y, c] for the `totalVariation(_:)` of this lesson. Each neighbor pair (a, b) with
/// b the neighbor below or to the right of a contributes |b - a| / N (N = width * height * channels),
/// whose derivative is sign(b - a) / N with respect to b and -sign(b - a) / N with respect to a.
/// Add up the contributions of every pair a value belongs to (up to four). Use sign(0) = 0, which is
/// what PyTorch's `abs` backward does: a perfectly flat picture has a zero gradient.
///
/// Example: a 2x1 gray picture [0.2, 0.5] has gradient [-0.5, 0.5].
///
/// - Parameter picture: any picture with at least one value.
/// - Returns: a picture of the same shape holding the gradient.
public func totalVariationGradient(_ picture: Picture) -> Picture {
    var gradient = Picture(width: picture.width, height: picture.height, channels: picture.channels, repeating: 0)
    let scale = 1 / Float(picture.values.count)
    func sign(_ value: Float) -> Float { value > 0 ? 1 : (value < 0 ? -1 : 0) }
    for y in 0..<picture.height {
        for x in 0..<picture.width {
            for channel in 0..<picture.channels {
                let here = picture[x: x, y: y, channel: channel]
                if y + 1 < picture.height {
                    let slope = sign(picture[x: x, y: y + 1, channel: channel] - here) * scale
                    gradient[x: x, y: y + 1, channel: channel] += slope
                    gradient[x: x, y: y, channel: channel] -= slope
                }
                if x + 1 < picture.width {
                    let slope = sign(picture[x: x + 1, y: y, channel: channel] - here) * scale
                    gradient[x: x + 1, y: y, channel: channel] += slope
                    gradient[x: x, y: y, channel: channel] -= slope
                }
            }
        }
    }
    return gradient
}
