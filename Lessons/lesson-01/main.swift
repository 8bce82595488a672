// Lesson 1 — Pretrained models.
//
// A network trained for weeks on ImageNet's 1.28 million photos is a reusable asset: load its weights and it
// recognises a thousand kinds of things in photos it has never seen. This lesson loads the real EfficientNet-Lite0,
// prepares photos exactly as its training data was prepared, classifies them, shows what goes wrong when the
// preparation is off, and compares the families of pretrained networks by size and accuracy.

import TransferLab
import Foundation

let book = Notebook(lesson: 1, title: "Pretrained models")
let assets = Assets.standard

// MARK: - What a pretrained model is

book.section("What a pretrained model is")
book.prose("""
    A convolutional network is a long chain of filters. Trained on ImageNet — 1.28 million labelled photos in 1000 \
    classes — its early filters learn edges and colours, its middle ones textures and parts, its last ones whole \
    objects. The values of those filters, the *weights*, are the expensive part: weeks of computing. A pretrained \
    model is simply the architecture plus those published weights.
    """)
book.prose("""
    We use EfficientNet-Lite0, a small, fast network designed for phones. Its weights come from a PyTorch checkpoint \
    that `Scripts/setup` fetched from a Python package; TransferLab reads that file directly, without Python.
    """)

let model = try book.cell {
    let model = try EfficientNetLite0.pretrained()
    print("parameters:", model.parameterCount)
    print("layers with weights:", model.namedLayers.filter { !$0.layer.ownParameters.isEmpty }.count)
    print("checkpoint tensors:", model.namedParameters.count)
    return model
}
book.prose("""
    The network has \(model.parameterCount.formatted()) learned parameters, stored with BatchNorm's running \
    statistics in \
    \(model.namedParameters.count) named tensors, each loaded by the name it has in the PyTorch file \
    (for instance `_blocks.3._depthwise_conv.weight`). At four bytes per parameter that is \
    \(String(format: "%.1f", Double(model.parameterCount) * 4 / 1_000_000)) MB of numbers.
    """)
book.metric("lite0_parameters", model.parameterCount)

// MARK: - Preparing a photo

book.section("Preparing a photo the way the network expects")
book.prose("""
    A pretrained network only understands inputs prepared exactly like its training data. For Lite0 that means \
    three steps: crop the largest centred square, shrink it to 224×224 pixels with a bilinear filter, and map each \
    colour value p from [0, 1] to (255·p − 127) / 128, which lies in [−1, 1]. The model carries these settings in \
    its `preprocessing` property and applies them itself, so no caller can forget them.
    """)
let cat = try book.cell {
    let photo = try Image(contentsOf: try assets.photo("chelsea.png"))
    let square = photo.centerCropped()
    let input = model.preprocessing.framed(photo)
    print("original \(photo.width)×\(photo.height) → square \(square.width)×\(square.height)",
          "→ input \(input.width)×\(input.height)")
    let values = model.preprocessing.normalized(Tensor(input))
    print("network input range:", values.min(), "…", values.max())
    book.figure(ImageGrid(title: "From photo to network input", images: [photo, square, input],
                          captions: ["original \(photo.width)×\(photo.height)", "centre square", "224×224 input"],
                          cellWidth: 220),
                name: "preprocessing", caption: "The three framing steps applied to chelsea.png.")
    return photo
}
book.prose("""
    The photo of Chelsea the cat is \(cat.width)×\(cat.height); cropping keeps its central \
    \(min(cat.width, cat.height))-pixel square so nothing is stretched, and the 224×224 result is what the \
    network sees.
    """)

// MARK: - Classifying real photos

book.section("Classifying real photos")
book.prose("""
    The network's last layer gives 1000 scores, one per ImageNet class. A softmax turns them into probabilities \
    that sum to one; the five largest are its top-5 answer. Here are the sample photos from the course assets.
    """)
