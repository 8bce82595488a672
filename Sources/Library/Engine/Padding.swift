// Padding of spatial windows (convolution, pooling), the geometry they share, and the one parallel loop.

import Foundation

/// How a convolution or pooling window treats the image border (PyTorch: `padding=`; TensorFlow: `"SAME"`).
public enum Padding: Sendable, Equatable {
    /// No padding: windows stay inside the image (PyTorch: `padding=0`; TensorFlow: `"VALID"`).
    case valid
    /// TensorFlow `"SAME"`: output size ⌈input/stride⌉, total padding max((⌈i/s⌉-1)·s + k - i, 0) per axis, with
    /// ⌊total/2⌋ on top/left and the rest on bottom/right. Concretely: a 3x3 stride-2 window on an even input pads
    /// (0, 1). EfficientNet-Lite ports from TensorFlow rely on this asymmetry.
    case same
    /// Fixed amounts per side (PyTorch: `padding=(h, w)` means top = bottom = h, left = right = w).
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// The same amount on every side (PyTorch: `padding=n`).
    public static func symmetric(_ n: Int) -> Padding {
        .explicit(top: n, bottom: n, left: n, right: n)
    }

    /// The padding per side for a window of `kernelSize` (height, width) moved by `stride` over an input of
    /// `inputSize` (height, width).
    public func amounts(inputSize: (height: Int, width: Int), kernelSize: (height: Int, width: Int),
                        stride: Int) -> (top: Int, bottom: Int, left: Int, right: Int) {
        switch self {
        case .valid:
            return (0, 0, 0, 0)
        case let .explicit(top, bottom, left, right):
            return (top, bottom, left, right)
        case .same:
            func split(_ input: Int, _ kernel: Int) -> (Int, Int) {
                let total = Swift.max((input + stride - 1) / stride * stride - stride + kernel - input, 0)
                return (total / 2, total - total / 2)
            }
            let (top, bottom) = split(inputSize.height, kernelSize.height)
            let (left, right) = split(inputSize.width, kernelSize.width)
            return (top, bottom, left, right)
        }
    }
}

/// Where a sliding window over an NHWC input lands: sizes, stride, padding and output size.
struct WindowGeometry {
    let batch: Int, height: Int, width: Int, channels: Int
    let kernelHeight: Int, kernelWidth: Int, stride: Int
    let top: Int, left: Int
    let outputHeight: Int, outputWidth: Int

    init(input shape: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Padding) {
        precondition(shape.count == 4, "expected an NHWC image batch [N,H,W,C], got shape \(shape)")
        precondition(stride >= 1, "stride must be at least 1, got \(stride)")
        (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        (self.kernelHeight, self.kernelWidth, self.stride) = (kernelHeight, kernelWidth, stride)
        let pad = padding.amounts(inputSize: (height, width), kernelSize: (kernelHeight, kernelWidth), stride: stride)
        (top, left) = (pad.top, pad.left)
        outputHeight = (height + pad.top + pad.bottom - kernelHeight) / stride + 1
        outputWidth = (width + pad.left + pad.right - kernelWidth) / stride + 1
        precondition(outputHeight > 0 && outputWidth > 0,
                     "a \(kernelHeight)x\(kernelWidth) window does not fit the \(height)x\(width) input")
    }

    /// Output positions per image.
    var outputPixels: Int { outputHeight * outputWidth }
}

/// The number of threads the engine's own kernels use: the environment variable `TRANSFERLAB_NUM_THREADS` if set
/// (read once, at first use), else the number of active cores. Matrix products use the same threads (OpenBLAS itself
/// runs single-threaded, see MatMul.swift), so this one setting compares with PyTorch at equal thread counts
/// (`torch.set_num_threads`).
public let engineThreadCount: Int = {
    let requested = ProcessInfo.processInfo.environment["TRANSFERLAB_NUM_THREADS"].flatMap { Int($0) }
    return Swift.max(1, requested ?? ProcessInfo.processInfo.activeProcessorCount)
}()

/// Runs `body` over `0..<count` split into contiguous ranges, in parallel when there is enough `work`
/// (roughly the number of scalar operations in all). Ranges never overlap, so disjoint writes need no locks.
func parallelFor(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let cores = engineThreadCount
    let tasks = work < 1 << 15 || cores == 1 ? 1 : Swift.min(count, cores * 4)
    if tasks <= 1 {
        body(0..<count)
        return
    }
    // The ranges are disjoint and `concurrentPerform` returns only when all are done, so handing the
    // non-Sendable body to its workers is safe.
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: tasks) { task in
            body((task * count / tasks)..<((task + 1) * count / tasks))
        }
    }
}
