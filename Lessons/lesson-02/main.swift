// Lesson 2 — Feature extraction: feature maps, embeddings, a new head against models trained from scratch, backbones.
import TransferLab
import Foundation

let (book, options) = Notebook.start(lesson: 2, title: "Feature extraction", options: DatasetOptions.self)
let (quick, isFashion, dataName) = (book.isQuick, options.dataset == .fashionMNIST, options.dataset.displayName)

book.prose("""
    A network trained on ImageNet turns pixels, layer by layer, into descriptions: edges and color blobs, then \
    textures and parts, then objects. The last of them — the 1280 numbers EfficientNet-Lite0 computes before its \
    classifier — is useful far beyond ImageNet's 1000 classes; using it with the network frozen is called *feature \
    extraction*. We look at what the layers compute, then put the vectors to work.
    """)

// MARK: - Feature maps

book.section("What the layers see")
let model = book.cell {
    let model = try EfficientNetLite0.pretrained()
    model.freeze()   // nothing in this lesson changes the pretrained weights
    print("Lite0:", model.parameterCounts)
    return model
}
book.prose("""
    Every weight is frozen. We run the cat photo through the network and stop at four depths: right after the \
    stem, after block 3, after block 10, and after the 1×1 head convolution. At each depth we show the eight \
    channels with the largest mean activation.
    """)
let mapShapes = book.cell {
    let cat = Tensor(model.preprocessing.framed(try Image(contentsOf: Assets.standard.photo("chelsea.png"))))
    return [(NetworkDepth.stem, "stem"), (.block(3), "block 3"), (.block(10), "block 10"), (.head, "head")]
        .map { depth, title in
            let activations = withoutGradients { model.featureMaps(of: cat, at: depth) }    // [1, H, W, C]
            let (maps, channels) = Embeddings.strongestChannels(of: activations, count: 8)
            print("\(title): \(activations.shape)")
            book.figure(FeatureMapGrid(title: "chelsea.png after the \(title) (\(activations.shape[3]) channels)",
                                       maps: maps, height: activations.shape[1], width: activations.shape[2],
                                       captions: channels.map { "channel \($0)" }, columns: 8),
                        name: "feature-maps-\(title.replacingOccurrences(of: " ", with: ""))",
                        caption: "The eight most active channels after the \(title).")
            return activations.shape
        }
}
let (stemShape, headShape) = (mapShapes.first!, mapShapes.last!)
book.prose("""
    Resolution trades for meaning. After the stem the maps are \(stemShape[1])×\(stemShape[2]) with \
    \(stemShape[3]) channels and still look like the photo. After the head they are \(headShape[1])×\(headShape[2]) \
    with \(headShape[3]) channels — too coarse for the cat's outline, but each responds to something like "striped \
    fur here". Averaging each head channel over the grid gives the embedding.
    """)

// MARK: - Embeddings of photos

book.section("Embeddings and similarity")
book.prose("""
    Two photos are similar, to the network, when their embeddings point the same way: cosine similarity (1: same \
    direction; 0: unrelated), whatever the vectors' lengths.
    """)
let photoNames = Assets.standard.photoNames().map { ($0 as NSString).deletingPathExtension }
let (similarities, closest) = book.cell {
    let photos = try Assets.standard.photoNames().map {
        model.preprocessing.framed(try Image(contentsOf: Assets.standard.photo($0)))
    }
    let features = withoutGradients { model.features(Tensor(stacking: photos)) }    // [photos, 1280]
    let similarities = Embeddings.cosineSimilarities(features)
    book.figure(Heatmap(title: "Cosine similarity of the sample photos' embeddings",
                        values: similarities.map { $0.map(Double.init) }, rowLabels: photoNames,
                        columnLabels: photoNames, colormap: .viridis, valueFormat: .fixed(decimals: 2), cellSize: 40),
                name: "photo-similarity", caption: "Pairs of photos with similar content have higher similarity.")
    let pairs = photoNames.indices.flatMap { i in (0..<i).map { (i, $0) } }
    return (similarities, pairs.max { similarities[$0.0][$0.1] < similarities[$1.0][$1.1] }!)
}
let offDiagonal = similarities.indices.flatMap { i in (0..<i).map { Double(similarities[i][$0]) } }
book.prose("""
    The most similar pair is **\(photoNames[closest.0])** and **\(photoNames[closest.1])** (cosine \
    \(similarities[closest.0][closest.1].formatted(.fixed(2))), against \
    \((offDiagonal.reduce(0, +) / Double(offDiagonal.count)).formatted(.fixed(2))) for the average pair). Nothing \
    told the network which photos belong together: the ImageNet training did.
    """)

