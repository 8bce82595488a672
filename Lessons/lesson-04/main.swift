// Lesson 4 — Data augmentation.
//
// A few labelled pictures are easy to memorise and hard to generalise from. Augmentation makes new training
// pictures from old ones by changes that keep the label: mirror, turn, zoom, recolour, hide a patch, or blend two
// pictures and their labels. This lesson shows every transform on one photo, then trains the same small network on
// a few hundred Fashion-MNIST images with and without augmentation and compares the train/validation gap.
// Run with `swift run lesson-04` (`--quick` for a short run).

import TransferLab
import Foundation

let book = Notebook(lesson: 4, title: "Data augmentation")
let quick = book.isQuick

/// "97.3%".
func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

/// The first `perClass` images of each class, in a seeded random order, from the Fashion-MNIST `split`
/// ("train" or "t10k") in `folder`: `[N, 28, 28, 3]` pixels in [0, 1] (grey copied to three channels) and labels.
func fashionMNIST(folder: String, split: String, perClass: Int, seed: UInt64) throws -> TensorDataset {
    let images = try readIDX("\(folder)/\(split)-images-idx3-ubyte.gz")
    let labels = try readIDX("\(folder)/\(split)-labels-idx1-ubyte.gz")
    guard images.dimensions.count == 3, images.dimensions[1] == 28, images.dimensions[2] == 28,
          labels.dimensions == [images.dimensions[0]] else {
        throw LessonError("unexpected Fashion-MNIST shapes \(images.dimensions) and \(labels.dimensions)")
    }
    var generator = SeededGenerator(seed: seed)
    let order = Array(0..<images.dimensions[0]).shuffled(using: &generator)
    var chosen: [Int] = [], counts = [Int](repeating: 0, count: 10)
    for index in order where counts[Int(labels.bytes[index])] < perClass {
        counts[Int(labels.bytes[index])] += 1
        chosen.append(index)
    }
    var pixels: [Float] = []
    pixels.reserveCapacity(chosen.count * 28 * 28 * 3)
    for index in chosen {
        for value in images.bytes[(index * 784)..<((index + 1) * 784)] {
            let level = Float(value) / 255
            pixels.append(level); pixels.append(level); pixels.append(level)
        }
    }
    return TensorDataset(inputs: Tensor(shape: [chosen.count, 28, 28, 3], scalars: pixels),
                         labels: chosen.map { Int(labels.bytes[$0]) })
}

