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
    // TODO: clip the square to the picture, then zero every channel inside it.
    todo("cutout(_:centerX:centerY:size:)")
}