// MARK: - A new task

book.section("A task the network never saw: \(dataName), few-shot")
let inputSize = quick ? 112 : 160
let counts = quick ? [2, 5] : [5, 10, 30, 50]
let headline = quick ? 5 : 10
book.prose((isFashion ? """
    Fashion-MNIST holds 28×28 gray photos of clothes in 10 classes — no ImageNet class is "ankle boot" or \
    "pullover". Lite0 wants color, so the gray is copied to three channels and the picture upscaled to \
    \(inputSize)×\(inputSize): a 28-pixel picture has no detail to gain from 224, while the cost grows with the \
    square of the side.
    """ : "The pictures of \(dataName) are center-cropped to 64×64 and upscaled to \(inputSize) px for Lite0. ")
    + """
    We give each model only a handful of training pictures per class \
    (\(counts.map(String.init).joined(separator: ", "))), keep \(quick ? 5 : 10) per class for validation and \
    \(quick ? 20 : 50) per class for the test. The frozen base turns each picture into 1280 numbers once; \
    `cachedFeatures` stores them on disk (keyed by dataset, pictures, model and input size) for later runs.
    """)
let (trainingSet, testSet, pool, validationIndices, testIndices) = book.cell {
    let (train, test) = try options.dataset.load(trainingPerClass: counts.max()! + (quick ? 5 : 10),
                                                 testPerClass: quick ? 20 : 50, side: 64, seed: book.seed)
    let pool = balancedSample(labels: train.labels, perClass: counts.max()!, seed: book.seed)
    let rest = Array(Set(train.labels.indices).subtracting(pool)).sorted()
    let validation = balancedSample(labels: train.labels, perClass: quick ? 5 : 10, from: rest, seed: book.seed + 1)
    let testIndices = balancedSample(labels: test.labels, perClass: quick ? 20 : 50, seed: book.seed + 2)
    let shown = Array(train.classNames.indices.prefix(10))    // one picture of each of (up to) ten classes
    book.figure(ImageGrid(title: "One training picture per class",
                          images: try shown.map { label in
                              try train.image(at: pool.first { train.labels[$0] == label }!).resized(width: 84,
                                                                                                      height: 84)
                          },
                          captions: shown.map { train.classNames[$0] }, columns: 5, cellWidth: 84),
                name: "samples", caption: "\(dataName): \(train.width)×\(train.height) pictures, "
                    + "\(train.classNames.count) classes.")
    return (train, test, pool, validation, testIndices)
}
let (classNames, side, channels) = (trainingSet.classNames, trainingSet.width, trainingSet.channels)
let (trainFeatures, validationFeatures, testFeatures) = book.cell {
    let parts = [(trainingSet, pool, "training"), (trainingSet, validationIndices, "validation"),
                 (testSet, testIndices, "test")]
    let features = try parts.map { try model.cachedFeatures(of: $0, at: $1, inputSize: inputSize, label: $2) }
    return (features[0], features[1], features[2])
}
let (projection, nearestAgrees) = book.cell {
    let projection = Embeddings.principalComponents(testFeatures.inputs, seed: book.seed)
    let share = { (k: Int) in (Double(projection.explainedVariance[k]) * 100).formatted(.fixed(0)) }
    book.figure(ScatterPlot(title: "Lite0 embeddings of the test pictures (PCA)",
                            xLabel: "PC 1 (\(share(0))% of variance)", yLabel: "PC 2 (\(share(1))%)",
                            x: projection.coordinates.map { Double($0[0]) },
                            y: projection.coordinates.map { Double($0[1]) },
                            classes: testFeatures.labels, classNames: classNames),
                name: "embeddings-pca", caption: "Classes form clusters although the network never saw these pictures.")
    let nearest = Embeddings.neighbors(in: Embeddings.cosineSimilarities(testFeatures.inputs)).map { $0[0] }
    let agreeing = nearest.indices.filter { testFeatures.labels[nearest[$0]] == testFeatures.labels[$0] }.count
    return (projection, Double(agreeing) / Double(testFeatures.count))
}
let chance = 1 / Double(classNames.count)
let twoComponents = Double(projection.explainedVariance[0] + projection.explainedVariance[1])
book.prose("""
    Even squeezed to two of 1280 dimensions (together \(twoComponents.formatted(.percent(0))) of the variance), the \
    test pictures gather by class. In all 1280 dimensions, a test picture's most similar other test picture has \
    the same class \(nearestAgrees.formatted(.percent(1))) of the time (chance: \(chance.formatted(.percent(0)))).
    """)