/// The dimensions and bytes of a gzip-compressed IDX file (the MNIST format: big-endian header, unsigned bytes).
// TODO: use the Fashion-MNIST loader of Sources/Vision/Data once it is merged; this one exists so the lesson
// does not wait for it, and leans on the system's gzip for decompression.
func readIDX(_ path: String) throws -> (dimensions: [Int], bytes: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
    process.waitUntilExit()
    guard process.terminationStatus == 0, data.count >= 4, data[0] == 0, data[1] == 0, data[2] == 0x08 else {
        throw LessonError("\(path) is not a gzip-compressed IDX file of bytes")
    }
    let rank = Int(data[3])
    let dimensions = (0..<rank).map { axis in
        data[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
    }
    let start = 4 + 4 * rank
    guard data.count == start + dimensions.reduce(1, *) else { throw LessonError("\(path) is truncated") }
    return (dimensions, Array(data[start...]))
}

struct LessonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The label-preserving changes for small clothes photos: shift by up to 2 pixels and turn by up to 8°. The
/// background is black, so that is the fill. (No mirror: every shoe in Fashion-MNIST points left, so a mirrored
/// shoe is a picture the test set never shows.)
let clothes = Pipeline([RandomCrop(width: 28, height: 28, padding: 2), RandomRotation(degrees: 8, fill: .constant(0))])

// MARK: - Why augment

book.section("More pictures from the same pictures")
book.prose("""
    A network with a hundred thousand weights and a few hundred training pictures can simply memorise them: \
    training accuracy reaches 100% while accuracy on new pictures stalls. Collecting and labelling more pictures is \
    the real cure, and it is expensive. **Data augmentation** is the cheap one: every time a picture is used for \
    training, show a randomly changed copy whose label is still right. A mirrored jacket is still a jacket; a \
    slightly darker sneaker is still a sneaker.

    Which changes keep the label depends on the task. Mirroring is fine for clothes and animals and wrong for \
    digits, text or road signs ("no left turn" mirrored is "no right turn"); small rotations suit photos and not \
    an upright-only world of documents. Augmentation encodes what you know about the task.
    """)

// MARK: - Every transform on one photo

book.section("Every transform on one photo")
book.prose("""
    Each augmentation is a value with fixed settings whose randomness comes from a seeded generator, so a figure \
    (and a training run) is reproducible. Here each one is applied once to `chelsea.png`:
    """)
let (photo, cup) = try book.cell { () -> (Image, Image) in
    let frame = { (name: String) in
        try Image(contentsOf: try Assets.standard.photo(name)).centerCropped().resized(width: 224, height: 224)
    }
    return (try frame("chelsea.png"), try frame("coffee.png"))
}
let gallery = book.cell { () -> [(String, Image)] in
    var generator = SeededGenerator(seed: book.seed &+ 4)
    let once = { (augmentation: any Augmentation) in augmentation(photo, using: &generator) }
    // MixUp and CutMix need a second picture and labels: the cat (class 0) with the coffee cup (class 1).
    let pair = LabelledBatch(images: Tensor(stacking: [photo, cup]), classes: [0, 1], classCount: 2)
    // λ is random; draw again until both pictures show (0.3 ≤ λ ≤ 0.7), only so the figure is readable.
    var mixUp = MixUp(alpha: 1).mixed(pair, partners: [1, 0], using: &generator)
    while !(0.3...0.7).contains(mixUp.lambda) {
        mixUp = MixUp(alpha: 1).mixed(pair, partners: [1, 0], using: &generator)
    }
    let cutMix = CutMix(alpha: 1).mixed(pair, partners: [1, 0], using: &generator)
    let share = { (mixed: MixedBatch) in String(format: "cat %.2f, cup %.2f", mixed.lambda, 1 - mixed.lambda) }
    return [
        ("original", photo),
        ("horizontal flip", RandomHorizontalFlip(probability: 1)(photo, using: &generator)),
        ("rotation ±30°", once(RandomRotation(degrees: 30))),
        ("zoom 0.7–1.4×", once(RandomZoom(factors: 0.7...1.4))),
        ("random crop 160 px", once(RandomCrop(width: 160, height: 160))),
        ("brightness ±0.3", once(RandomBrightness(delta: -0.3...0.3))),
        ("contrast 0.4–1.8×", once(RandomContrast(factors: 0.4...1.8))),
        ("Cutout 80 px", once(Cutout(size: 80))),
        ("Random Erasing", once(RandomErasing(probability: 1))),
        ("MixUp\n" + share(mixUp), Image(mixUp.batch.images, index: 0)),
        ("CutMix\n" + share(cutMix), Image(cutMix.batch.images, index: 0)),
        ("RandAugment N=2, M=9", once(RandAugment(operationCount: 2, magnitude: 9))),
        ("RandAugment N=2, M=9", once(RandAugment(operationCount: 2, magnitude: 9))),
        ("AutoAugment", once(AutoAugment())),
        ("AutoAugment", once(AutoAugment())),
    ]
}
book.figure(ImageGrid(title: "One photo, fifteen augmentations", images: gallery.map(\.1),
                      captions: gallery.map(\.0), columns: 5),
            name: "augmentations", caption: "Every transform of this lesson applied to chelsea.png once.")
book.prose("""
    MixUp and CutMix are different in kind: they combine *two* pictures and blend their labels by the same share. \
    MixUp averages the pixels (here \(gallery[9].0.split(separator: "\n")[1])); CutMix pastes a rectangle of the \
    other picture and mixes the labels by area (here \(gallery[10].0.split(separator: "\n")[1])). RandAugment picks N \
    operations at random from a fixed list (rotate, shear, translate, solarize, posterize, equalize, colour, …) at one \
    shared magnitude M; AutoAugment applies one of 25 pairs of operations that a search found to work on ImageNet.
    """)

book.prose("Augmentations compose into a pipeline; each call draws new parameters:")
let pipeline = Pipeline([RandomHorizontalFlip(), RandomRotation(degrees: 15), RandomZoom(factors: 0.9...1.2),
                         RandomContrast(factors: 0.8...1.2), RandomErasing(probability: 0.5)])
book.cell {
    let variants = pipeline.variants(of: photo, count: 10, seed: book.seed &+ 7)
    book.figure(ImageGrid(title: "Ten draws of one pipeline", images: variants, columns: 5, cellWidth: 128),
                name: "pipeline-variants", caption: "flip → rotate ±15° → zoom 0.9–1.2× → contrast → random erasing")
}

// MARK: - A small dataset

book.section("A few hundred pictures of clothes")
let perClass = quick ? 10 : 25
let validationPerClass = quick ? 30 : 100
book.prose("""
    To see what augmentation buys we need a model that overfits. Fashion-MNIST (read from \
    `Assets/data/fashion-mnist`) has 70,000 grey 28×28 photos of clothes in 10 classes; we keep only \
    \(perClass) per class for training, so a small network can memorise them, and hold out \(validationPerClass) \
    test photos per class for validation. Every photo becomes three equal channels, so the same `Image` \
    augmentations apply.
    """)
let classNames = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                  "ankle boot"]
let (train, validation) = try book.cell { () -> (TensorDataset, TensorDataset) in
    let folder = try Assets.standard.path("data/fashion-mnist")
    let train = try fashionMNIST(folder: folder, split: "train", perClass: perClass, seed: book.seed)
    let validation = try fashionMNIST(folder: folder, split: "t10k", perClass: validationPerClass, seed: book.seed)
    print("training: \(train.inputs.shape), validation: \(validation.inputs.shape)")
    return (train, validation)
}
book.cell {
    let firstOfEach = (0..<10).map { c in train.labels.firstIndex(of: c)! }
    let samples = firstOfEach.map { Image(train.inputs, index: $0) }
    var generator = SeededGenerator(seed: book.seed &+ 11)
    let augmented = samples.map { clothes($0, using: &generator) }
    book.figure(ImageGrid(title: "Training samples and one augmented copy of each", images: samples + augmented,
                          captions: classNames + classNames.map { _ in "shifted, turned" }, columns: 10,
                          cellWidth: 84),
                name: "fashion-samples",
                caption: "Top: one training photo per class. Bottom: the same photos augmented.")
}

