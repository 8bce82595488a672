import ExerciseSupport

/// Lesson 06 · Total variation
///
/// How noisy a picture is: the sum of the absolute differences between every value and its
/// neighbor below (same column, same channel) and its neighbor to the right (same row, same
/// channel), divided by the number of values width * height * channels — so the weight you give the
/// term does not depend on the picture's size (the PyTorch reference divides by 3 * 224 * 224).
///   TV = (sum over y < height-1 of |p[x, y+1, c] - p[x, y, c]|
///       + sum over x < width-1  of |p[x+1, y, c] - p[x, y, c]|) / (width * height * channels)
///
/// Example: a 2x1 gray picture [0.2, 0.5] has TV = 0.3 / 2 = 0.15.
///
/// - Parameter picture: any picture with at least one value.
/// - Returns: the total variation, at least 0.
public func totalVariation(_ picture: Picture) -> Float {
    var sum: Float = 0
    for y in 0..<picture.height {
        for x in 0..<picture.width {
            for channel in 0..<picture.channels {
                let here = picture[x: x, y: y, channel: channel]
                if y + 1 < picture.height { sum += abs(picture[x: x, y: y + 1, channel: channel] - here) }
                if x + 1 < picture.width { sum += abs(picture[x: x + 1, y: y, channel: channel] - here) }
            }
        }
    }
    return sum / Float(picture.values.count)
}
