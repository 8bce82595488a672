// Lesson 6 — Variation loss.
//
// Lesson 5's ideal cat convinced the network and looked like noise. Adding a total-variation term to the loss asks
// for a picture whose neighbouring pixels agree; random jitter and zoom between steps ask for patterns that survive
// small moves. This lesson measures what each does to the picture and to the network's confidence.
// Run with `swift run lesson-06` (`--quick` for a short run, `--class N` for another ImageNet class).

import TransferLab
import Foundation

let book = Notebook(lesson: 6, title: "Variation loss", lessonOptions: [
    LessonOption(name: "class", valueName: "CLASS", help: "the ImageNet class to draw, by index or name",
                 defaultValue: "284"),
])
let quick = book.isQuick

/// "97.3%"; two decimals above 99.5% and ">99.99%" at the top, so near-certainty never reads as a certain 100%.
func percent(_ probability: Float) -> String {
    if probability >= 0.99995 { return ">99.99%" }
    return String(format: probability >= 0.995 ? "%.2f%%" : "%.1f%%", probability * 100)
}

/// The mean standard deviation of the channels: how much contrast a picture has.
func contrast(_ image: Image) -> Float { image.channelStandardDeviations.reduce(0, +) / 3 }

/// A weight as written in captions: 0, 300, 1000, 3e+04.
func weightText(_ weight: Float) -> String { weight < 10_000 ? "\(Int(weight))" : String(format: "%.0e", weight) }

// MARK: - Total variation

book.section("Measuring noise: total variation")
book.prose("""
    The **total variation** of a picture adds up how much every pixel differs from its neighbour below and its \
    neighbour to the right. We divide by the number of values so the number does not depend on the picture's size:

    TV(x) = ( Σ |x[h+1, w] − x[h, w]| + Σ |x[h, w+1] − x[h, w]| ) / (C·H·W)

    A photo is mostly smooth surfaces with a few edges; noise changes at every pixel. Compare a photo, the grey noise \
    the ideal images start from, and pure uniform noise:
    """)
let classText = book.value(of: "class") ?? "284"
guard let target = Int(classText).flatMap({ (0..<1000).contains($0) ? $0 : nil }) ?? ImageNet.index(of: classText)
else {
    FileHandle.standardError.write(Data("lesson-06: unknown ImageNet class \"\(classText)\" (see --help)\n".utf8))
    exit(2)
}
let className = ImageNet.labels[target]
let chelsea = try book.cell { () -> Image in
    let photo = try Image(contentsOf: try Assets.standard.photo("chelsea.png")).centerCropped()
        .resized(width: 224, height: 224)
    let start = IdealImage(targetClass: target, seed: 6).startingPixels()
    let uniform = Tensor.random(uniform: [1, 224, 224, 3], seed: 1)
    print(String(format: "TV(chelsea.png) = %.4f   TV(starting noise) = %.4f   TV(uniform noise) = %.4f",
                 totalVariation(Tensor(photo)).scalar, totalVariation(start).scalar, totalVariation(uniform).scalar))
    return photo
}
let photoVariation = totalVariation(Tensor(chelsea)).scalar
book.prose("""
    The photo's total variation is \(String(format: "%.4f", photoVariation)): neighbouring values differ by about \
    \(String(format: "%.1f", photoVariation / 2 * 255)) levels of 255 on average in each direction. The gradient of \
    TV with respect to a pixel is a sum of ±1/(C·H·W), one per neighbour: it nudges every value towards its \
    neighbours, which is exactly a smoothing step.
    """)

// MARK: - The weight of the smoothness term

book.section("Cross-entropy plus a weighted smoothness term")
book.prose("""
    The ideal image now minimises CE(f(x), \(target)) + λ·TV(x): cross-entropy to make the network say \
    "\(className)", total variation to keep the picture smooth. Because TV is divided by the number of values its \
    gradient per pixel is tiny (at most 4/(3·224·224) ≈ 2.7·10⁻⁵ times λ), so useful weights are in the hundreds \
    and thousands. We run the same search (same starting noise, Adam, learning rate 0.02 with cosine decay) for \
    several λ.
    """)
