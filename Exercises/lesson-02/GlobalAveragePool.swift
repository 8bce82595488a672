import ExerciseSupport

/// Lesson 02 · Global average pooling
///
/// How a frozen network becomes a feature extractor: Lite0's last block gives 1280 feature maps of
/// 7x7 for a 224x224 photo; averaging each map over its 49 positions gives one 1280-d embedding that
/// no longer depends on where in the photo the cat sits (PyTorch: `x.mean(dim=(2, 3))`).
///
/// Example: a 2x1x2 map with channel 0 = [1, 3] and channel 1 = [10, 20] pools to [2, 15].
///
/// - Parameter featureMap: C x H x W activations (CHW), with H * W > 0.
/// - Returns: C values, the mean of each channel.
public func globalAveragePooled(_ featureMap: FeatureMap) -> [Float] {
    // TODO: average each channel's height * width values.
    todo("globalAveragePooled(_:)")
}
