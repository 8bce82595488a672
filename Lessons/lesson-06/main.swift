// Lesson 6 — Making the ideal image natural.
//
// Lesson 5's ideal cat convinced Lite0 and nobody else. This lesson asks two networks that never saw the picture
// (Lite1, Lite2) and changes the recipe until they agree: a smoothness term, random transforms every step, a
// Fourier parameterization with decorrelated color, and the class's logit instead of its probability. Run with
// `swift run lesson-06` (`--quick` for a short run, `--class N` for a third class).

import TransferLab
import Foundation

let book = Notebook(lesson: 6, title: "Making the ideal image natural", lessonOptions: [
    LessonOption(name: "class", valueName: "CLASS", help: "a third ImageNet class to draw, by index or name",
                 defaultValue: "130"),
])
let quick = book.isQuick
let chosen = book.imageNetClass(option: "class")
let siameseCat = 284, zebra = 340
let pixelSteps = quick ? 8 : 100

// MARK: - Judges

book.section("A second opinion")
book.prose("""
    An ideal image is made against one network, the **generator** (Lite0, as in lesson 5). To know whether the \
    picture shows the class or only exploits Lite0, we ask **judges**: EfficientNet-Lite1 and Lite2, trained on the \
    same ImageNet classes but deeper, wider and at larger inputs (240 and 260 pixels). They are never used to make \
    the picture; each gets the saved 8-bit PNG resized to its own input.
    """)
let (generator, judges) = book.cell { () -> (EfficientNetLite, [EfficientNetLite]) in
    let generator = try EfficientNetLite.pretrained(.lite0)
    let judges = try EfficientNetLite.judges(excluding: .lite0)
    for model in [generator] + judges {
        print("\(model.name): \(model.parameterCount) parameters, \(model.preprocessing.inputSize) px input")
    }
    return (generator, judges)
}

// MARK: - Five recipes

book.section("Five recipes")
book.prose("""
    Each recipe below changes one thing. All start from a fixed seed and use NN's `Adam`; the plain-pixel recipes \
    decay the rate along a cosine as in lesson 5. The last recipe is the library's default, \
    `IdealImageSearch(targetClass:)`, as `lab ideal` runs it; the one before differs from it only in the objective. \
    A *draw* runs one recipe against Lite0 and then asks the judges:
    """)
// listing: recipes
/// One way of making an ideal image, named for the captions.
struct Recipe {
    let name: String
    let search: (_ target: Int) -> IdealImageSearch
}

/// The library's default search (fewer steps in a --quick run).
func defaultSearch(_ target: Int) -> IdealImageSearch {
    var search = IdealImageSearch(targetClass: target, seed: 6)
    if quick { search.steps = 10 }
    return search
}

let recipes = [
    Recipe(name: "pixels") { .pixels(targetClass: $0, steps: pixelSteps, seed: 6) },
    Recipe(name: "pixels + TV") { .pixels(targetClass: $0, steps: pixelSteps, totalVariationWeight: 1000, seed: 6) },
    Recipe(name: "pixels + TV + transforms") { target in
        var search = IdealImageSearch.pixels(targetClass: target, steps: pixelSteps, totalVariationWeight: 1000,
                                             seed: 6)
        search.transform = .standard   // pad 12, jitter 8, scale 0.9–1.1, rotate ±10°, jitter 4, every step
        return search
    },
    Recipe(name: "Fourier + color + transforms") { target in
        var search = defaultSearch(target)
        search.objective = .crossEntropy
        return search
    },
    Recipe(name: "Fourier + color + transforms + logit") { defaultSearch($0) },
]
let fourierSteps = defaultSearch(0).steps
let observeEvery = max(1, fourierSteps / (quick ? 2 : 16))   // how often the judges look at a picture in progress

/// A picture of `target` made against the generator, and what each judge says about it.
struct Drawing {
    let result: IdealImageResult
    let verdicts: [Verdict]   // the generator's first, then the judges'
}

