import ArgumentParser
import Engine
import Foundation
import Imaging
import Attacks
import Augmentations
import CourseAssets
import Datasets
import Models

struct Ideal: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the picture the pretrained network finds most like an ImageNet class.",
        discussion: """
            Gradient descent on the pixels of a noise picture (the network stays frozen) until the network names the \
            class. Without --tv and --jitter the result convinces the network but looks like noise to us; a \
            total-variation weight (useful values are in the hundreds to thousands, as TV is divided by the number \
            of values) and jitter trade some confidence for a smoother, fainter picture (lesson 6).
            Examples:
              swift run lab ideal --class 284 -o cat.png
              swift run lab ideal --class "zebra" --tv 1000 --jitter 16 --scale 0.1 --steps 200 -o zebra.png
            """)

    @Option(name: .customLong("class"), help: "The ImageNet class: an index 0-999 or a name such as \"Siamese cat\".")
    var className: String

    @Option(help: "Gradient steps.")
    var steps = 100

    @Option(help: "The weight of the total-variation (smoothness) term.")
    var tv: Float = 0

    @Option(help: "Shift the picture by up to this many pixels each step.")
    var jitter = 0

    @Option(help: "Zoom the picture by up to this fraction each step, e.g. 0.05 for 0.95-1.05x.")
    var scale: Float = 0

    @Option(help: "Adam's learning rate, in pixel units per step.")
    var learningRate: Float = 0.02

    @Option(help: "Seed of the starting noise and the jitter.")
    var seed: UInt64 = 0

    @Option(name: [.short, .customLong("output")], help: "Where to write the PNG.")
    var output = "ideal.png"

    var classIndex: Int { (try? parseClass(className)) ?? 0 }

    func validate() throws {
        _ = try parseClass(className)
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard tv >= 0, tv.isFinite else { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        guard jitter >= 0 else { throw ValidationError("--jitter must be 0 or more, got \(jitter)") }
        guard (0..<1).contains(scale) else { throw ValidationError("--scale must lie in [0, 1), got \(scale)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive, got \(learningRate)")
        }
        guard output.hasSuffix(".png") else { throw ValidationError("--output must name a .png file, got \(output)") }
    }

    func run() throws {
        let model = try EfficientNetLite0.pretrained()
        let search = IdealImage(targetClass: classIndex, steps: steps, optimizer: .adam(learningRate: learningRate),
                                totalVariationWeight: tv, jitter: jitter, scales: (1 - scale)...(1 + scale), seed: seed)
        let name = ImageNet.labels[classIndex]
        printTopFive("start (noise)", probabilities: probabilities(of: search.startingPixels(), model: model))
        let started = Date()
        let every = max(1, steps / 10)
        let result = search.generate(with: model) { step in
            guard step.step == 1 || step.step % every == 0 || step.step == steps else { return }
            print(String(format: "step %4d/%d  p(%@) %.4f  cross-entropy %.4f  TV %.4f  %.1f s", step.step, steps,
                         name, step.probability, step.crossEntropy, step.totalVariation,
                         Date().timeIntervalSince(started)))
        }
        printTopFive("result", probabilities: probabilities(of: result.pixels, model: model))
        try writePNG(result.image, to: output)
        print("wrote \(output): p(\(name)) \(String(format: "%.4f", result.probability)), "
              + "total variation \(String(format: "%.4f", result.totalVariation))")
    }
}

/// A class index from "284" or a name such as "Siamese cat" (case-insensitive).
func parseClass(_ text: String) throws -> Int {
    if let index = Int(text) {
        guard (0..<ImageNet.labels.count).contains(index) else {
            throw ValidationError("class index must be 0-999, got \(index)")
        }
        return index
    }
    guard let index = ImageNet.index(of: text.trimmingCharacters(in: .whitespaces)) else {
        let close = ImageNet.labels.filter { $0.lowercased().contains(text.lowercased()) }.prefix(3)
        let hint = close.isEmpty ? "" : " (did you mean \(close.map { "\"\($0)\"" }.joined(separator: ", "))?)"
        throw ValidationError("unknown ImageNet class \"\(text)\"\(hint)")
    }
    return index
}

/// Softmax probabilities of one `[1, H, W, 3]` picture.
func probabilities(of pixels: Tensor, model: EfficientNetLite0) -> [Float] {
    withoutGradients { softmax(model(pixels)).scalars }
}

/// Prints the five most probable classes under a heading.
func printTopFive(_ title: String, probabilities: [Float]) {
    print(title + ":")
    for (rank, index) in probabilities.indices.sorted(by: { probabilities[$0] > probabilities[$1] }).prefix(5)
        .enumerated() {
        let label = ImageNet.labels[index].padding(toLength: 28, withPad: " ", startingAt: 0)
        print(String(format: "  %d. %4d  %@ %7.3f%%", rank + 1, index, label, probabilities[index] * 100))
    }
}

/// Writes an 8-bit PNG, creating the folder if needed.
func writePNG(_ image: Image, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    do {
        try Data(image.pngData()).write(to: url)
    } catch {
        throw LabFailure(description: "cannot write \(path): \(error)")
    }
}
