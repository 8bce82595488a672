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
    // TODO: find the side and the top-left corner of the square, then copy its pixels into a new Picture.
    todo("centerCroppedToSquare(_:)")
}