func draw(_ target: Int, with recipe: Recipe, observeEvery: Int = 0,
          observe: (Int, Image) -> Void = { _, _ in }) throws -> Drawing {
    let result = try recipe.search(target).generate(with: generator, observeEvery: observeEvery,
                                                   observe: observe)
    let verdicts = ([generator] + judges).map { $0.verdict(on: result.image, targetClass: target) }
    return Drawing(result: result, verdicts: verdicts)
}
/// The judges' probabilities for the picture so far, every few steps of a draw.
typealias JudgeCurve = [(step: Int, lite1: Float, lite2: Float)]
/// A draw of the Siamese cat that also asks the judges every few steps.
func drawObserved(_ recipe: Recipe) throws -> (Drawing, JudgeCurve) {
    var curve: JudgeCurve = []
    let drawing = try draw(siameseCat, with: recipe, observeEvery: observeEvery) { step, picture in
        let verdicts = judges.map { $0.verdict(on: picture, targetClass: siameseCat) }
        curve.append((step, verdicts[0].probability, verdicts[1].probability))
    }
    print(drawing.verdicts.map { $0.sentence(label: "Siamese cat") }.joined(separator: "\n"))
    print("\(fourierSteps) steps in \(drawing.result.seconds.formatted(.fixed(0))) s")
    return (drawing, curve)
}
// end listing
book.listing("recipes")

// MARK: - Plain pixels, and total variation

book.section("Plain pixels are rejected; smoothing fades them")
book.prose("""
    The first two recipes are lessons 5 and 6 of old: plain pixels, then plus λ·TV, the total variation (mean \
    absolute difference between neighboring values) with λ = 1000. Here they are for the Siamese cat:
    """)
let catPlain = book.cell { () -> [Drawing] in
    try recipes.prefix(2).map { recipe in
        let drawing = try draw(siameseCat, with: recipe)
        print(recipe.name + ": " + drawing.verdicts.map { $0.sentence(label: "Siamese cat") }.joined(separator: "; "))
        return drawing
    }
}
let contrast = { (image: Image) in image.channelStandardDeviations.reduce(0, +) / 3 }
let (plain, smooth) = (catPlain[0], catPlain[1])
book.prose("""
    Lite0 gives the plain picture \(plain.verdicts[0].probability.formatted(.percent(2))); the judges give \
    \(plain.verdicts[1].probability.formatted(.percent(2))) (rank \(plain.verdicts[1].rank)) and \
    \(plain.verdicts[2].probability.formatted(.percent(2))) (rank \(plain.verdicts[2].rank)). With TV the total \
    variation falls from \(plain.result.totalVariation.formatted(.fixed(3))) to \
    \(smooth.result.totalVariation.formatted(.fixed(3))), but so does the contrast (mean channel standard \
    deviation \(contrast(plain.result.image).formatted(.fixed(3))) → \
    \(contrast(smooth.result.image).formatted(.fixed(3)))): TV charges for every difference, including the ones \
    that would make a cat visible, and Lite0 needs very little contrast to be sure. The judges give \
    \(smooth.verdicts[1].probability.formatted(.percent(2))) and \
    \(smooth.verdicts[2].probability.formatted(.percent(2))).
    """)

// MARK: - Transformation robustness

book.section("Transformation robustness")
book.prose("""
    A pattern that only works at exact pixel positions stops working when it moves. So at every step the network \
    sees the picture padded with gray, shifted, zoomed, rotated and shifted again, at random (lucid's *standard \
    transforms*). Every one of these moves is an affine map of pixel coordinates, so a sampled pipeline composes \
    into one map and one bilinear resampling — a graph op whose backward scatters the gradient with the same \
    weights it gathered with:
    """)
let catMoving = book.cell { () -> Drawing in
    let drawing = try draw(siameseCat, with: recipes[2])
    print(drawing.verdicts.map { $0.sentence(label: "Siamese cat") }.joined(separator: "\n"))
    return drawing
}
book.prose("""
    With transforms Lite0 says \(catMoving.verdicts[0].probability.formatted(.percent(1))); the judges \
    \(catMoving.verdicts[1].probability.formatted(.percent(2))) (rank \(catMoving.verdicts[1].rank)) and \
    \(catMoving.verdicts[2].probability.formatted(.percent(2))) (rank \(catMoving.verdicts[2].rank)).
    """)

