import ExerciseSupport

/// Lesson 04 · CutMix
///
/// CutMix (Yun et al., 2019) pastes a box from a second picture into the first, and mixes the
/// labels by how much of each picture is visible. Every pixel (all channels) inside `box` comes
/// from `second`; the rest from `first`. The box may hang over the edge: only its part inside the
/// picture is pasted. With lambda = 1 - (pasted pixels) / (width * height), the label is
/// lambda * first.label + (1 - lambda) * second.label.
///
/// Example: a 4x4 picture with Box(x: 2, y: 2, width: 4, height: 4) pastes a 2x2 corner (4 of 16
/// pixels): lambda = 0.75, labels [1, 0] and [0, 1] mix to [0.75, 0.25].
///
/// - Parameters:
///   - first: the picture to paste into.
///   - second: the picture to paste from, same shape, a label of the same length.
///   - box: which pixels to take from `second`.
/// - Returns: the mixed picture and label.
public func cutMix(_ first: LabelledPicture, _ second: LabelledPicture, box: Box) -> LabelledPicture {
    // TODO: clip the box, copy its pixels from second, count them, then mix the labels.
    todo("cutMix(_:_:box:)")
}
