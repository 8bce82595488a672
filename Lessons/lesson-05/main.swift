// Lesson 5 — The adversarial cat.
//
// Gradient descent usually changes a network's weights to fit the pictures. Here the weights stay frozen and the
// pictures change: first from noise towards the network's "ideal" Siamese cat and zebra, then from a real dog photo
// towards a cat, by so little that nobody can see it. Run with `swift run lesson-05` (`--quick` for a short run).

import TransferLab
import Foundation

let book = Notebook(lesson: 5, title: "The adversarial cat")
let quick = book.isQuick
let siameseCat = 284, egyptianCat = 285, zebra = 340

// MARK: - Optimizing the input

book.section("Gradient descent on the picture")
book.prose("""
    Training moves the weights a little against the gradient of the loss, with the pictures fixed. Nothing stops us \
    from doing the opposite: fix the weights of the pretrained network and move the **pixels** against the gradient \
    of a loss we choose. Ask for "Siamese cat" (ImageNet class 284) and the loss is the cross-entropy \
    `−log p(cat | picture)`; its gradient with respect to the 224×224×3 pixel values says how to change each value to \
    make the network more sure it sees a cat.

    The model takes pixels in [0, 1] and normalizes them itself, so the gradient flows through the normalization and \
    every step is measured in pixel units: 1/255 is one level of an 8-bit image.
    """)
let model = book.cell { try EfficientNetLite0.pretrained() }

// MARK: - The ideal cat

book.section("The ideal cat, from noise")
book.prose("""
    Start from gray noise and take Adam steps on the pixels (Adam moves every value by about the learning rate per \
    step, whatever the size of its gradient, which suits a loss whose gradient shrinks a thousandfold as p nears 1). \
    The learning rate decays along a cosine so the picture settles at the end. The weights stay frozen: only the \
    input changes. `IdealImageSearch.pixels` holds these settings; a search reports every step to a closure:
    """)
let idealSteps = quick ? 25 : 100
// listing: ideal
/// The ideal image of `target` for `model`: plain pixels from gray noise, Adam 0.02 with cosine decay.
func idealImage(of target: Int, label: String) throws -> IdealImageResult {
    let search = IdealImageSearch.pixels(targetClass: target, steps: idealSteps, seed: 5)
    return try search.generate(with: model) { step in
        guard step.step == 1 || step.step % max(1, idealSteps / 5) == 0 else { return }
        print("\(label) step \(step.step)/\(idealSteps)  p \(step.probability.formatted(.fixed(4)))")
    }
}
// end listing
book.listing("ideal")
let cat = book.cell { () -> IdealImageResult in
    let cat = try idealImage(of: siameseCat, label: "ideal Siamese cat")
    print("p(Siamese cat): \(cat.history[0].probability) at the start, \(cat.probability) after \(idealSteps) steps")
    return cat
}
let firstConfident = book.cell { () -> Int? in
    let firstConfident = cat.history.first { $0.probability >= 0.9 }?.step
    let curve = LinePlot(title: "Confidence while the pixels change", xLabel: "step", yLabel: "p(Siamese cat)",
                         series: [LineSeries(name: "Siamese cat", values: cat.history.map(\.probability))],
                         yRange: 0...1, yFormat: .percent(decimals: 0),
                         markers: firstConfident.map { [VerticalMarker(x: Double($0), label: "90% at step \($0)")] }
                             ?? [])
    book.figure(curve, name: "ideal-cat-confidence", caption: "The target's probability at every step.")
    return firstConfident
}
let passing = firstConfident.map { ", passing 90% at step \($0)" } ?? ""
book.prose("""
    The network's confidence went from \(cat.history[0].probability.formatted(.percent(2))) for the noise to \
    \(cat.probability.formatted(.percent(2))) after \(idealSteps) steps\(passing). \
    Here is what it is so sure about:
    """)