// MARK: - Fourier and decorrelated color

book.section("A spectrum instead of pixels")
book.prose("""
    The last change is *what* the optimizer moves. Instead of 224×224×3 pixel values it learns a spectrum: the \
    picture is the inverse real Fourier transform (two matrix products, one along each axis) of coefficients each \
    scaled by 1/f, so an equal step moves coarse structure much more than fine texture. The three channels are then \
    mixed by the square root of ImageNet's color correlation (lucid's matrix) and a sigmoid keeps them in (0, 1). \
    Adam runs at \(recipes[3].search(0).learningRate) for \(fourierSteps) steps\(recipes[3].search(0).schedule.isCosine
        ? ", its rate falling along a cosine to 0 at the last step" : ""), and every \(observeEvery) steps we ask the \
    judges about the picture so far:
    """)
let (catFourier, fourierCurve) = book.cell { try drawObserved(recipes[3]) }
let bothJudges = catFourier.verdicts.dropFirst().allSatisfy { $0.rank == 1 } ? "Both judges" : "Not both judges"
let sureAfter = catFourier.result.history.first { $0.probability >= 0.99 }.map { "after \($0.step) steps" }
book.prose("""
    Lite1 now gives \(catFourier.verdicts[1].probability.formatted(.percent(1))) (rank \
    \(catFourier.verdicts[1].rank)) and Lite2 \(catFourier.verdicts[2].probability.formatted(.percent(1))) (rank \
    \(catFourier.verdicts[2].rank)), with Lite0 at \(catFourier.verdicts[0].probability.formatted(.percent(1))). \
    \(bothJudges) rank the cat first. Lite0 was sure (p ≥ 0.99 on the transformed copies) \
    \(sureAfter ?? "only at the end"), and from then on cross-entropy, −log p, has almost nothing left to gain.
    """)

// MARK: - The logit

book.section("Maximize the evidence, not the probability")
book.prose("""
    Cross-entropy stops asking for *more* cat once p ≈ 1, and what little gradient is left mostly pushes the other \
    999 classes down. Feature-visualization practice (lucid, lucent) maximizes the class's **logit** instead, the \
    score before the softmax: the loss is −logit, which never saturates, so every step adds evidence for the cat \
    itself. The same picture, transforms, seed and steps, with only the objective changed:
    """)
let (catLogit, logitCurve) = book.cell { try drawObserved(recipes[4]) }
book.cell {
    let steps = { (curve: JudgeCurve) in curve.map { Double($0.step) } }
    let plot = LinePlot(title: "Judges on the Fourier cat while it is made", xLabel: "step",
                        yLabel: "p(Siamese cat)",
                        series: [LineSeries(name: "Lite0, logit (generator)",
                                            values: catLogit.result.history.map(\.probability)),
                                 LineSeries(name: "Lite1, logit", x: steps(logitCurve),
                                            y: logitCurve.map { Double($0.lite1) }, markers: true),
                                 LineSeries(name: "Lite2, logit", x: steps(logitCurve),
                                            y: logitCurve.map { Double($0.lite2) }, markers: true),
                                 LineSeries(name: "Lite1, cross-entropy", x: steps(fourierCurve),
                                            y: fourierCurve.map { Double($0.lite1) }, dashed: true),
                                 LineSeries(name: "Lite2, cross-entropy", x: steps(fourierCurve),
                                            y: fourierCurve.map { Double($0.lite2) }, dashed: true)],
                        yRange: 0...1, yFormat: .percent(decimals: 0))
    book.figure(plot, name: "judges-per-step", caption: "The generator's probability every step (on the "
                    + "transformed copies) and the judges' on the saved picture every few steps, for both objectives.")
}
book.prose("""
    With the logit Lite1 gives \(catLogit.verdicts[1].probability.formatted(.percent(1))) (rank \
    \(catLogit.verdicts[1].rank)) and Lite2 \(catLogit.verdicts[2].probability.formatted(.percent(1))) (rank \
    \(catLogit.verdicts[2].rank)), against \(catFourier.verdicts[1].probability.formatted(.percent(1))) and \
    \(catFourier.verdicts[2].probability.formatted(.percent(1))) with cross-entropy. The target's logit ended at \
    \(catLogit.result.history.last!.logit.formatted(.fixed(1))) instead of \
    \(catFourier.result.history.last!.logit.formatted(.fixed(1))).
    """)