let model = try book.cell { try EfficientNetLite0.pretrained() }
let steps = quick ? 15 : 100
let weights: [Float] = quick ? [0, 1000, 10_000] : [0, 300, 1000, 3000, 10_000]
func search(weight: Float, jitter: Int = 0, scales: ClosedRange<Float> = 1...1) -> IdealImage {
    IdealImage(targetClass: target, steps: steps, optimizer: .adam(learningRate: 0.02),
               totalVariationWeight: weight, jitter: jitter, scales: scales, seed: 6)
}
let runs = book.cell { () -> [IdealImageResult] in
    weights.map { weight in
        let started = Date()
        let result = search(weight: weight).generate(with: model)
        print(String(format: "λ = %@: p(%@) %.4f, TV %.4f  (%.0f s)", weightText(weight), className,
                     result.probability, result.totalVariation, Date().timeIntervalSince(started)))
        return result
    }
}
book.cell {
    let grid = ImageGrid(title: "Ideal \(className) for several TV weights λ", images: runs.map(\.image),
                         captions: zip(weights, runs).map { weight, run in
                             "λ = \(weightText(weight))\np \(percent(run.probability)), "
                                 + "TV \(String(format: "%.3f", run.totalVariation))"
                         }, columns: weights.count, cellWidth: 200)
    book.figure(grid, name: "tv-weights",
                caption: "The same search with a growing smoothness weight, pixels as they are.")
}
let plain = runs[0], strongest = runs[runs.count - 1]
book.prose("""
    Without the smoothness term (λ = 0) the network is \(percent(plain.probability)) sure and the picture is noise \
    with TV \(String(format: "%.3f", plain.totalVariation)), more than \
    \(String(format: "%.0f", plain.totalVariation / photoVariation))× the photo's. As λ grows the noise melts away: \
    at λ = \(weightText(weights.last!)) TV is down to \(String(format: "%.4f", strongest.totalVariation)) and the \
    network still gives \(percent(strongest.probability)).

    The smooth pictures are also *faint*: TV charges for every difference, including the contrast that would make \
    the features visible, and the network needs very little contrast to be sure. The standard deviation of the \
    values falls from \(String(format: "%.3f", contrast(plain.image))) at λ = 0 to \
    \(String(format: "%.3f", contrast(strongest.image))) at λ = \(weightText(weights.last!)) (the photo's is \
    \(String(format: "%.3f", contrast(chelsea)))). Stretching each channel to the full 0…1 range (an auto-contrast \
    that ignores the extreme 0.5% at each end; for our eyes only, the network saw the faint version) shows what is \
    there:
    """)
book.cell {
    let grid = ImageGrid(title: "The same pictures, contrast stretched for viewing",
                         images: runs.map { $0.image.autoContrasted(cutoff: 0.005) },
                         captions: weights.map { "λ = \(weightText($0))" }, columns: weights.count, cellWidth: 200)
    book.figure(grid, name: "tv-weights-stretched",
                caption: "Each picture's channels stretched to 0…1 (display only).")
}

// MARK: - Loss components

book.section("Two losses pulling against each other")
let shown = weights.count / 2
let shownWeight = weights[shown], shownRun = runs[shown]
book.prose("""
    Every step records the cross-entropy and the total variation of the picture the network saw. Here they are for \
    λ = \(weightText(shownWeight)), with the TV term multiplied by its weight so both are in units of the loss:
    """)