book.cell {
    let start = ParameterizedImage(.pixels, size: 224, seed: 5).pixels()   // the search's starting noise
    let pictures = ImageGrid(title: "Noise in, \"Siamese cat\" out", images: [Image(start), cat.image],
                             captions: ["start: gray noise",
                                        "after \(idealSteps) steps\n"
                                            + "Siamese cat \(cat.probability.formatted(.percent(2)))"],
                             cellWidth: 224)
    book.figure(pictures, name: "ideal-cat", caption: "The starting noise and the ideal Siamese cat.")
    let top = model.topPredictions(model.probabilities(of: cat.pixels), count: 5)
    let bars = BarChart(title: "Top-5 for the ideal cat", labels: top.map(\.label),
                        values: top.map { Double($0.probability) }, valueFormat: .percent(decimals: 2),
                        xRange: 0...1, highlighted: [0])
    book.figure(bars, name: "ideal-cat-top5", caption: "What the network sees in the picture.")
    book.figure(cat.image, name: "ideal-cat-284", caption: "The ideal Siamese cat at full size (224×224).")
}
book.prose("""
    To us it is colored noise with perhaps a hint of texture. There are far more ways to make this network say \
    "cat" than there are cat photos, and nothing in the loss asks for a picture a person would recognize: \
    gradient descent takes the nearest way, which is a pattern of tiny, high-frequency changes that add up along the \
    network's cat direction. Next we ask other networks what they see in it.
    """)

// MARK: - A zebra

book.section("The same for a zebra")
book.prose("Any class works the same way. ImageNet class 340 is the zebra:")
let zebraResult = book.cell { () -> IdealImageResult in
    let result = try idealImage(of: zebra, label: "ideal zebra")
    print("p(zebra): \(result.history[0].probability) → \(result.probability)")
    let pair = ImageGrid(title: "Ideal images", images: [cat.image, result.image],
                         captions: ["Siamese cat \(cat.probability.formatted(.percent(2)))",
                                    "zebra \(result.probability.formatted(.percent(2)))"],
                         cellWidth: 224)
    book.figure(pair, name: "ideal-cat-and-zebra", caption: "The ideal Siamese cat and the ideal zebra side by side.")
    book.figure(result.image, name: "ideal-zebra-340", caption: "The ideal zebra at full size.")
    return result
}
book.prose("To us the two pictures are hard to tell apart. Ask the network about each one's other class:")
let crossCheck = book.cell { () -> (catAsZebra: Float, zebraAsCat: Float) in
    let catAsZebra = model.probabilities(of: cat.pixels)[zebra]
    let zebraAsCat = model.probabilities(of: zebraResult.pixels)[siameseCat]
    print("p(zebra | ideal cat) = \(catAsZebra), p(Siamese cat | ideal zebra) = \(zebraAsCat)")
    return (catAsZebra, zebraAsCat)
}
book.prose("""
    The zebra reached \(zebraResult.probability.formatted(.percent(2))). To the network the two pictures are \
    nothing alike: it gives the ideal cat p(zebra) = \(crossCheck.catAsZebra.formatted(.percent(3))) and the \
    ideal zebra p(Siamese cat) = \(crossCheck.zebraAsCat.formatted(.percent(3))).
    """)

// MARK: - A second opinion

book.section("Does another network see a cat?")
book.prose("""
    Lite0 is sure. Is the picture a cat, or a pattern that only Lite0 answers to? Ask two networks that never saw \
    it: EfficientNet-Lite1 and Lite2, trained on the same ImageNet classes but deeper and at larger inputs (240 and \
    260 pixels). Each gets the 8-bit picture resized to its own input:
    """)
let verdicts = book.cell { () -> [(cat: Verdict, zebra: Verdict)] in
    try EfficientNetLite.judges(excluding: .lite0).map { judge in
        let verdict = (cat: judge.verdict(on: cat.image, targetClass: siameseCat),
                       zebra: judge.verdict(on: zebraResult.image, targetClass: zebra))
        print(verdict.cat.sentence(label: "Siamese cat") + "\n" + verdict.zebra.sentence(label: "zebra"))
        return verdict
    }
}
book.prose("""
    Lite1 gives the ideal cat \(verdicts[0].cat.probability.formatted(.percent(2))) (rank \(verdicts[0].cat.rank) \
    of 1000) and Lite2 \(verdicts[1].cat.probability.formatted(.percent(2))) (rank \(verdicts[1].cat.rank)); for \
    the zebra they give \(verdicts[0].zebra.probability.formatted(.percent(2))) and \
    \(verdicts[1].zebra.probability.formatted(.percent(2))). \
    \(verdicts.allSatisfy { $0.cat.rank > 1 && $0.zebra.rank > 1 }
        ? "The judges reject both: what Lite0 found in the noise is specific to Lite0's weights, not a cat."
        : "Not every judge rejects them outright, but none is convinced the way Lite0 is.") \
    Lesson 6 changes the recipe until the judges agree.
    """)

