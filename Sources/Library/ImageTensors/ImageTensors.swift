// ImageTensors — the bridge between pictures and tensors.
//
// Job: convert an `Image` (Imaging, HWC pixels in [0, 1]) to a `[1, H, W, 3]` or stacked `[N, H, W, 3]` `Tensor`
// (Engine) and back. It may import Engine and Imaging only; Models, Datasets, Augmentations and Attacks build on it.

@_exported import Engine
@_exported import Imaging

extension Tensor {
    /// A `[1, H, W, 3]` tensor of the image's pixels in [0, 1].
    public init(_ image: Image) {
        self.init(shape: [1, image.height, image.width, 3], scalars: image.pixels)
    }

    /// A `[N, H, W, 3]` batch of equally sized images.
    public init(stacking images: [Image]) {
        precondition(!images.isEmpty, "cannot stack an empty list of images")
        let (width, height) = (images[0].width, images[0].height)
        precondition(images.allSatisfy { $0.width == width && $0.height == height },
                     "images in a batch must share one size")
        self.init(shape: [images.count, height, width, 3], scalars: images.flatMap(\.pixels))
    }
}

extension Image {
    /// The image at `index` of a `[N, H, W, 3]` (or `[H, W, 3]`) tensor, clamped to [0, 1].
    public init(_ tensor: Tensor, index: Int = 0) {
        let shape = tensor.rank == 3 ? [1] + tensor.shape : tensor.shape
        precondition(shape.count == 4 && shape[3] == 3, "expected [N, H, W, 3] pixels, got \(tensor.shape)")
        let count = shape[1] * shape[2] * 3
        let values = tensor.scalars[(index * count)..<((index + 1) * count)].map { Swift.min(Swift.max($0, 0), 1) }
        self.init(width: shape[2], height: shape[1], pixels: values)
    }
}
