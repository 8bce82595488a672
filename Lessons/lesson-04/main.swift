// Lesson 4 — Data augmentation.
//
// A few labelled pictures are easy to memorize and hard to generalize from. Augmentation makes new training
// pictures from old ones by changes that keep the label: mirror, turn, zoom, recolor, hide a patch, or blend two
// pictures and their labels. This lesson shows every transform on one photo, then trains the same small network on
// a few hundred Fashion-MNIST images with and without augmentation and compares the train/validation gap.
// Run with `swift run lesson-04` (`--quick` for a short run).

import TransferLab
import Foundation

let book = Notebook(lesson: 4, title: "Data augmentation")
let quick = book.isQuick

/// The label-preserving changes for small clothes photos: shift by up to 2 pixels and turn by up to 8°. The
/// background is black, so that is the fill. (No mirror: every shoe in Fashion-MNIST points left, so a mirrored
/// shoe is a picture the test set never shows.)
let clothes = Pipeline([RandomCrop(width: 28, height: 28, padding: 2), RandomRotation(degrees: 8, fill: .constant(0))])

// MARK: - Why augment

book.section("More pictures from the same pictures")
book.prose("""
    A network with a hundred thousand weights and a few hundred training pictures can simply memorize them: \
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
let (photo, cup) = book.cell { () -> (Image, Image) in
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
    let share = { (mixed: MixedBatch) in
        "cat \(mixed.lambda.formatted(.fixed(2))), cup \((1 - mixed.lambda).formatted(.fixed(2)))"
    }
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
    operations at random from a fixed list (rotate, shear, translate, solarize, posterize, equalize, color, …) at one \
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
    `Assets/data/fashion-mnist`) has 70,000 gray 28×28 photos of clothes in 10 classes; we keep only \
    \(perClass) per class for training, so a small network can memorize them, and hold out \(validationPerClass) \
    test photos per class for validation. Every photo becomes three equal channels, so the same `Image` \
    augmentations apply.
    """)
let (train, validation) = book.cell {
    let trainingSet = try FashionMNIST.load(.training), testSet = try FashionMNIST.load(.test)
    let train = try trainingSet.tensors(
        at: balancedSample(labels: trainingSet.labels, perClass: perClass, seed: book.seed), size: 28)
    let validation = try testSet.tensors(
        at: balancedSample(labels: testSet.labels, perClass: validationPerClass, seed: book.seed), size: 28)
    print("training: \(train.inputs.shape), validation: \(validation.inputs.shape)")
    return (train, validation)
}
book.cell {
    let samples = (0..<10).map { c in Image(train.inputs, index: train.labels.firstIndex(of: c)!) }
    var generator = SeededGenerator(seed: book.seed &+ 11)
    let augmented = samples.map { clothes($0, using: &generator) }
    book.figure(ImageGrid(title: "Training samples and one augmented copy of each", images: samples + augmented,
                          captions: FashionMNIST.classNames + samples.map { _ in "shifted, turned" }, columns: 10,
                          cellWidth: 84),
                name: "fashion-samples",
                caption: "Top: one training photo per class. Bottom: the same photos augmented.")
}

// MARK: - Training with and without augmentation

book.section("The same network, with and without augmentation")
let epochs = quick ? 20 : 60
book.prose("""
    The network is a small CNN: two 3×3 convolutions (32 and 64 channels) with ReLU and 2×2 max pooling, then a \
    dense layer of 128 and the 10-way classifier: \(smallCNN().parameterCount.formatted()) weights for \
    \(train.count) training photos, plenty to memorize them.
    """)
// listing: small-cnn
/// The network every run trains, built afresh with the same seeds, so every run starts from the same weights.
func smallCNN() -> Sequential {
    Sequential(
        Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, padding: .same, seed: 1), Activation(relu),
        MaxPool2D(size: 2),
        Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: .same, seed: 2), Activation(relu),
        MaxPool2D(size: 2),
        Flatten(), Dense(inputSize: 64 * 7 * 7, outputSize: 128, seed: 3), Activation(relu),
        Dense(inputSize: 128, outputSize: 10, seed: 4))
}
// end listing
book.listing("small-cnn")
book.prose("""
    Every run uses the library's `Trainer` with Adam (learning rate 10⁻³, cosine decay to zero so the last epochs \
    settle) and sees the batches in the same order. The only difference is the trainer's `batchTransform`, which \
    changes each batch before the forward pass: nothing, the shift-and-turn pipeline, or the pipeline followed by \
    MixUp. After every epoch we measure loss and accuracy on the *unchanged* training photos and on the \
    validation photos.
    """)
