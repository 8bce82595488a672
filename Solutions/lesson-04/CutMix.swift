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
    var mixed = first
    let left = max(0, box.x), right = min(first.picture.width, box.x + box.width)
    let top = max(0, box.y), bottom = min(first.picture.height, box.y + box.height)
    var pasted = 0
    if left < right && top < bottom {
        for y in top..<bottom {
            for x in left..<right {
                for channel in 0..<first.picture.channels {
                    mixed.picture[x: x, y: y, channel: channel] = second.picture[x: x, y: y, channel: channel]
                }
                pasted += 1
            }
        }
    }
    let lambda = 1 - Float(pasted) / Float(first.picture.width * first.picture.height)
    for i in mixed.label.indices {
        mixed.label[i] = lambda * first.label[i] + (1 - lambda) * second.label[i]
    }
    return mixed
}