// MARK: - Adversarial examples

book.section("From a dog to a cat without changing the dog")
book.prose("""
    Now start from a real photo instead of noise, and limit how far any pixel value may move: at most ε in pixel \
    units (an L∞ bound). The **Fast Gradient Sign Method** (FGSM, Goodfellow et al. 2015) takes a single step of \
    exactly ε along the sign of the gradient: for a *targeted* attack x′ = clip(x − ε·sign ∇ₓ CE(f(x), target), 0, 1). \
    Every value moves by ε or not at all, the largest change an L∞ budget allows, in the direction that helps most to \
    first order.
    """)
let (dog, dogPixels) = book.cell { () -> (Image, Tensor) in
    let dog = model.preprocessing.framed(try Image(contentsOf: try Assets.standard.photo("dog.jpg")))
    for prediction in model.topPredictions(model.probabilities(of: dog), count: 5) { print(prediction) }
    return (dog, Tensor(dog))
}
let dogTop = model.topPredictions(model.probabilities(of: dog), count: 1)[0]
book.prose("""
    The network calls the dog a \(dogTop.label) (\(dogTop.probability.formatted(.percent(2)))). First, FGSM towards \
    class 285, "Egyptian cat", with ε = 2/255. The same attack run in PyTorch is part of the course's reference \
    (`Tests/Reference/gradients.json`), and a golden test checks that this engine reproduces its probability after \
    the PNG round trip.
    """)
let reference = book.cell { () -> AttackResult in
    let result = AdversarialAttack(goal: .targeted(egyptianCat), epsilon: 2 / 255, method: .fgsm)
        .run(on: dogPixels, model: model)
    print("top-1 \(model.labels[result.adversarialTop1]), "
          + "p(Egyptian cat) \(result.adversarialProbabilities[egyptianCat])")
    return result
}
book.prose("""
    Our port gives top-1 \(model.labels[reference.adversarialTop1]) with p = \
    \(reference.adversarialProbabilities[egyptianCat].formatted(.fixed(4))): one gradient and a change of two \
    8-bit levels per value turn the German shepherd into a cat.

    **Projected Gradient Descent** (PGD, Madry et al. 2018) repeats smaller sign steps and after each one projects \
    back into the ε-box around the photo and into [0, 1]. Our attacks also round every iterate to 8-bit levels, so \
    the picture they measure is exactly the one a PNG stores. Here both methods aim at "Siamese cat" for several ε:
    """)
let pgdSteps = quick ? 3 : 10
let catProbability = { (result: AttackResult) in result.adversarialProbabilities[siameseCat] }
let comparison = book.cell { () -> [(level: Int, fgsm: AttackResult, pgd: AttackResult)] in
    let rows = [1, 2, 4, 8].map { level in
        let epsilon = Float(level) / 255
        let fgsm = AdversarialAttack(goal: .targeted(siameseCat), epsilon: epsilon).run(on: dogPixels, model: model)
        let pgd = AdversarialAttack(goal: .targeted(siameseCat), epsilon: epsilon,
                                    method: .pgd(steps: pgdSteps, stepSize: max(Float(level / 4), 1) / 255,
                                                 randomStart: false)).run(on: dogPixels, model: model)
        return (level: level, fgsm: fgsm, pgd: pgd)
    }
    book.table(headers: ["ε", "FGSM p(Siamese cat)", "FGSM top-1", "PGD p(Siamese cat)", "PGD top-1"],
               rows: rows.map { row in
                   ["\(row.level)/255", catProbability(row.fgsm).formatted(.percent(2)),
                    model.labels[row.fgsm.adversarialTop1], catProbability(row.pgd).formatted(.percent(2)),
                    model.labels[row.pgd.adversarialTop1]]
               }, caption: "Targeted attacks on the dog photo; PGD with \(pgdSteps) steps")
    return rows
}
let (weakest, strongest) = (comparison.first!, comparison.last!)
book.prose("""
    At ε = \(weakest.level)/255 FGSM reaches \(catProbability(weakest.fgsm).formatted(.percent(2))) and PGD \
    \(catProbability(weakest.pgd).formatted(.percent(2))); at \(strongest.level)/255 FGSM gets \
    \(catProbability(strongest.fgsm).formatted(.percent(2))) and PGD \
    \(catProbability(strongest.pgd).formatted(.percent(2))). \
    \(catProbability(strongest.fgsm) > catProbability(weakest.fgsm)
        ? "Both gain from a larger budget, PGD far more: it re-aims after every step."
        : "FGSM even gets *worse* as ε grows: its single step trusts the gradient at the photo, and the network is " +
          "only linear very close to it, so a long step overshoots. PGD re-aims after every small step.")
    """)

