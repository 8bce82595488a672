import ExerciseSupport

/// Lesson 04 · Cutout
///
/// Cutout (DeVries & Taylor, 2017) hides a square of the picture so the network cannot rely on a
/// single patch (the cat's ear) and must use the whole object. Set every channel to 0 in the
/// size x size square whose top-left corner is (centerX - size / 2, centerY - size / 2), with size / 2
/// rounded down. The center may lie anywhere, even near an edge: the part of the square outside the
/// picture is simply ignored (clip it; never write outside the picture).
///
/// Example: center (1, 1) and size 2 in a 4x4 picture zero columns 0...1 of rows 0...1.
///
/// - Parameters:
///   - picture: any picture.
///   - centerX: column of the center, in 0..<width.
///   - centerY: row of the center, in 0..<height.
///   - size: side of the square, at least 0.
/// - Returns: the picture with the square zeroed.
public func cutout(_ picture: Picture, centerX: Int, centerY: Int, size: Int) -> Picture {
    var result = picture
    let left = max(0, centerX - size / 2), right = min(picture.width, centerX - size / 2 + size)
    let top = max(0, centerY - size / 2), bottom = min(picture.height, centerY - size / 2 + size)
    guard left < right, top < bottom else { return result }
    for y in top..<bottom {
        for x in left..<right {
            for channel in 0..<picture.channels {
                result[x: x, y: y, channel: channel] = 0
            }
        }
    }
    return result
}