// listing: train
/// Per-epoch loss and accuracy of one run on the unchanged training photos and on the validation photos.
struct Curves {
    var training: [Evaluation] = [], validation: [Evaluation] = []
    var gap: Double { training.last!.accuracy - validation.last!.accuracy }
}

/// Trains a fresh `smallCNN()` for `epochs` epochs, passing every batch through `transform` first.
func trainSmallCNN(_ label: String,
                   transform: ((TensorDataset, inout SeededGenerator) -> TensorDataset)?) throws -> Curves {
    let model = smallCNN()
    let decay = CosineDecay(initialRate: 1e-3, decaySteps: epochs * ((train.count + 31) / 32))
    let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3, schedule: decay), batchSize: 32,
                          seed: book.seed &+ 20)
    trainer.batchTransform = transform
    var curves = Curves()
    trainer.onEpochEnd = { log in
        curves.training.append(trainer.evaluate(train))
        curves.validation.append(trainer.evaluate(validation))
        if log.epoch == 1 || log.epoch % max(1, epochs / 5) == 0 || log.epoch == epochs {
            print("\(label) epoch \(log.epoch): train \(curves.training.last!.accuracy.formatted(.percent(1))),",
                  "validation \(curves.validation.last!.accuracy.formatted(.percent(1)))")
        }
    }
    try trainer.fit(train, epochs: epochs)
    return curves
}
// end listing
book.listing("train")
let plain = book.cell { try trainSmallCNN("no augmentation", transform: nil) }
let augmented = book.cell {
    try trainSmallCNN("augmented") { batch, generator in
        TensorDataset(inputs: clothes(batch.inputs, using: &generator), labels: batch.labels)
    }
}
book.prose("""
    MixUp needs no knowledge of the task at all: it blends random pairs of training photos and their labels, so the \
    network is trained to be less sure between classes. Its labels are no longer one class per photo but a blend of \
    two, so the transform hands the trainer soft `targets`, and the trainer's loss becomes cross-entropy against \
    those probabilities. A third run adds it (α = 0.4) after the same pipeline:
    """)
