import ExerciseSupport

/// Lesson 06 · Jitter by rolling
///
/// Feature-visualization practice: between steps, shift the image a few pixels so the ideal cat
/// cannot hide in a fixed high-frequency pattern. Roll it like `torch.roll`: the pixel at (x, y)
/// moves to ((x + right) mod width, (y + down) mod height), and what leaves one edge comes back at
/// the opposite edge. Shifts may be negative or larger than the picture.
///
/// Example: a 3x1 picture A B C rolled right by 1 becomes C A B; rolled right by -1, B C A.
///
/// - Parameters:
///   - picture: any picture with at least one pixel.
///   - right: columns to shift to the right (negative: to the left).
///   - down: rows to shift down (negative: up).
/// - Returns: a picture of the same shape.
public func rolled(_ picture: Picture, right: Int, down: Int) -> Picture {
    var result = picture
    for y in 0..<picture.height {
        for x in 0..<picture.width {
            let newX = ((x + right) % picture.width + picture.width) % picture.width
            let newY = ((y + down) % picture.height + picture.height) % picture.height
            for channel in 0..<picture.channels {
                result[x: newX, y: newY, channel: channel] = picture[x: x, y: y, channel: channel]
            }
        }
    }
    return result
}