let photoNames = book.isQuick ? ["chelsea.png", "dog.jpg", "giraffe.jpg"] : assets.photoNames()
let photos = try book.cell {
    try photoNames.map { try Image(contentsOf: try assets.photo($0)) }
}
let predictions = book.cell {
    let predictions = model.classify(photos, top: 5)
    for (name, top) in zip(photoNames, predictions) {
        print(name.padding(toLength: 22, withPad: " ", startingAt: 0),
              top.prefix(3).map { "\($0.label) \(percent($0.probability))" }.joined(separator: ", "))
    }
    return predictions
}
book.figure(ImageGrid(title: "What the network sees, and its first answer",
                      images: photos.map(model.preprocessing.framed),
                      captions: predictions.map { "\($0[0].label) (\(percent($0[0].probability, decimals: 0)))" },
                      columns: min(4, photos.count)),
            name: "photos-top1", caption: "Each sample photo as the network sees it, with its most probable class.")

let catTop = predictions[photoNames.firstIndex(of: "chelsea.png")!]
book.prose("""
    For the cat the answer is "\(catTop[0].label)" at \(percent(catTop[0].probability)), followed by \
    "\(catTop[1].label)" at \(percent(catTop[1].probability)) and "\(catTop[2].label)" at \
    \(percent(catTop[2].probability)). The network is not sure *which* cat, and that is honest: the three classes \
    differ in details a 224-pixel photo barely shows. Together the cat classes hold \
    \(percent(catTop.filter { (281...285).contains($0.index) }.map(\.probability).reduce(0, +))) of the probability.
    """)
let charted = ["chelsea.png", "dog.jpg", "giraffe.jpg", "coffee.png"]
for (name, top) in zip(photoNames, predictions) where charted.contains(name) {
    let stem = String(name.split(separator: ".")[0])
    book.figure(BarChart(title: "\(name) — top-5", labels: top.map(\.label),
                         values: top.map { Double($0.probability) },
                         valueFormat: .percent(decimals: 1), xRange: 0...1, highlighted: [0]),
                name: "top5-\(stem)", caption: "Top-5 classes for \(name).")
}
for (name, top) in zip(photoNames, predictions) {
    let stem = String(name.split(separator: ".")[0]).replacingOccurrences(of: "-", with: "_")
    book.metric("top1_index_\(stem)", top[0].index)
    book.metric("top1_probability_\(stem)", top[0].probability)
}

// MARK: - When preprocessing is wrong

book.section("What goes wrong without the right preprocessing")
book.prose("""
    Three mistakes are common. One: normalising with torchvision's ImageNet mean and standard deviation, which is \
    right for torchvision's models but not for these weights (they come from TensorFlow's Lite models). Two: \
    squashing the whole photo to a square instead of cropping. Three: forgetting normalisation, feeding [0, 1] values. \
    We try each on the same photos.
    """)
let correct = model.preprocessing
let variants: [(name: String, preprocessing: Preprocessing)] = [
    ("mean/std", Preprocessing(inputSize: 224, framing: .centerSquareThenResize, normalization: .imageNet)),
    ("squashed", Preprocessing(inputSize: 224, framing: .squash, normalization: .centeredOn127)),
    ("no normalisation", Preprocessing(inputSize: 224, framing: .centerSquareThenResize, normalization: .none)),
]
let wrong = book.cell {
    var results: [[Prediction]] = []
    for variant in variants {
        model.preprocessing = variant.preprocessing
        results.append(model.classify(photos, top: 1).map { $0[0] })
    }
    model.preprocessing = correct
    return results
}
book.table(headers: ["photo", "correct"] + variants.map(\.name),
           rows: photoNames.indices.map { row in
               [photoNames[row], describe(predictions[row][0])] + wrong.map { describe($0[row]) }
           },
           caption: "Top-1 class and probability under each preprocessing.")
let changes = wrong.map { results in zip(results, predictions).filter { $0.0.index != $0.1[0].index }.count }
let meanConfidence = { (values: [Prediction]) in values.map(\.probability).reduce(0, +) / Float(values.count) }
book.prose("""
    With the wrong statistics the top-1 class changes on \(changes[0]) of \(photos.count) photos, and the average \
    top-1 confidence moves from \(percent(meanConfidence(predictions.map { $0[0] }))) to \
    \(percent(meanConfidence(wrong[0]))). Squashing changes \(changes[1]) answers; skipping normalisation \
    changes \(changes[2]). Nothing crashes and nothing warns: the network answers confidently either way. That is \
    why TransferLab makes preprocessing part of the model's type.
    """)