// MARK: - Training with and without augmentation

book.section("The same network, with and without augmentation")
book.prose("""
    The network is a small CNN: two 3×3 convolutions (32 and 64 channels) with ReLU and 2×2 max pooling, then a \
    dense layer of 128 and the 10-way classifier: \(makeModel().parameterCount) weights for \(train.count) \
    training photos, plenty to memorise them. Both runs start from the same \
    weights, see the batches in the same order and use Adam with learning rate 10⁻³; the only difference is that \
    the second run passes every batch through the augmentation pipeline first: a shift of up to 2 pixels and a \
    turn of up to 8°. (We leave out the mirror: every shoe in Fashion-MNIST points left, so mirrored shoes would \
    teach the network about pictures it will never be shown.) After every epoch we measure loss and accuracy on \
    the *unchanged* training photos and on the validation photos.
    """)
let epochs = quick ? 20 : 60

/// Loss and accuracy per epoch on the training photos (unchanged) and on the validation photos.
struct Curves {
    var trainLoss: [Double] = [], trainAccuracy: [Double] = []
    var validationLoss: [Double] = [], validationAccuracy: [Double] = []
    var gap: Double { trainAccuracy.last! - validationAccuracy.last! }
}

func makeModel() -> Sequential {
    Sequential(
        Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, padding: .same, seed: 1), Activation(relu),
        MaxPool2D(size: 2),
        Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: .same, seed: 2), Activation(relu),
        MaxPool2D(size: 2),
        Flatten(), Dense(inputSize: 64 * 7 * 7, outputSize: 128, seed: 3), Activation(relu),
        Dense(inputSize: 128, outputSize: 10, seed: 4))
}

/// Trains a fresh model for `epochs` epochs, passing each batch through `augmentation` and then `mixUp` when given.
func train(label: String, augmentation: (any Augmentation)?, mixUp: MixUp? = nil) -> Curves {
    let model = makeModel()
    let parameters = model.trainableParameters
    // A cosine decay to zero, so the last epochs settle instead of bouncing around at full learning rate.
    let batchesPerEpoch = (train.count + 31) / 32
    let optimizer = Adam(learningRate: 1e-3,
                         schedule: CosineDecay(initialRate: 1e-3, decaySteps: epochs * batchesPerEpoch))
    var order = SeededGenerator(seed: book.seed &+ 20), random = SeededGenerator(seed: book.seed &+ 21)
    var curves = Curves()
    let started = Date()
    for epoch in 1...epochs {
        for batch in train.batches(size: 32, shuffledWith: &order) {
            var images = batch.inputs
            // TODO: once the Trainer takes a per-batch transform, this loop can be `trainer.fit`.
            if let augmentation { images = augmentation(images, using: &random) }
            var mixed = LabelledBatch(images: images, classes: batch.labels, classCount: 10)
            if let mixUp { mixed = mixUp(mixed, using: &random) }
            withLearningPhase(.training) {
                let loss = crossEntropy(logits: model(mixed.images), probabilities: mixed.labels)
                optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
            }
        }
        let onTrain = Trainer.evaluate(model, on: train), onValidation = Trainer.evaluate(model, on: validation)
        curves.trainLoss.append(onTrain.loss)
        curves.trainAccuracy.append(onTrain.accuracy)
        curves.validationLoss.append(onValidation.loss)
        curves.validationAccuracy.append(onValidation.accuracy)
        if epoch == 1 || epoch % max(1, epochs / 5) == 0 || epoch == epochs {
            print(String(format: "%@ epoch %2d: train %.1f%%, validation %.1f%%  (%.0f s)", label, epoch,
                         onTrain.accuracy * 100, onValidation.accuracy * 100, Date().timeIntervalSince(started)))
        }
    }
    return curves
}