book.cell {
    let history = shownRun.history
    let plot = LinePlot(title: "Loss components, λ = \(weightText(shownWeight))", xLabel: "step", yLabel: "loss",
                        series: [LineSeries(name: "cross-entropy", values: history.map(\.crossEntropy)),
                                 LineSeries(name: "λ·TV", values: history.map { shownWeight * $0.totalVariation }),
                                 LineSeries(name: "total", values: history.map(\.loss), dashed: true)],
                        yScale: .logarithmic)
    book.figure(plot, name: "loss-components",
                caption: "Cross-entropy, weighted total variation and their sum per step.")
    let confidence = LinePlot(title: "p(\(className)) per step", xLabel: "step", yLabel: "probability",
                              series: zip(weights, runs).map { weight, run in
                                  LineSeries(name: "λ = \(weightText(weight))", values: run.history.map(\.probability))
                              }, yRange: 0...1, yFormat: .percent(decimals: 0))
    book.figure(confidence, name: "confidence-per-weight", caption: "The target's probability per step for every λ.")
}
let first = shownRun.history.first!, last = shownRun.history.last!
let sureAt = shownRun.history.first { $0.probability >= 0.9 }?.step
let roughStart = shownWeight * first.totalVariation > first.crossEntropy
book.prose("""
    At the first step the cross-entropy is \(String(format: "%.2f", first.crossEntropy)) and λ·TV is \
    \(String(format: "%.2f", shownWeight * first.totalVariation))\(roughStart
        ? ": even the faint starting noise costs more in smoothness than in class." : ".") \
    The cross-entropy falls fast\(sureAt.map { " (p passes 90% at step \($0))" } ?? "") and ends at \
    \(String(format: "%.3g", last.crossEntropy)); λ·TV falls steadily to \
    \(String(format: "%.3g", shownWeight * last.totalVariation)). Once the network is sure, the cross-entropy's \
    gradient is tiny and the smoothness term does most of the work: it keeps flattening the picture for as long as \
    the class survives.
    """)

// MARK: - The trade-off

book.section("Smoothness against confidence")
book.cell {
    let group = ScatterGroup(name: "final picture", x: runs.map { Double($0.totalVariation) },
                             y: runs.map { Double($0.probability) },
                             pointLabels: weights.map { "λ = \(weightText($0))" })
    let plot = ScatterPlot(title: "Each λ: smoothness against confidence",
                           xLabel: "total variation (lower is smoother)", yLabel: "p(\(className))",
                           groups: [group], xScale: .logarithmic, yFormat: .percent(decimals: 1))
    book.figure(plot, name: "trade-off", caption: "Final total variation and probability for every weight.")
}
book.table(headers: ["λ", "p(\(className))", "total variation", "contrast (std)", "cross-entropy at the end"],
           rows: zip(weights, runs).map { weight, run in
               [weightText(weight), percent(run.probability), String(format: "%.4f", run.totalVariation),
                String(format: "%.3f", contrast(run.image)), String(format: "%.4f", run.history.last!.crossEntropy)]
           }, caption: "The final picture of each run")
let mostConfident = runs.indices.max { runs[$0].probability < runs[$1].probability }!
book.prose("""
    The table is the trade-off: from λ = 0 to λ = \(weightText(weights.last!)) the total variation falls by a factor \
    of \(String(format: "%.0f", plain.totalVariation / max(strongest.totalVariation, 1e-6))) while the probability \
    moves from \(percent(plain.probability)) to \(percent(strongest.probability)) (the most confident run is \
    λ = \(weightText(weights[mostConfident]))). A smoother picture has fewer ways to be convincing\
    \(runs.allSatisfy { $0.probability > 0.9 }
        ? ", but this network needs very little: the price of smoothness is paid mostly in contrast, not in confidence."
        : ", and past some weight the network stops being convinced.")
    """)

// MARK: - Jitter and scale

book.section("Jitter and scale between steps")
book.prose("""
    Feature-visualisation practice (Olah et al., *Feature Visualization*, 2017) adds another kind of pressure: at \
    every step the network sees the picture shifted by a few pixels and zoomed a little, at random. A pattern that \
    only works at exact pixel positions stops working when moved, so the steps reinforce patterns that survive \
    small moves, which tend to be larger and more object-like. The shift and zoom are linear in the pixels, so the \
    gradient is carried back exactly through them (the adjoint of the resampling).
    """)