// MARK: - Side by side

book.section("The cat and the zebra under every recipe")
book.prose("The same five recipes for ImageNet class 340, the zebra:")
let zebraDrawings = book.cell { () -> [Drawing] in
    try recipes.map { recipe in
        let drawing = try draw(zebra, with: recipe)
        print(recipe.name + ": " + drawing.verdicts.map { $0.sentence(label: "zebra") }.joined(separator: "; "))
        return drawing
    }
}
let catDrawings = catPlain + [catMoving, catFourier, catLogit]
book.cell {
    let caption = { (recipe: Recipe, drawing: Drawing) in
        recipe.name + "\n" + drawing.verdicts.map { verdict in
            "\(verdict.model.replacingOccurrences(of: "efficientnet-", with: "")) "
                + "\(verdict.probability.formatted(.percent(1))) #\(verdict.rank)"
        }.joined(separator: "\n")
    }
    let grid = ImageGrid(title: "Generated against Lite0, judged by Lite1 and Lite2",
                         images: (catDrawings + zebraDrawings).map(\.result.image),
                         captions: zip(recipes + recipes, catDrawings + zebraDrawings).map(caption),
                         columns: recipes.count, cellWidth: 240)
    book.figure(grid, name: "recipes", caption: "Each recipe for the Siamese cat (top) and the zebra (bottom): "
                    + "probability and rank from the generator (lite0) and the two judges.")
}
book.cell {
    book.table(headers: ["class", "recipe", "Lite0 (generator)", "Lite1 (judge)", "Lite2 (judge)"],
               rows: zip(recipes + recipes, catDrawings + zebraDrawings).enumerated().map { index, pair in
                   [index < recipes.count ? "Siamese cat" : "zebra", pair.0.name]
                       + pair.1.verdicts.map { "\($0.probability.formatted(.percent(1))), rank \($0.rank)" }
               }, caption: "Probability and rank of the class for each saved picture")
    book.figure(catLogit.result.image, name: "ideal-284-fourier", caption: "The Siamese cat of the last recipe")
    book.figure(zebraDrawings[4].result.image, name: "ideal-340-fourier", caption: "The zebra of the last recipe")
}
let accepted = { (drawings: [Drawing]) -> String in
    let names = zip(recipes, drawings).filter { $0.1.verdicts.dropFirst().allSatisfy { $0.rank == 1 } }.map(\.0.name)
    return names.isEmpty ? "no recipe" : names.joined(separator: ", ")
}
/// What the judges that do not rank the class first see instead, or which first choice is still unsure.
let dissent = { (drawing: Drawing, label: String) -> String in
    drawing.verdicts.dropFirst().filter { $0.rank > 1 || $0.probability < 0.5 }.map { verdict in
        verdict.rank > 1 ? " " + verdict.sentence(label: label) + "."
            : " \(verdict.model) ranks \(label) first but gives it less than half."
    }.joined()
}
let (catLast, zebraLast) = (catDrawings[4], zebraDrawings[4])
book.prose("""
    Read the table by columns. Lite0 believes almost every picture. Both judges rank the class first for the cat \
    under \(accepted(catDrawings)) and for the zebra under \(accepted(zebraDrawings)). The default recipe's cat \
    gets \(catLast.verdicts[1].probability.formatted(.percent(1))) from Lite1 and \
    \(catLast.verdicts[2].probability.formatted(.percent(1))) from Lite2, its zebra \
    \(zebraLast.verdicts[1].probability.formatted(.percent(1))) and \
    \(zebraLast.verdicts[2].probability.formatted(.percent(1))).\(dissent(catLast, "Siamese cat"))\
    \(dissent(zebraLast, "zebra")) Look at the pictures: with the logit, cream fur with the dark-brown ears and \
    faces of a Siamese cat, and black-and-white stripes for the zebra, repeated at several places and sizes — the \
    parts the networks have learned to count as evidence, not a photo of one animal.
    """)