// MARK: - The smallest change that works

book.section("The smallest ε that works")
book.prose("""
    How small can the change be? Try ε = 1/255, 2/255, … in turn with PGD, stopping at the first iterate the network \
    calls a Siamese cat, and keep the first ε that succeeds.
    """)
let smallest = book.cell { () -> AttackResult? in
    AdversarialAttack.smallestEpsilon(levels: 1...8, on: dogPixels, model: model, attack: { epsilon in
        AdversarialAttack(goal: .targeted(siameseCat), epsilon: epsilon,
                          method: .pgd(steps: pgdSteps, stepSize: 1 / 255, randomStart: false),
                          stopsWhenSucceeded: true)
    }, onTry: { result in
        print("ε = \(Int((result.epsilon * 255).rounded()))/255: top-1 \(model.labels[result.adversarialTop1])")
    })
}
guard let smallest else {
    book.note("No ε up to 8/255 worked in this run; try more PGD steps.")
    book.finish()
    exit(0)
}
let epsilon = smallest.epsilon, levels = Int((smallest.epsilon * 255).rounded())
book.prose("""
    ε = \(levels)/255 ≈ \(epsilon.formatted(.fixed(4))) is enough. With that budget we now run every PGD step \
    (instead of stopping at the first success) for a confident result, and show the change amplified:
    """)
let adversarial = book.cell { () -> AttackResult in
    let result = AdversarialAttack(goal: .targeted(siameseCat), epsilon: epsilon,
                                   method: .pgd(steps: pgdSteps, stepSize: 1 / 255, randomStart: false))
        .run(on: dogPixels, model: model)
    let largest = Int((result.largestChange * 255).rounded())
    print("p(Siamese cat) \(result.adversarialProbabilities[siameseCat]), largest change \(largest)/255")
    let amplification = (0.5 / epsilon).rounded(.down)   // ±ε becomes ±(almost) 0.5 around gray
    let topFive = { (p: [Float]) in model.topPredictions(p, count: 5).map(\.description).joined(separator: "\n") }
    let figure = ImageComparison(
        title: "German shepherd + \(levels)/255 = Siamese cat",
        images: [dog, result.amplifiedPerturbation(by: amplification), result.adversarialImage],
        captions: ["original\n" + topFive(result.originalProbabilities),
                   "perturbation ×\(Int(amplification))\ngray = unchanged\nlargest change \(largest)/255",
                   "adversarial\n" + topFive(result.adversarialProbabilities)],
        separators: ["+", "="], panelWidth: 224)
    book.figure(figure, name: "adversarial-comparison",
                caption: "Original, the perturbation amplified to be visible, and the adversarial photo, each with "
                    + "its top-5.")
    book.figure(result.adversarialImage, name: "dog-as-siamese-cat",
                caption: "The adversarial photo as saved (224×224, 8-bit PNG).")
    return result
}

// MARK: - Does it survive saving?

book.section("Saved, reloaded, still a cat")
book.prose("""
    An attack that only works in floating point would be a curiosity. Ours keeps every value on an 8-bit level, so \
    the PNG just written holds exactly the attacked picture. Read it back and classify it, and its mirror image too:
    """)