let jitterWeight: Float = 1000
let jittered = book.cell { () -> (still: IdealImageResult, moving: IdealImageResult) in
    let still = runs[weights.firstIndex(of: jitterWeight) ?? shown]
    let started = Date()
    let moving = search(weight: jitterWeight, jitter: 16, scales: 0.9...1.1).generate(with: model)
    print(String(format: "λ = %@ with jitter 16 px and zoom 0.9–1.1: p %.4f, TV %.4f  (%.0f s)",
                 weightText(jitterWeight), moving.probability, moving.totalVariation,
                 Date().timeIntervalSince(started)))
    return (still, moving)
}
book.cell {
    let grid = ImageGrid(title: "λ = \(weightText(jitterWeight)), without and with jitter and zoom",
                         images: [jittered.still.image, jittered.moving.image,
                                  jittered.still.image.autoContrasted(cutoff: 0.005),
                                  jittered.moving.image.autoContrasted(cutoff: 0.005)],
                         captions: ["fixed\np \(percent(jittered.still.probability))",
                                    "jitter 16 px, zoom ±10%\np \(percent(jittered.moving.probability))",
                                    "fixed, stretched", "jitter and zoom, stretched"],
                         columns: 4, cellWidth: 200)
    book.figure(grid, name: "jitter-and-zoom", caption: "Jitter and zoom between steps; the bottom row is contrast "
                    + "stretched for viewing.")
}
book.figure(jittered.moving.image.autoContrasted(cutoff: 0.005), name: "ideal-\(target)-jitter-stretched",
            caption: "The jittered ideal \(className) at full size, contrast stretched.")
book.prose("""
    With jitter and zoom the network's confidence is \(percent(jittered.moving.probability)) (against \
    \(percent(jittered.still.probability)) without) and the total variation \
    \(String(format: "%.4f", jittered.moving.totalVariation)) (against \
    \(String(format: "%.4f", jittered.still.totalVariation))). Judge the pictures yourself: neither is a photo of a \
    \(className). What they show is the textures and parts that this particular network has learnt to associate with the \
    class, at the positions where the optimisation happened to put them.
    """)
book.note("""
    Draw the ideal image of any class from the command line, with any weight: \
    `swift run lab ideal --class "\(className)" --tv 1000 --jitter 16 --scale 0.1 --steps 200 -o ideal.png`, or \
    rerun this lesson with `--class N`.
    """)

for (weight, run) in zip(weights, runs) {
    book.metric("probability_tv_\(Int(weight))", run.probability)
    book.metric("total_variation_tv_\(Int(weight))", run.totalVariation)
}
book.metric("target_class", target)
book.metric("steps", steps)
book.metric("tv_weights", weights)
book.metric("probabilities", runs.map(\.probability))
book.metric("total_variations", runs.map(\.totalVariation))
book.metric("photo_total_variation", photoVariation)
book.metric("jitter_probability", jittered.moving.probability)
book.metric("jitter_total_variation", jittered.moving.totalVariation)

book.summary([
    "Total variation, divided by the number of values, measures how rough a picture is: "
        + "\(String(format: "%.4f", photoVariation)) for a photo, \(String(format: "%.3f", plain.totalVariation)) for "
        + "the plain ideal image.",
    "Adding λ·TV to the cross-entropy removes the noise; confidence stayed between "
        + "\(percent(runs.map(\.probability).min()!)) and \(percent(runs.map(\.probability).max()!)) for λ up to "
        + "\(weightText(weights.last!)).",
    "The smooth pictures are faint: total variation also charges for contrast. Stretch them to look at them.",
    "Random jitter and zoom between steps favour patterns that survive small moves; the gradient passes exactly "
        + "through the resampling.",
])
book.exercises([
    "Replace the absolute differences in TV by squares (|Δ|²): the gradient is then proportional to the difference. "
        + "How do the pictures change?",
    "Try `--class 340` (zebra) or `--class 954` (banana): which classes give recognisable pictures?",
    "Optimise a 56×56 picture and upsample it to 224×224 before the network (a lower-resolution parameterisation): "
        + "is the result smoother for the same confidence?",
])
book.gradedExercises()
book.finish()
