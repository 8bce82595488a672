/// An RGB picture with channel values in [0, 1], stored row by row, pixel by pixel (HWC).
///
/// Every decoder produces this (gray is copied to three channels, alpha is composited on white),
/// every encoder and figure consumes it, and `Vision` converts it to and from a `Tensor`.
/// Concretely: the red value of pixel (x, y) is `pixels[(y * width + x) * 3]`.
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// `height * width * 3` values in [0, 1].
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0, "an image needs a positive size, got \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "\(width)x\(height) RGB needs \(width * height * 3) values, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniformly colored image.
    public init(width: Int, height: Int, red: Float, green: Float, blue: Float) {
        var pixels = [Float](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = red; pixels[i + 1] = green; pixels[i + 2] = blue
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The (red, green, blue) values of the pixel in column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (red: Float, green: Float, blue: Float) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