for (variant, count) in zip(variants, changes) {
    let key = variant.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "/", with: "_")
    book.metric("top1_changes_\(key)", count)
}

// MARK: - The families

book.section("The families of pretrained networks")
book.prose("""
    Lite0 is one of many ImageNet networks. The zoo below builds each architecture in Swift and counts its \
    parameters from the layers it actually built. Only Lite0 has real weights offline here; the others are built \
    with random weights, which is enough to count them (and a checkpoint of your own loads by name with \
    `lab classify --model NAME --weights FILE`).
    """)
let family = book.cell {
    Architecture.allCases.map { architecture in (architecture, architecture.build().parameterCount) }
}
book.table(headers: ["model", "parameters", "size (float32)", "pretrained here"],
           rows: family.map { architecture, count in
               [architecture.rawValue, count.formatted(), String(format: "%.1f MB", Double(count) * 4 / 1_048_576),
                architecture.hasPretrainedWeights ? "yes" : "random weights"]
           },
           caption: "Parameter counts from the built models.")
for (architecture, count) in family { book.metric("parameters_\(architecture.rawValue)", count) }
if let largest = family.max(by: { $0.1 < $1.1 }), let smallest = family.min(by: { $0.1 < $1.1 }) {
    book.prose("""
        The largest, \(largest.0.rawValue), has \(String(format: "%.0f", Double(largest.1) / Double(smallest.1)))× \
        the parameters of the smallest, \(smallest.0.rawValue). Size is not the same as accuracy, as the next \
        figure shows.
        """)
}

// MARK: - Accuracy against size

book.section("Accuracy against size")
book.prose("""
    Published ImageNet top-1 accuracies (the original course's table; torchvision's model cards for VGG16 and \
    MobileNetV2; the EfficientNet-Lite release for Lite0) tell the rest of the story: newer designs reach more \
    accuracy per parameter, and the largest networks \
    buy their last points with many times the size. These numbers are quoted from those publications, not \
    measured here: evaluating on ImageNet's 50,000 validation photos needs the dataset, which no package ships.
    """)
let published: [(name: String, parameters: Double, top1: Double)] = [
    ("EfficientNet-Lite0", 4.7, 75.1), ("MobileNetV2", 3.5, 71.9), ("MobileNetV3", 5.4, 75.6),
    ("EfficientNetB0", 5.3, 77.1), ("ResNet50", 25.6, 80.4), ("VGG16", 138.4, 71.6),
    ("EfficientNetV2-M", 54.4, 85.1), ("ConvNeXt-L", 198.0, 86.6),
]
book.figure(ScatterPlot(title: "ImageNet top-1 accuracy against size (published)", xLabel: "parameters (millions)",
                        yLabel: "top-1 accuracy (%)",
                        groups: [ScatterGroup(name: "published top-1", x: published.map(\.parameters),
                                              y: published.map(\.top1), pointLabels: published.map(\.name))],
                        xScale: .logarithmic),
            name: "accuracy-vs-size", caption: "Published ImageNet top-1 accuracy against parameter count (log scale).")

// MARK: - Summary

book.summary([
    "A pretrained model is an architecture plus published weights; "
        + "Lite0 has \(model.parameterCount.formatted()) parameters.",
    "Its inputs must be prepared as in training: centre square, 224×224, (255·p − 127)/128.",
    "On the cat photo it answers \"\(catTop[0].label)\" (\(percent(catTop[0].probability))).",
    "Wrong statistics changed \(changes[0]) of \(photos.count) answers without any warning.",
])
book.exercises([
    "Exercises/lesson-01: implement the preprocessing and top-k from logits; check with `swift run grader lesson-01`.",
    "Classify a photo of your own: `swift run lab classify PATH --top 5`.",
])
book.gradedExercises()
book.finish()

// MARK: - Helpers

func percent(_ value: Float, decimals: Int = 1) -> String { String(format: "%.\(decimals)f%%", value * 100) }
func describe(_ prediction: Prediction) -> String { "\(prediction.label) \(percent(prediction.probability))" }