// MARK: - Transfer against scratch

book.section("A new head against networks trained from scratch")
book.prose("""
    The **transfer** model is a single Dense layer (1280 → \(classNames.count), softmax in the loss) trained on the \
    frozen features. Two models learn from the pixels themselves, at their own \(side)×\(side) size: a small **CNN** \
    (two convolutions with max pooling, then two Dense layers with dropout) and, as in the original course's first \
    experiment, an **MLP** on the \(side * side * channels) flattened pixel values. All use Adam at 10⁻³ and early \
    stopping on the validation loss (patience 10, best weights restored).
    """)
// listing: models
/// The small CNN, and the multilayer perceptron on the flattened pixels, both trained from scratch on
/// side×side×channels pictures (28×28×1 for Fashion-MNIST).
func scratchCNN(seed: UInt64) -> Sequential {
    Sequential(Conv2D(inputChannels: channels, outputChannels: 16, kernelSize: 3, padding: .same, seed: seed),
               Activation(relu), MaxPool2D(size: 2),                 // 14×14×16 for 28×28 pictures
               Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: 3, padding: .same, seed: seed + 1),
               Activation(relu), MaxPool2D(size: 2), Flatten(),      // 7×7×32
               Dense(inputSize: 32 * (side / 4) * (side / 4), outputSize: 64, seed: seed + 2), Activation(relu),
               Dropout(rate: 0.3, seed: seed + 3), Dense(inputSize: 64, outputSize: classNames.count, seed: seed + 4))
}
func scratchMLP(seed: UInt64) -> Sequential {
    Sequential(Flatten(), Dense(inputSize: side * side * channels, outputSize: 256, seed: seed), Activation(relu),
               Dropout(rate: 0.3, seed: seed + 1),
               Dense(inputSize: 256, outputSize: classNames.count, seed: seed + 2))
}
/// `model` trained on `training` with Adam 10⁻³ and early stopping, evaluated on `test`.
func train(_ model: any Layer, _ training: TensorDataset, validation: TensorDataset, test: TensorDataset,
           batchSize: Int = 32, epochs: Int = 300) throws -> (evaluation: Evaluation, history: History) {
    let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3), batchSize: batchSize, seed: book.seed,
                          callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
    let history = try trainer.fit(training, validation: validation, epochs: epochs)
    return (trainer.evaluate(test), history)
}
// end listing
book.listing("models")
book.cell { print("CNN:", scratchCNN(seed: 0).parameterCounts, "· MLP:", scratchMLP(seed: 0).parameterCounts) }
struct Comparison {    // the three models trained on `count` pictures per class
    let count: Int, transfer: Evaluation, cnn: Evaluation, mlp: Evaluation
    let transferHistory: History, cnnHistory: History
}
let comparisons = book.cell {
    let (pixelValidation, pixelTest) = (trainingSet.nativeTensors(at: validationIndices),
                                        testSet.nativeTensors(at: testIndices))
    return try counts.map { count -> Comparison in
        // Positions inside the pool; the 5-per-class sample is part of the 10-per-class one, and so on.
        let chosen = balancedSample(labels: trainFeatures.labels, perClass: count, seed: book.seed + 3)
        let pixels = trainingSet.nativeTensors(at: chosen.map { pool[$0] })
        let head = try train(Dense(inputSize: 1280, outputSize: classNames.count, seed: book.seed),
                             trainFeatures.subset(chosen), validation: validationFeatures, test: testFeatures)
        let cnn = try train(scratchCNN(seed: book.seed), pixels, validation: pixelValidation, test: pixelTest,
                            batchSize: 16, epochs: quick ? 30 : 60)
        let mlp = try train(scratchMLP(seed: book.seed), pixels, validation: pixelValidation, test: pixelTest,
                            batchSize: 16, epochs: quick ? 30 : 60)
        print("\(count) per class: transfer", head.evaluation.accuracy.formatted(.percent(1)), "· CNN",
              cnn.evaluation.accuracy.formatted(.percent(1)), "· MLP", mlp.evaluation.accuracy.formatted(.percent(1)))
        return Comparison(count: count, transfer: head.evaluation, cnn: cnn.evaluation, mlp: mlp.evaluation,
                          transferHistory: head.history, cnnHistory: cnn.history)
    }
}
let main = comparisons.first { $0.count == headline }!
let gain = (main.transfer.accuracy - main.cnn.accuracy) * 100
book.prose("""
    With \(headline) pictures per class the new head on frozen features reaches \
    **\(main.transfer.accuracy.formatted(.percent(1)))** on the \(testIndices.count) test pictures, the CNN trained \
    from scratch **\(main.cnn.accuracy.formatted(.percent(1)))** and the MLP \
    \(main.mlp.accuracy.formatted(.percent(1))): \(gain.formatted(.fixed(1))) points for a model with a fraction of \
    the trainable weights, none of which had to learn what an edge is.
    """)