let plain = book.cell { train(label: "no augmentation", augmentation: nil) }
let augmented = book.cell { train(label: "augmented", augmentation: clothes) }
book.prose("""
    MixUp needs no knowledge of the task at all: it blends random pairs of training photos and their labels, so the \
    network is trained to be less sure between classes. A third run adds it (α = 0.4) after the same pipeline:
    """)
let withMixUp = book.cell { train(label: "augmented + MixUp", augmentation: clothes, mixUp: MixUp(alpha: 0.4)) }

try book.cell {
    func accuracyPlot(_ title: String, _ curves: Curves) -> LinePlot {
        LinePlot(title: title, xLabel: "epoch", yLabel: "accuracy",
                 series: [LineSeries(name: "train", values: curves.trainAccuracy),
                          LineSeries(name: "validation", values: curves.validationAccuracy, dashed: true)],
                 yRange: 0...1, yFormat: .percent(decimals: 0))
    }
    let panels = try [accuracyPlot("Without augmentation", plain), accuracyPlot("With augmentation", augmented),
                      accuracyPlot("Augmentation + MixUp", withMixUp)].map { try $0.render() }
    book.figure(ImageGrid(title: "Train and validation accuracy per epoch", images: panels,
                          captions: ["no augmentation", "shift ≤ 2 px, turn ≤ 8°", "the same + MixUp (α = 0.4)"],
                          columns: 3, cellWidth: 400),
                name: "curves-side-by-side", caption: "The gap between the solid (train) and dashed (validation) "
                    + "curves is the overfitting.")
    let losses = LinePlot(title: "Validation loss", xLabel: "epoch", yLabel: "cross-entropy",
                          series: [LineSeries(name: "no augmentation", values: plain.validationLoss),
                                   LineSeries(name: "augmented", values: augmented.validationLoss),
                                   LineSeries(name: "augmented + MixUp", values: withMixUp.validationLoss)])
    book.figure(losses, name: "validation-loss", caption: "Validation loss per epoch for the three runs.")
}


let runs = [("no augmentation", plain), ("shift + turn", augmented), ("shift + turn + MixUp", withMixUp)]
/// The index of the epoch with the highest validation accuracy.
func bestEpoch(_ curves: Curves) -> Int {
    curves.validationAccuracy.indices.max { curves.validationAccuracy[$0] < curves.validationAccuracy[$1] }!
}
book.table(headers: ["run", "train accuracy", "validation accuracy", "gap", "best validation (epoch)",
                     "validation loss"],
           rows: runs.map { name, curves in
               [name, percent(curves.trainAccuracy.last!), percent(curves.validationAccuracy.last!),
                String(format: "%.1f points", curves.gap * 100),
                "\(percent(curves.validationAccuracy[bestEpoch(curves)])) (\(bestEpoch(curves) + 1))",
                String(format: "%.3f", curves.validationLoss.last!)]
           }, caption: "After \(epochs) epochs on \(train.count) training photos; validation on \(validation.count)")
let plainBest = bestEpoch(plain), augmentedBest = bestEpoch(augmented)
let lossRises = plain.validationLoss.last! > plain.validationLoss.min()! + 0.02
// One standard error of an accuracy measured on n photos: √(p(1 − p)/n).
let standardError = (plain.validationAccuracy.last! * (1 - plain.validationAccuracy.last!)
    / Double(validation.count)).squareRoot()
