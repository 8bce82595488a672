import ExerciseSupport

/// Lesson 04 · Horizontal flip
///
/// The oldest augmentation: a cat looking left is still a cat looking right. Mirror the picture
/// left to right: the pixel in column x moves to column width - 1 - x; rows and channels stay put
/// (a pixel's color must not change, so move whole pixels, not single values).
///
/// Example: a 3x1 picture with pixels A B C becomes C B A.
///
/// - Parameter picture: any picture.
/// - Returns: a picture of the same shape.
public func horizontallyFlipped(_ picture: Picture) -> Picture {
    // TODO: copy the pixel at column x to column width - 1 - x, every channel.
    todo("horizontallyFlipped(_:)")
}