book.cell {
    let series = [("transfer", main.transferHistory), ("scratch CNN", main.cnnHistory)].enumerated()
        .flatMap { index, run in
            [LineSeries(name: "\(run.0), train", values: run.1.values(of: .loss), color: .palette(index)),
             LineSeries(name: "\(run.0), validation", values: run.1.values(of: .validationLoss), color: .palette(index),
                        dashed: true)]
        }
    book.figure(LinePlot(title: "Loss with \(headline) training pictures per class", xLabel: "epoch",
                         yLabel: "cross-entropy loss", series: series),
                name: "loss-curves", caption: "Training (solid) and validation (dashed) loss: the head starts from "
                    + "features that already separate the classes, the CNN must learn edges first.")
}
let confusion = book.cell {
    let confusion = main.transfer.confusionMatrix(classCount: classNames.count)
    book.figure(Heatmap(title: "Transfer head, \(headline) pictures per class: test confusion matrix",
                        values: confusion.map { $0.map(Double.init) }, rowLabels: classNames,
                        columnLabels: classNames, xLabel: "predicted class", yLabel: "true class"),
                name: "confusion-matrix", caption: "Rows: true class; columns: prediction; cells count test pictures.")
    return confusion
}
let weakest = classNames.indices.min { confusion[$0][$0] < confusion[$1][$1] }!
let mistakes = classNames.indices.filter { $0 != weakest }.sorted { confusion[weakest][$0] > confusion[weakest][$1] }
book.prose("""
    The diagonal holds the correct answers. The weakest class is **\(classNames[weakest])**: right \
    \(confusion[weakest][weakest]) times out of \(confusion[weakest].reduce(0, +)), most often taken for \
    \(mistakes.prefix(2).map { "\(classNames[$0]) (\(confusion[weakest][$0]))" }.joined(separator: " and ")).
    """)