let difference = augmented.validationAccuracy.last! - plain.validationAccuracy.last!
let accuracyVerdict = abs(difference) <= 2 * standardError
    ? "With \(validation.count) validation photos one standard error is about " +
      "\(String(format: "%.1f", standardError * 100)) points, so this difference is within the noise: at this " +
      "scale augmentation is first of all a cure for overfitting."
    : difference > 0
    ? "That gain of \(String(format: "%.1f", difference * 100)) points is more than two standard errors " +
      "(\(String(format: "%.1f", standardError * 100)) points each) on \(validation.count) validation photos."
    : "That is \(String(format: "%.1f", -difference * 100)) points lower, more than two standard errors " +
      "(\(String(format: "%.1f", standardError * 100)) points): in a short run the network that sees changing " +
      "pictures has not caught up yet. Augmentation costs training time and pays off in longer runs."
book.prose("""
    Without augmentation the network ends at \(percent(plain.trainAccuracy.last!)) on its own training photos and \
    \(percent(plain.validationAccuracy.last!)) on new ones: a gap of \(String(format: "%.0f", plain.gap * 100)) \
    points. Its best validation accuracy came at epoch \(plainBest + 1)\(lossRises
        ? ", and its validation loss ends well above its minimum: the network keeps getting more sure of its " +
          "answers, the wrong ones included (overfitting shows in the loss before it shows in the accuracy)."
        : ".")

    With the shift and the turn, the training photos never look quite the same twice and cannot be memorised \
    pixel by pixel: training accuracy reaches \(percent(augmented.trainAccuracy.last!)) and the gap \
    \(augmented.gap < plain.gap ? "shrinks" : "is") to \(String(format: "%.0f", augmented.gap * 100)) points; \
    the validation loss ends at \(String(format: "%.3f", augmented.validationLoss.last!)) against \
    \(String(format: "%.3f", plain.validationLoss.last!)) without augmentation\(augmentedBest > plainBest
        ? ", and the best epoch moves from \(plainBest + 1) to \(augmentedBest + 1): the model keeps learning longer"
        : ""). With MixUp on top the gap is \(String(format: "%.0f", withMixUp.gap * 100)) points.

    Validation accuracy itself moves from \(percent(plain.validationAccuracy.last!)) to \
    \(percent(augmented.validationAccuracy.last!)) (MixUp: \(percent(withMixUp.validationAccuracy.last!))). \
    \(accuracyVerdict)
    """)

for (key, curves) in [("baseline", plain), ("augmented", augmented), ("mixup", withMixUp)] {
    book.metric("\(key)_train_accuracy", curves.trainAccuracy.last!)
    book.metric("\(key)_validation_accuracy", curves.validationAccuracy.last!)
    book.metric("\(key)_best_validation_accuracy", curves.validationAccuracy.max()!)
    book.metric("\(key)_gap", curves.gap)
    book.metric("\(key)_validation_loss", curves.validationLoss.last!)
    book.metric("\(key)_validation_accuracy_per_epoch", curves.validationAccuracy)
    book.metric("\(key)_train_accuracy_per_epoch", curves.trainAccuracy)
}
book.metric("images_per_class", perClass)
book.metric("validation_images", validation.count)
book.metric("epochs", epochs)

book.summary([
    "An augmentation is a random change that keeps the label; which changes qualify depends on the task (no mirror "
        + "for text or for shoes that always point left).",
    "Geometric (flip, rotation, zoom, crop), photometric (brightness, contrast) and occlusion (Cutout, Random "
        + "Erasing) transforms change one picture; MixUp and CutMix blend two pictures and their labels.",
    "RandAugment draws N operations at one magnitude M; AutoAugment applies learned pairs of operations.",
    "On \(train.count) Fashion-MNIST photos the train/validation gap went from "
        + "\(String(format: "%.0f", plain.gap * 100)) points to \(String(format: "%.0f", augmented.gap * 100)) with "
        + "a shift and a turn, and to \(String(format: "%.0f", withMixUp.gap * 100)) with MixUp added.",
])
book.exercises([
    "Add `RandomHorizontalFlip()` to the clothes pipeline. Does mirroring shoes that always point left help or hurt?",
    "Train for 150 epochs (change `epochs`): does the augmented model's validation accuracy overtake the baseline?",
    "Replace the pipeline by `RandAugment(operationCount: 2, magnitude: 5)`: are its operations right for 28×28 "
        + "grey clothes?",
    "Use CutMix instead of MixUp in the third run (`CutMix(alpha: 1)` works on the same `LabelledBatch`).",
])
book.gradedExercises()
book.finish()
