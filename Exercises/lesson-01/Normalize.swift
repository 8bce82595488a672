import ExerciseSupport

/// Lesson 01 · Normalize and reorder to channels-first
///
/// The last step of preprocessing: the network wants each channel shifted and scaled,
/// x = (value - mean[c]) / std[c], and laid out plane by plane (CHW, PyTorch's NCHW without the
/// batch axis) rather than pixel by pixel (HWC, how pictures are stored).
/// Lite0 was trained with mean 127/255 and std 128/255 for every channel, i.e. x = (pixel - 127) / 128;
/// torchvision's ImageNet numbers (mean 0.485, 0.456, 0.406; std 0.229, 0.224, 0.225) are wrong for it.
///
/// Example: a 2x1 RGB picture [r0 g0 b0 r1 g1 b1] becomes [r0' r1' g0' g1' b0' b1'].
///
/// - Parameters:
///   - picture: values in [0, 1], HWC.
///   - mean: one value per channel.
///   - std: one positive value per channel.
/// - Returns: `channels * height * width` values, CHW: channel c, row y, column x is at (c * height + y) * width + x.
public func normalizedChannelsFirst(_ picture: Picture, mean: [Float], std: [Float]) -> [Float] {
    // TODO: loop over channel, row, column; write (value - mean[c]) / std[c] at its CHW position.
    todo("normalizedChannelsFirst(_:mean:std:)")
}