// MARK: - How much data

book.section("When does transfer pay off?")
let points = { (c: Comparison) in ((c.transfer.accuracy - c.cnn.accuracy) * 100).formatted(.fixed(1)) }
book.cell {
    let models: [(String, KeyPath<Comparison, Evaluation>)] = [
        ("frozen Lite0 + new head", \.transfer), ("small CNN from scratch", \.cnn), ("MLP from scratch", \.mlp)]
    book.figure(LinePlot(title: "Test accuracy against training pictures per class", xLabel: "pictures per class",
                         yLabel: "test accuracy", series: models.map { name, model in
                             LineSeries(name: name, x: counts.map(Double.init),
                                        y: comparisons.map { $0[keyPath: model].accuracy }, markers: true)
                         }, xScale: .logarithmic, yRange: 0...1, yFormat: .percent(decimals: 0)),
                name: "accuracy-vs-data", caption: "Transfer's advantage is largest when pictures are fewest.")
    book.table(headers: ["per class", "transfer", "CNN", "MLP", "transfer − CNN"],
               rows: comparisons.map { c in
                   [String(c.count), c.transfer.accuracy.formatted(.percent(1)), c.cnn.accuracy.formatted(.percent(1)),
                    c.mlp.accuracy.formatted(.percent(1)), points(c)]
               }, caption: "Test accuracy on \(testIndices.count) \(dataName) test pictures")
}
let last = comparisons.last!
book.prose("""
    The gap to the CNN is \(points(comparisons[0])) points with \(counts[0]) pictures per class and \
    \(points(last)) with \(last.count). The MLP, which must learn that neighboring pixels belong together, reaches \
    \(last.mlp.accuracy.formatted(.percent(1))) at \(last.count) per class, \
    \(last.mlp.accuracy < last.cnn.accuracy ? "below" : "not below") the CNN. With \(classNames.count) \
    classes, guessing scores \(chance.formatted(.percent(0))); on a two-class task such as the original course's \
    cats against dogs it scores \((1 / Double(2)).formatted(.percent(0))) — so a network "trained from scratch to \
    50%" there learned nothing. This is the honest shape of the classic "scratch 50%, transfer 80%": pretrained \
    features matter most when labeled data is scarce, and training from scratch catches up as data grows.
    """)

// MARK: - Backbones compared

book.section("Three pretrained backbones")
book.prose("""
    Lite0 has two larger siblings trained the same way on ImageNet: Lite1 (deeper, 240 px) and Lite2 (deeper and \
    wider, 260 px). Each gets the same head on its own features of the \(headline)-per-class pictures, at its own \
    input size; cost is CPU milliseconds per picture for a batch of 16 here, now (a busy machine inflates the clock).
    """)
let backbones = book.cell {
    let chosen = balancedSample(labels: trainFeatures.labels, perClass: headline, seed: book.seed + 3)
    let (trainingIndices, sizeFactor) = (chosen.map { pool[$0] }, quick ? 2 : 1)    // --quick: half the input size
    let testing = quick ? balancedSample(labels: testSet.labels, perClass: 5, from: testIndices, seed: 4)
                        : testIndices
    return try EfficientNetLiteVariant.allCases.map { variant -> (name: String, parameters: Int, milliseconds: Double,
                                                                  test: Evaluation) in
        let backbone = variant == .lite0 ? model : try EfficientNetLite.pretrained(variant)
        let size = variant.inputSize / sizeFactor
        let features = try [(trainingSet, trainingIndices, "training"),
                            (trainingSet, validationIndices, "validation"), (testSet, testing, "test")]
            .map { try backbone.cachedFeatures(of: $0, at: $1, inputSize: size, label: $2) }
        let batch = try testSet.tensors(at: Array(testIndices.prefix(16)), size: size).inputs
        let milliseconds = backbone.millisecondsPerPicture(batch)    // the fastest of three runs
        let head = Dense(inputSize: features[0].inputs.shape[1], outputSize: classNames.count, seed: book.seed)
        let result = try train(head, features[0], validation: features[1], test: features[2]).evaluation
        let name = backbone.name.replacingOccurrences(of: "efficientnet-lite", with: "Lite")
        print("\(name) at \(size) px: \(backbone.parameterCount.formatted()) parameters,",
              milliseconds.formatted(.fixed(1)), "CPU ms per picture, test", result.accuracy.formatted(.percent(1)))
        return (name, backbone.parameterCount, milliseconds, result)
    }
}
book.figure(ScatterPlot(title: "Accuracy against time per picture (\(headline) training pictures per class)",
                        xLabel: "CPU milliseconds per picture (this machine, batch 16)", yLabel: "test accuracy",
                        groups: backbones.map {
                            ScatterGroup(name: "\($0.name), \((Double($0.parameters) / 1e6).formatted(.fixed(2))) M",
                                         x: [$0.milliseconds], y: [$0.test.accuracy], pointLabels: [$0.name])
                        }, yFormat: .percent(decimals: 1)),
            name: "backbones", caption: "Frozen features + the same linear head; parameters counted from each model.")