let withMixUp = book.cell {
    try trainSmallCNN("augmented + MixUp") { batch, generator in
        let pictures = LabelledBatch(images: clothes(batch.inputs, using: &generator), classes: batch.labels,
                                     classCount: 10)
        let mixed = MixUp(alpha: 0.4)(pictures, using: &generator)
        return TensorDataset(inputs: mixed.images, labels: batch.labels, targets: mixed.labels)
    }
}
book.cell {
    func accuracyPlot(_ title: String, _ curves: Curves) -> LinePlot {
        LinePlot(title: title, xLabel: "epoch", yLabel: "accuracy",
                 series: [LineSeries(name: "train", values: curves.training.map(\.accuracy)),
                          LineSeries(name: "validation", values: curves.validation.map(\.accuracy), dashed: true)],
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
                          series: [LineSeries(name: "no augmentation", values: plain.validation.map(\.loss)),
                                   LineSeries(name: "augmented", values: augmented.validation.map(\.loss)),
                                   LineSeries(name: "augmented + MixUp", values: withMixUp.validation.map(\.loss))])
    book.figure(losses, name: "validation-loss", caption: "Validation loss per epoch for the three runs.")
}

// MARK: - Reading the curves

let runs = [("baseline", "no augmentation", plain), ("augmented", "shift + turn", augmented),
            ("mixup", "shift + turn + MixUp", withMixUp)]
book.cell {
    book.table(headers: ["run", "train accuracy", "validation accuracy", "gap", "best validation (epoch)",
                         "validation loss"],
               rows: runs.map { _, name, curves in
                   let accuracies = curves.validation.map(\.accuracy)
                   let best = accuracies.indices.max { accuracies[$0] < accuracies[$1] }!
                   return [name, curves.training.last!.accuracy.formatted(.percent(1)),
                           curves.validation.last!.accuracy.formatted(.percent(1)),
                           (curves.gap * 100).formatted(.fixed(1)) + " points",
                           "\(accuracies[best].formatted(.percent(1))) (\(best + 1))",
                           curves.validation.last!.loss.formatted(.fixed(3))]
               },
               caption: "After \(epochs) epochs on \(train.count) training photos; validation on \(validation.count)")
    for (key, _, curves) in runs {
        book.metric("\(key)_train_accuracy", curves.training.last!.accuracy)
        book.metric("\(key)_validation_accuracy", curves.validation.last!.accuracy)
        book.metric("\(key)_best_validation_accuracy", curves.validation.map(\.accuracy).max()!)
        book.metric("\(key)_gap", curves.gap)
        book.metric("\(key)_validation_loss", curves.validation.last!.loss)
        book.metric("\(key)_validation_accuracy_per_epoch", curves.validation.map(\.accuracy))
        book.metric("\(key)_train_accuracy_per_epoch", curves.training.map(\.accuracy))
    }
}
book.metric("images_per_class", perClass)
book.metric("validation_images", validation.count)
book.metric("epochs", epochs)

let (before, after) = (plain.validation.last!, augmented.validation.last!)
let bestEpochs = [plain, augmented].map { curves in
    curves.validation.indices.max { curves.validation[$0].accuracy < curves.validation[$1].accuracy }! + 1
}
let lossRises = before.loss > plain.validation.map(\.loss).min()! + 0.02
// One standard error of an accuracy measured on n photos: √(p(1 − p)/n).
let standardError = (before.accuracy * (1 - before.accuracy) / Double(validation.count)).squareRoot()
let difference = after.accuracy - before.accuracy
let points = { (fraction: Double) in (fraction * 100).formatted(.fixed(1)) + " points" }
book.prose("""
    Without augmentation the network ends at \(plain.training.last!.accuracy.formatted(.percent(1))) on its own \
    training photos and \(before.accuracy.formatted(.percent(1))) on new ones: a gap of \(points(plain.gap)). Its \
    best validation accuracy came at epoch \(bestEpochs[0])\(lossRises
        ? ", and its validation loss ends well above its minimum: the network keeps getting more sure of its " +
          "answers, the wrong ones included (overfitting shows in the loss before it shows in the accuracy)."
        : ".")

    With the shift and the turn, the training photos never look quite the same twice and cannot be memorized \
    pixel by pixel: training accuracy reaches \(augmented.training.last!.accuracy.formatted(.percent(1))) and the \
    gap \(augmented.gap < plain.gap ? "shrinks" : "is") to \(points(augmented.gap)); the validation loss ends at \
    \(after.loss.formatted(.fixed(3))) against \(before.loss.formatted(.fixed(3))) without augmentation\(
        bestEpochs[1] > bestEpochs[0]
        ? ", and the best epoch moves from \(bestEpochs[0]) to \(bestEpochs[1]): the model keeps learning longer"
        : ""). With MixUp on top the gap is \(points(withMixUp.gap)).

    Validation accuracy itself moves from \(before.accuracy.formatted(.percent(1))) to \
    \(after.accuracy.formatted(.percent(1))) (MixUp: \(withMixUp.validation.last!.accuracy.formatted(.percent(1)))). \
    \(abs(difference) <= 2 * standardError
        ? "With \(validation.count) validation photos one standard error is about \(points(standardError)), so " +
          "this difference is within the noise: at this scale augmentation is first of all a cure for overfitting."
        : difference > 0
        ? "That gain of \(points(difference)) is more than two standard errors (\(points(standardError)) each) " +
          "on \(validation.count) validation photos."
        : "That is \(points(-difference)) lower, more than two standard errors (\(points(standardError))): in a " +
          "short run the network that sees changing pictures has not caught up yet. Augmentation costs training " +
          "time and pays off in longer runs.")
    """)

book.summary([
    "An augmentation is a random change that keeps the label; which changes qualify depends on the task (no mirror "
        + "for text or for shoes that always point left).",
    "Geometric (flip, rotation, zoom, crop), photometric (brightness, contrast) and occlusion (Cutout, Random "
        + "Erasing) transforms change one picture; MixUp and CutMix blend two pictures and their labels.",
    "RandAugment draws N operations at one magnitude M; AutoAugment applies learned pairs of operations.",
    "In training, augmentation is a per-batch transform of the `Trainer`; MixUp also hands it soft targets.",
    "On \(train.count) Fashion-MNIST photos the train/validation gap went from \(points(plain.gap)) to "
        + "\(points(augmented.gap)) with a shift and a turn, and to \(points(withMixUp.gap)) with MixUp added.",
])
book.exercises([
    "Add `RandomHorizontalFlip()` to the clothes pipeline. Does mirroring shoes that always point left help or hurt?",
    "Train for 150 epochs (change `epochs`): does the augmented model's validation accuracy overtake the baseline?",
    "Replace the pipeline by `RandAugment(operationCount: 2, magnitude: 5)`: are its operations right for 28×28 "
        + "gray clothes?",
    "Use CutMix instead of MixUp in the third run (`CutMix(alpha: 1)` works on the same `LabelledBatch`).",
])
book.gradedExercises()
book.finish()
