import ExerciseSupport

/// Lesson 01 · Center crop to a square
///
/// The first step of Lite0's preprocessing: cut the largest square out of the middle of a picture,
/// so that resizing it to 224x224 does not squash the cat. The side is s = min(width, height); the
/// square starts at column (width - s) / 2 and row (height - s) / 2, both rounded down (Pillow does
/// the same, so our crops match the PyTorch reference pixel for pixel).
///
/// Example: a 5x3 picture (width 5, height 3) keeps columns 1, 2, 3 and all three rows.
///
/// - Parameter picture: any picture, any number of channels.
/// - Returns: an s x s picture with the same channels.
public func centerCroppedToSquare(_ picture: Picture) -> Picture {
    let side = min(picture.width, picture.height)
    let left = (picture.width - side) / 2
    let top = (picture.height - side) / 2
    var square = Picture(width: side, height: side, channels: picture.channels, repeating: 0)
    for y in 0..<side {
        for x in 0..<side {
            for channel in 0..<picture.channels {
                square[x: x, y: y, channel: channel] = picture[x: left + x, y: top + y, channel: channel]
            }
        }
    }
    return square
}