let (reloaded, mirrored) = book.cell { () -> (reloaded: [Float], mirrored: [Float]) in
    let file = book.directory.appendingPathComponent("dog-as-siamese-cat.png").path
    let saved = try Image(contentsOf: file)
    print("identical to the attacked pixels: \(Tensor(saved) == adversarial.adversarial)")
    let reloaded = model.probabilities(of: saved), mirrored = model.probabilities(of: saved.flippedHorizontally())
    print("reloaded: \(model.topPredictions(reloaded, count: 1)[0]); mirrored: "
          + "\(model.topPredictions(mirrored, count: 1)[0])")
    return (reloaded, mirrored)
}
let reloadedTop = model.topPredictions(reloaded, count: 1)[0], mirroredTop = model.topPredictions(mirrored, count: 1)[0]
book.prose("""
    Re-read from disk, the photo is a \(reloadedTop.label) with p(Siamese cat) = \
    \(reloaded[siameseCat].formatted(.percent(2))). Mirrored, the network says \(mirroredTop.label) \
    (p(Siamese cat) = \(mirrored[siameseCat].formatted(.percent(2))))\
    \(mirroredTop.index == siameseCat ? ": this perturbation even survives a mirror." : ": like the ideal cat, the " +
        "perturbation lives at exact pixel positions.") Random augmentation at test time is one (partial) defense; \
    training on adversarial examples is a stronger one.
    """)

for (name, value) in [("ideal_cat_probability", cat.probability), ("ideal_zebra_probability", zebraResult.probability),
                      ("ideal_cat_zebra_probability", crossCheck.catAsZebra),
                      ("fgsm_dog_to_285_probability", reference.adversarialProbabilities[egyptianCat]),
                      ("adversarial_target_probability", adversarial.adversarialProbabilities[siameseCat]),
                      ("adversarial_reloaded_probability", reloaded[siameseCat]), ("adversarial_epsilon", epsilon),
                      ("adversarial_mirrored_probability", mirrored[siameseCat])] { book.metric(name, value) }
book.metric("ideal_cat_steps", idealSteps)
book.metric("ideal_cat_first_step_above_90", firstConfident ?? -1)
book.metric("ideal_cat_judge_probabilities", verdicts.map(\.cat.probability))
book.metric("ideal_cat_judge_ranks", verdicts.map { Double($0.cat.rank) })
book.metric("ideal_zebra_judge_probabilities", verdicts.map(\.zebra.probability))
for (name, value) in [("adversarial_target", model.labels[siameseCat]), ("ideal_cat_png", "ideal-cat-284.png"),
                      ("ideal_zebra_png", "ideal-zebra-340.png"), ("adversarial_png", "dog-as-siamese-cat.png"),
                      ("comparison_png", "adversarial-comparison.png")] { book.metric(name, value) }

book.summary([
    "With the weights frozen, the gradient of a loss with respect to the pixels tells how to change a picture.",
    "Maximizing one class from noise reaches \(cat.probability.formatted(.percent(2))) for Siamese cat, but the "
        + "picture looks like noise: the loss does not ask for anything a person would recognize.",
    "Two networks that never saw the ideal cat give it \(verdicts[0].cat.probability.formatted(.percent(2))) and "
        + "\(verdicts[1].cat.probability.formatted(.percent(2))): the pattern is specific to the network it was made "
        + "for.",
    "An L∞ budget of \(levels)/255 per value was enough to turn the dog photo into a Siamese cat at "
        + "\(adversarial.adversarialProbabilities[siameseCat].formatted(.percent(2))), and the saved PNG still fools "
        + "the network.",
    "FGSM is one sign step; PGD repeats small steps and projects back into the ε-box, and is much stronger.",
])
book.exercises([
    "Attack your own photo from the command line: `swift run lab attack photo.jpg --target \"zebra\" -o adv.png`.",
    "Run an untargeted attack (leave out `--target`): which class does the dog become, and at which ε?",
    "Draw the ideal image of another class: `swift run lab ideal --class 951 -o lemon.png` (951 is lemon).",
    "Attack the photo after a horizontal flip of the adversarial result: how large must ε be to survive the flip?",
])
book.gradedExercises()
book.finish()