let (fastest, best) = (backbones.min { $0.milliseconds < $1.milliseconds }!,
                       backbones.max { $0.test.accuracy < $1.test.accuracy }!)
book.prose("""
    The fastest backbone, \(fastest.name), takes \(fastest.milliseconds.formatted(.fixed(1))) CPU ms per picture and \
    reaches \(fastest.test.accuracy.formatted(.percent(1))); the most accurate, \(best.name), reaches \
    \(best.test.accuracy.formatted(.percent(1))) at \(best.milliseconds.formatted(.fixed(1))) ms with \
    \(best.parameters.formatted()) parameters. One of the \(best.test.labels.count) test pictures is \
    \((1 / Double(best.test.labels.count)).formatted(.percent(1))): a bigger backbone earns its time only by more.
    """)

for (key, value) in [("input_size", inputSize), ("headline_images_per_class", headline),
                     ("test_images", testIndices.count)] { book.metric(key, value) }
for (key, values) in [("images_per_class", counts.map(Double.init)),
                      ("transfer_accuracy_by_count", comparisons.map(\.transfer.accuracy)),
                      ("scratch_accuracy_by_count", comparisons.map(\.cnn.accuracy)),
                      ("mlp_accuracy_by_count", comparisons.map(\.mlp.accuracy))] { book.metric(key, values) }
for (key, value) in [("transfer_test_accuracy", main.transfer.accuracy), ("scratch_test_accuracy", main.cnn.accuracy),
                     ("mlp_test_accuracy", main.mlp.accuracy), ("chance_accuracy", chance),
                     ("test_nearest_neighbor_agreement", nearestAgrees)] { book.metric(key, value) }
for (name, parameters, milliseconds, evaluation) in backbones {
    let key = "backbone_" + name.lowercased()
    book.metric("\(key)_test_accuracy", evaluation.accuracy)
    book.metric("\(key)_ms_per_picture", milliseconds)
    book.metric("\(key)_parameters", parameters)
}
book.metric("dataset", "\(options.dataset)")
book.metric("most_similar_photos", "\(photoNames[closest.0])+\(photoNames[closest.1])")

book.summary([
    "A frozen network is a feature extractor; its pooled last layer is an embedding (compare by cosine, view by PCA).",
    "A linear head on frozen features needs few examples and little compute; features are computed once and cached.",
    "Transfer beats training from scratch most when data is scarce. Compare with chance (1 / classes), and weigh a "
        + "bigger backbone's accuracy against its time.",
])
book.exercises([
    "Use the embedding of block 10 (pooled) instead of the head's: does the few-shot accuracy go up or down?",
    "Replace the linear head by Dense(1280→64) + ReLU + Dropout + Dense(64→10). Does it help at 5 per class?",
    "Run the lesson on your own photos: --dataset PATH, a folder with one sub-folder of pictures per class.",
])
book.gradedExercises()
book.finish()
