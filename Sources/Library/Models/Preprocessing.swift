// A pretrained network only works on inputs prepared exactly as its training data was: same framing, same
// size, same pixel scaling. So the preparation belongs to the model's type, not to each caller.

import Engine
import Imaging

/// How a model wants its pictures: framed, sized and normalized exactly as during its training.
public struct Preprocessing: Sendable, Equatable {
    /// How a photo of any shape becomes a square input.
    public enum Framing: Sendable, Equatable {
        /// Crop the largest centered square, then resize it (EfficientNet-Lite's reference pipeline).
        case centerSquareThenResize
        /// Resize the whole photo to a square, distorting its proportions (a common mistake, shown in lesson 1).
        case squash
        /// Resize so the shorter side is `shorterSide`, then crop the centered square (torchvision's
        /// `Resize(256)` + `CenterCrop(224)`).
        case resizeThenCenterCrop(shorterSide: Int)
    }

    /// How [0, 1] pixels become the network's input values.
    public enum Normalization: Sendable, Equatable {
        /// x = (255·p − 127) / 128: TensorFlow EfficientNet-Lite's scaling, which the Lite0 weights expect.
        case centeredOn127
        /// x = (p − mean) / std per channel: torchvision's ImageNet statistics.
        case meanStandardDeviation(mean: [Float], standardDeviation: [Float])

        /// x = p: no normalization at all (a common mistake, shown in lesson 1).
        case none

        /// torchvision's ImageNet mean and standard deviation.
        public static let imageNet = Normalization.meanStandardDeviation(
            mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])
    }

    /// The side of the square input, in pixels.
    public var inputSize: Int
    public var framing: Framing
    public var normalization: Normalization

    public init(inputSize: Int, framing: Framing, normalization: Normalization) {
        self.inputSize = inputSize
        self.framing = framing
        self.normalization = normalization
    }

    /// Frames and resizes a photo to `inputSize`×`inputSize` (a photo already that size is used as is).
    public func framed(_ image: Image) -> Image {
        if image.width == inputSize && image.height == inputSize { return image }
        switch framing {
        case .centerSquareThenResize:
            return image.centerCropped().resized(width: inputSize, height: inputSize)
        case .squash:
            return image.resized(width: inputSize, height: inputSize)
        case .resizeThenCenterCrop(let shorterSide):
            let scale = Double(shorterSide) / Double(min(image.width, image.height))
            let resized = image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                                        height: max(1, Int((Double(image.height) * scale).rounded())))
            let left = (resized.width - inputSize) / 2, top = (resized.height - inputSize) / 2
            return resized.cropped(x: left, y: top, width: inputSize, height: inputSize)
        }
    }

    /// Maps `[N, H, W, 3]` pixels in [0, 1] to the network's input values (differentiable, so attacks and ideal
    /// images can work in pixel space).
    public func normalized(_ pixels: Tensor) -> Tensor {
        switch normalization {
        case .centeredOn127:
            return pixels * (255 / 128) - 127 / 128
        case .none:
            return pixels
        case .meanStandardDeviation(let mean, let standardDeviation):
            return (pixels - Tensor(mean)) / Tensor(standardDeviation)
        }
    }
}