// MARK: - Your class

book.section("A class of your choice")
let chosenName = ImageNet.labels[chosen]
book.prose("Finally the last recipe for class \(chosen), \"\(chosenName)\" (choose another with `--class`):")
let chosenDrawing = book.cell { () -> Drawing in
    let drawing = try draw(chosen, with: recipes[4])
    print(drawing.verdicts.map { $0.sentence(label: chosenName) }.joined(separator: "\n"))
    book.figure(drawing.result.image, name: "ideal-\(chosen)-fourier",
                caption: chosenName + ": " + drawing.verdicts.map {
                    "\($0.model) \($0.probability.formatted(.percent(1)))"
                }.joined(separator: ", "))
    return drawing
}
let chosenAgreement = dissent(chosenDrawing, chosenName).isEmpty ? "Both judges rank it first, each with p ≥ 50%."
    : "Not both judges are convinced:" + dissent(chosenDrawing, chosenName)
book.prose("""
    \(chosenAgreement) One seed is one sample: the picture, and the judges' verdicts with it, change from seed to \
    seed, more for some classes than for others.
    """)
book.note("""
    The same from the command line, with the judges' verdicts: \
    `swift run lab ideal --class "\(chosenName)" -o ideal.png` (`--param pixels --transforms none` for lesson 5's \
    picture).
    """)

for (target, drawings) in [(siameseCat, catDrawings), (zebra, zebraDrawings)] {
    for (recipe, drawing) in zip(recipes, drawings) {
        let key = recipe.name.lowercased().replacingOccurrences(of: " + ", with: "_")
            .replacingOccurrences(of: " ", with: "_")
        for verdict in drawing.verdicts {
            let model = verdict.model.replacingOccurrences(of: "efficientnet-", with: "")
            book.metric("p_\(target)_\(key)_\(model)", verdict.probability)
            book.metric("rank_\(target)_\(key)_\(model)", verdict.rank)
        }
        book.metric("total_variation_\(target)_\(key)", drawing.result.totalVariation)
    }
}
book.metric("recipes", recipes.map(\.name).joined(separator: ", "))
book.metric("pixel_steps", pixelSteps)
book.metric("fourier_steps", fourierSteps)
book.metric("chosen_class", chosen)
book.metric("chosen_class_probabilities", chosenDrawing.verdicts.map(\.probability))
book.metric("contrast_pixels", contrast(plain.result.image))
book.metric("contrast_pixels_tv", contrast(smooth.result.image))

book.summary([
    "A picture that one network is sure about can mean nothing to another: ask networks that never saw it.",
    "Total variation removes noise but also contrast, and the judges still reject the picture.",
    "Random transforms every step reward patterns that survive being moved; a sampled pipeline is one "
        + "resampling op on the tape.",
    "A 1/f Fourier spectrum with decorrelated color makes coarse structure cheap.",
    "Maximizing the logit instead of the probability keeps adding evidence after the generator is sure: Lite1 "
        + "gave the cat \(catLogit.verdicts[1].probability.formatted(.percent(1))) and Lite2 "
        + "\(catLogit.verdicts[2].probability.formatted(.percent(1))).",
])
book.exercises([
    "Generate against Lite1 instead (`swift run lab ideal --class 284 --model efficientnet-lite1`): does Lite0 "
        + "agree as a judge?",
    "Set the decay power of the Fourier basis to 0 (a flat spectrum): what happens to the picture and the judges?",
    "Use two transformed copies per step and twice the steps (`--copies 2 --steps 1024`), or a cosine decay of the "
        + "rate (`--schedule cosine`): how much do the judges gain, for which classes, and at what cost in time?",
])
book.gradedExercises()
book.finish()
