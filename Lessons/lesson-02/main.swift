// Lesson 2 — Feature extraction.
// A pretrained network without its classifier is a function from pictures to vectors. This lesson looks inside it
// (feature maps), uses its vectors (similarity, PCA), and trains a new head on them for a task it never saw,
// against a small network trained from scratch on exactly the same few examples.
import TransferLab
import Foundation

let book = Notebook(lesson: 2, title: "Feature extraction")
let quick = book.isQuick

/// 0.532 → "53.2%".
func percent(_ fraction: Double, decimals: Int = 1) -> String {
    String(format: "%.\(decimals)f%%", fraction * 100)
}

book.prose("""
    A network trained on ImageNet has learned, layer by layer, to turn pixels into descriptions: edges and colour \
    blobs first, then textures and parts, then whole objects. The last of those descriptions — the 1280 numbers \
    EfficientNet-Lite0 computes just before its classifier — is useful far beyond ImageNet's 1000 classes. Using it \
    with the network frozen is called *feature extraction*. We first look at what the layers compute, then put the \
    vectors to work.
    """)

// MARK: - Feature maps

book.section("What the layers see")
let model = try book.cell {
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

/// The `count` channels of a `[1, H, W, C]` activation with the largest mean, as maps for `FeatureMapGrid`.
func strongestChannels(_ activations: Tensor, count: Int) -> (maps: [[Float]], channels: [Int]) {
    let (h, w, c) = (activations.shape[1], activations.shape[2], activations.shape[3])
    let means = activations.mean(squeezingAxes: [0, 1, 2]).scalars
    let channels = Array(means.indices.sorted { means[$0] > means[$1] }.prefix(count))
    let maps = channels.map { channel in (0..<(h * w)).map { activations.scalars[$0 * c + channel] } }
    return (maps, channels)
}

let cat = try book.cell { try Image(contentsOf: Assets.standard.photo("chelsea.png")) }
let catPixels = Tensor(model.preprocessing.framed(cat))
let depths: [(NetworkDepth, String, String)] = [(.stem, "stem", "feature-maps-stem"),
                                                (.block(3), "block 3", "feature-maps-block3"),
                                                (.block(10), "block 10", "feature-maps-block10"),
                                                (.head, "head", "feature-maps-head")]
var mapShapes: [String: [Int]] = [:]
book.cell {
    for (depth, title, file) in depths {
        let activations = withoutGradients { model.featureMaps(of: catPixels, at: depth) }
        mapShapes[title] = activations.shape
        let (maps, channels) = strongestChannels(activations, count: 8)
        print("\(title): \(activations.shape)")
        book.figure(FeatureMapGrid(title: "chelsea.png after the \(title) (\(activations.shape[3]) channels)",
                                   maps: maps, height: activations.shape[1], width: activations.shape[2],
                                   captions: channels.map { "channel \($0)" }, columns: 8),
                    name: file, caption: "The eight most active channels after the \(title).")
    }
}
let (stemShape, headShape) = (mapShapes["stem"]!, mapShapes["head"]!)
book.prose("""
    Resolution trades for meaning. After the stem the maps are \(stemShape[1])×\(stemShape[2]) with \
    \(stemShape[3]) channels and still look like the photo: edges and colour regions. After the head they are \
    \(headShape[1])×\(headShape[2]) with \(headShape[3]) channels — too coarse to show the cat's outline, but each \
    channel now responds to something like "striped fur here" or "a face there". Averaging each of the \
    \(headShape[3]) head channels over the \(headShape[1])×\(headShape[2]) grid gives the embedding.
    """)

// MARK: - Embeddings of photos

book.section("Embeddings and similarity")
let photoNames = Assets.standard.photoNames()
let photoFeatures = try book.cell {
    let photos = try photoNames.map { try model.preprocessing.framed(Image(contentsOf: Assets.standard.photo($0))) }
    let features = withoutGradients { model.features(Tensor(stacking: photos)) }
    print("embeddings:", features.shape)
    return features
}
book.prose("""
    Two photos are similar, to the network, when their embeddings point the same way. Cosine similarity measures \
    that angle (1: same direction; 0: unrelated), whatever the vectors' lengths.
    """)
let similarities = Embeddings.cosineSimilarities(photoFeatures)
let neighbours = Embeddings.neighbors(in: similarities)
func stem(_ name: String) -> String { (name as NSString).deletingPathExtension }
book.table(headers: ["photo", "nearest", "cosine", "farthest", "cosine"],
           rows: photoNames.indices.map { i in
               let (near, far) = (neighbours[i].first!, neighbours[i].last!)
               return [stem(photoNames[i]), stem(photoNames[near]), String(format: "%.3f", similarities[i][near]),
                       stem(photoNames[far]), String(format: "%.3f", similarities[i][far])]
           }, caption: "Nearest and farthest photo by cosine similarity of Lite0 embeddings")
book.figure(Heatmap(title: "Cosine similarity of the sample photos' embeddings",
                    values: similarities.map { $0.map(Double.init) }, rowLabels: photoNames.map(stem),
                    columnLabels: photoNames.map(stem), colormap: .viridis, valueFormat: .fixed(decimals: 2),
                    cellSize: 40),
            name: "photo-similarity", caption: "Pairs of photos with similar content have higher similarity.")
let pairs = photoNames.indices.flatMap { i in (0..<i).map { (i, $0) } }
let closest = pairs.max { similarities[$0.0][$0.1] < similarities[$1.0][$1.1] }!
let meanOffDiagonal = pairs.reduce(0) { $0 + Double(similarities[$1.0][$1.1]) } / Double(pairs.count)
book.prose("""
    The most similar pair is **\(stem(photoNames[closest.0]))** and **\(stem(photoNames[closest.1]))** \
    (cosine \(String(format: "%.2f", similarities[closest.0][closest.1])), against \
    \(String(format: "%.2f", meanOffDiagonal)) for the average pair). Nothing told the network which photos belong \
    together: the ImageNet training did.
    """)

// MARK: - A new task

book.section("A task the network never saw: Fashion-MNIST, few-shot")
let inputSize = quick ? 112 : 160
let counts = quick ? [2, 5] : [5, 10, 30, 50]
let headline = quick ? 5 : 10
let countList = counts.map(String.init).joined(separator: ", ")
book.prose("""
    Fashion-MNIST holds 28×28 grey photos of clothes in 10 classes — no ImageNet class is "ankle boot" or \
    "pullover". We give each model only a handful of training pictures per class (\(countList)), keep \
    \(quick ? 5 : 10) per class for validation and \(quick ? 20 : 50) per class for the test. Lite0 wants colour \
    pictures, so the grey is copied to three channels and the picture upscaled to \(inputSize)×\(inputSize). \
    We chose \(inputSize) px rather than 224 because a 28-pixel picture has no detail to gain from a larger \
    copy, while the cost grows with the square of the side.
    """)
let (fashionTrain, fashionTest) = try book.cell { (try FashionMNIST.load(.training), try FashionMNIST.load(.test)) }
let pool = balancedSample(labels: fashionTrain.labels, perClass: counts.max()!, seed: book.seed)
let validationIndices = balancedSample(labels: fashionTrain.labels, perClass: quick ? 5 : 10,
                                       from: Array(Set(fashionTrain.labels.indices).subtracting(pool)).sorted(),
                                       seed: book.seed + 1)
let testIndices = balancedSample(labels: fashionTest.labels, perClass: quick ? 20 : 50, seed: book.seed + 2)
book.figure(ImageGrid(title: "One training picture per class",
                      images: try (0..<10).map { label in
                          try fashionTrain.image(at: pool.first { fashionTrain.labels[$0] == label }!)
                              .resized(width: 84, height: 84)
                      }, captions: FashionMNIST.classNames, columns: 5, cellWidth: 84),
            name: "fashion-samples", caption: "Fashion-MNIST: 28×28 grey product photos, 10 classes.")

book.prose("""
    The frozen base turns each picture into 1280 numbers once; the features are cached on disk (keyed by dataset, \
    examples, model and input size) so later runs skip this step.
    """)
let extractionStart = Date()
let (trainFeatures, validationFeatures, testFeatures) = try book.cell {
    func features(_ dataset: PixelDataset, _ indices: [Int], _ name: String) throws -> Tensor {
        let key = FeatureCache.Key(dataset: dataset.name, model: model.name, inputSize: inputSize, indices: indices)
        let progress = Progress(total: indices.count, label: "\(name) features")
        let (tensor, cached) = try FeatureCache.standard.tensor(for: key) {
            try model.extractFeatures(of: dataset, at: indices, inputSize: inputSize) {
                progress.advance(by: $0 - progress.completed)
            }
        }
        if cached { print("\(name): \(tensor.shape) read from the cache") } else { progress.finish() }
        return tensor
    }
    return (TensorDataset(inputs: try features(fashionTrain, pool, "training"),
                          labels: pool.map { fashionTrain.labels[$0] }),
            TensorDataset(inputs: try features(fashionTrain, validationIndices, "validation"),
                          labels: validationIndices.map { fashionTrain.labels[$0] }),
            TensorDataset(inputs: try features(fashionTest, testIndices, "test"),
                          labels: testIndices.map { fashionTest.labels[$0] }))
}
let extractionSeconds = Date().timeIntervalSince(extractionStart)

let projection = Embeddings.principalComponents(testFeatures.inputs, seed: book.seed)
book.figure(ScatterPlot(title: "Lite0 embeddings of the test pictures (PCA)",
                        xLabel: "PC 1 (\(String(format: "%.0f", projection.explainedVariance[0] * 100))% of variance)",
                        yLabel: "PC 2 (\(String(format: "%.0f", projection.explainedVariance[1] * 100))%)",
                        x: projection.coordinates.map { Double($0[0]) },
                        y: projection.coordinates.map { Double($0[1]) },
                        classes: testFeatures.labels, classNames: FashionMNIST.classNames),
            name: "embeddings-pca", caption: "Classes form clusters although the network never saw clothes.")
let twoComponents = percent(Double(projection.explainedVariance[0] + projection.explainedVariance[1]), decimals: 0)
let testSimilarities = Embeddings.cosineSimilarities(testFeatures.inputs)
let nearestAgrees = Embeddings.neighbors(in: testSimilarities).enumerated().filter { index, order in
    testFeatures.labels[order[0]] == testFeatures.labels[index]
}.count
book.prose("""
    Even squeezed to two of 1280 dimensions (together \(twoComponents) of the variance), the test pictures gather \
    by class. In all 1280 dimensions, a test picture's most similar other test picture has the same class \
    \(percent(Double(nearestAgrees) / Double(testFeatures.count))) of the time (chance: 10%). A linear classifier \
    on these features should do well.
    """)

// MARK: - Transfer against scratch

book.section("A new head against a network trained from scratch")
book.prose("""
    The **transfer** model is a single Dense layer (1280 → 10, softmax in the loss) trained on the frozen \
    features. The **scratch** model is a small CNN — two convolutions with max pooling, then two Dense layers with \
    dropout — trained on the same pictures at their own 28×28 size. Both use Adam at 10⁻³ and early stopping on \
    the validation loss (patience 10, best weights restored).
    """)
let makeScratchCNN = book.cell { () -> (UInt64) -> Sequential in
    let build = { (seed: UInt64) in
        Sequential(Conv2D(inputChannels: 1, outputChannels: 16, kernelSize: 3, padding: .same, seed: seed),
                   Activation(relu), MaxPool2D(size: 2),                 // 14×14×16
                   Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: 3, padding: .same, seed: seed + 1),
                   Activation(relu), MaxPool2D(size: 2), Flatten(),      // 7×7×32
                   Dense(inputSize: 32 * 7 * 7, outputSize: 64, seed: seed + 2), Activation(relu),
                   Dropout(rate: 0.3, seed: seed + 3), Dense(inputSize: 64, outputSize: 10, seed: seed + 4))
    }
    print("scratch CNN:", build(0).parameterCounts)
    print("transfer head:", Dense(inputSize: 1280, outputSize: 10).parameterCounts)
    return build
}

/// One comparison: both models trained on `count` pictures per class.
struct Comparison {
    let count: Int
    let transfer: Evaluation, scratch: Evaluation
    let transferHistory: History, scratchHistory: History
}
let scratchValidation = fashionTrain.nativeTensors(at: validationIndices)
let scratchTest = fashionTest.nativeTensors(at: testIndices)
let comparisons = try book.cell {
    try counts.map { count -> Comparison in
        // Positions inside the pool; the 5-per-class sample is part of the 10-per-class one, and so on.
        let chosen = balancedSample(labels: trainFeatures.labels, perClass: count, seed: book.seed + 3)
        let head = Dense(inputSize: 1280, outputSize: 10, seed: book.seed)
        let headTrainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: book.seed,
                                  callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
        let transferHistory = try headTrainer.fit(trainFeatures.subset(chosen), validation: validationFeatures,
                                                  epochs: 300)
        let cnn = makeScratchCNN(book.seed)
        let cnnTrainer = Trainer(model: cnn, optimizer: Adam(learningRate: 1e-3), batchSize: 16, seed: book.seed,
                                 callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
        let scratchHistory = try cnnTrainer.fit(fashionTrain.nativeTensors(at: chosen.map { pool[$0] }),
                                                validation: scratchValidation, epochs: quick ? 30 : 60)
        let result = Comparison(count: count, transfer: headTrainer.evaluate(testFeatures),
                                scratch: cnnTrainer.evaluate(scratchTest), transferHistory: transferHistory,
                                scratchHistory: scratchHistory)
        print(String(format: "%2d per class: transfer %.1f%% (best epoch %d of %d), "
                         + "scratch %.1f%% (best epoch %d of %d)",
                     count, result.transfer.accuracy * 100, transferHistory.restoredEpoch ?? 0,
                     transferHistory.epochs.count, result.scratch.accuracy * 100, scratchHistory.restoredEpoch ?? 0,
                     scratchHistory.epochs.count))
        return result
    }
}
let main = comparisons.first { $0.count == headline }!
let gain = main.transfer.accuracy - main.scratch.accuracy
book.prose("""
    With \(headline) pictures per class the new head on frozen features reaches \
    **\(String(format: "%.1f", main.transfer.accuracy * 100))%** on the \(testIndices.count) test pictures, the CNN \
    trained from scratch **\(String(format: "%.1f", main.scratch.accuracy * 100))%**: \
    \(String(format: "%.1f", gain * 100)) points for a model with a fraction of the trainable weights, none of which \
    had to learn what an edge is.
    """)

func curves(_ metric: TrainingMetric, _ validation: TrainingMetric) -> [LineSeries] {
    [LineSeries(name: "transfer, train", values: main.transferHistory.values(of: metric), color: .palette(0)),
     LineSeries(name: "transfer, validation", values: main.transferHistory.values(of: validation),
                color: .palette(0), dashed: true),
     LineSeries(name: "scratch, train", values: main.scratchHistory.values(of: metric), color: .palette(1)),
     LineSeries(name: "scratch, validation", values: main.scratchHistory.values(of: validation),
                color: .palette(1), dashed: true)]
}
book.figure(LinePlot(title: "Loss with \(headline) training pictures per class", xLabel: "epoch",
                     yLabel: "cross-entropy loss", series: curves(.loss, .validationLoss)),
            name: "loss-curves", caption: "Training (solid) and validation (dashed) loss of both models.")
book.figure(LinePlot(title: "Accuracy with \(headline) training pictures per class", xLabel: "epoch",
                     yLabel: "accuracy", series: curves(.accuracy, .validationAccuracy), yRange: 0...1,
                     yFormat: .percent(decimals: 0)),
            name: "accuracy-curves", caption: "Training (solid) and validation (dashed) accuracy of both models.")
let scratchBest = main.scratchHistory.restoredEpoch ?? main.scratchHistory.epochs.count
let headBest = main.transferHistory.restoredEpoch ?? main.transferHistory.epochs.count
let headBestLoss = main.transferHistory.epochs[headBest - 1].validationLoss!
let scratchBestLoss = main.scratchHistory.epochs[scratchBest - 1].validationLoss!
let scratchStory = scratchBest < main.scratchHistory.epochs.count
    ? "its validation loss was lowest at epoch \(scratchBest) and rose after it: with \(headline * 10) pictures it "
        + "starts to memorise them"
    : "its validation loss was still falling when the \(main.scratchHistory.epochs.count) epochs ran out"
book.prose("""
    The head starts from features that already separate the classes: its validation loss is lowest after \
    \(headBest) epochs, at \(String(format: "%.2f", headBestLoss)). \
    The CNN has to learn edges and shapes from \(headline * 10) pictures first; \(scratchStory). Its best \
    validation loss, \(String(format: "%.2f", scratchBestLoss)), is \
    \(scratchBestLoss > headBestLoss ? "above" : "below") the head's.
    """)

let confusion = main.transfer.confusionMatrix(classCount: 10)
book.figure(Heatmap(title: "Transfer head, \(headline) pictures per class: test confusion matrix",
                    values: confusion.map { $0.map(Double.init) }, rowLabels: FashionMNIST.classNames,
                    columnLabels: FashionMNIST.classNames, xLabel: "predicted class", yLabel: "true class"),
            name: "confusion-matrix", caption: "Rows: true class; columns: prediction; cells count test pictures.")
let weakest = (0..<10).min { confusion[$0][$0] < confusion[$1][$1] }!
let mistakes = (0..<10).filter { $0 != weakest }.sorted { confusion[weakest][$0] > confusion[weakest][$1] }
let wearables: Set = [0, 1, 2, 3, 4, 6]   // clothes; the rest are shoes and bags
let crossing = (0..<10).reduce(0) { total, truth in
    total + (0..<10).filter { wearables.contains($0) != wearables.contains(truth) }.reduce(0) {
        $0 + confusion[truth][$1]
    }
}
let errors = confusion.joined().reduce(0, +) - (0..<10).reduce(0) { $0 + confusion[$1][$1] }
book.prose("""
    The diagonal holds the correct answers. The weakest class is **\(FashionMNIST.classNames[weakest])**: right \
    \(confusion[weakest][weakest]) times out of \(confusion[weakest].reduce(0, +)), most often taken for \
    \(FashionMNIST.classNames[mistakes[0]]) (\(confusion[weakest][mistakes[0]])) and \
    \(FashionMNIST.classNames[mistakes[1]]) (\(confusion[weakest][mistakes[1]])). Only \(crossing) of the \
    \(errors) mistakes confuse clothes with shoes or bags: the errors are the ones a person would make.
    """)

// MARK: - How much data

book.section("When does transfer pay off?")
book.figure(LinePlot(title: "Test accuracy against training pictures per class", xLabel: "pictures per class",
                     yLabel: "test accuracy",
                     series: [LineSeries(name: "frozen Lite0 + new head", x: counts.map(Double.init),
                                         y: comparisons.map(\.transfer.accuracy), markers: true),
                              LineSeries(name: "small CNN from scratch", x: counts.map(Double.init),
                                         y: comparisons.map(\.scratch.accuracy), markers: true)],
                     xScale: .logarithmic, yRange: 0...1, yFormat: .percent(decimals: 0)),
            name: "accuracy-vs-data", caption: "Transfer's advantage is largest when pictures are fewest.")
book.table(headers: ["per class", "transfer", "scratch", "difference"],
           rows: comparisons.map { c in
               [String(c.count), String(format: "%.1f%%", c.transfer.accuracy * 100),
                String(format: "%.1f%%", c.scratch.accuracy * 100),
                String(format: "%+.1f", (c.transfer.accuracy - c.scratch.accuracy) * 100)]
           }, caption: "Test accuracy on \(testIndices.count) Fashion-MNIST test pictures")
let first = comparisons.first!, last = comparisons.last!
func points(_ comparison: Comparison) -> String {
    String(format: "%.1f", (comparison.transfer.accuracy - comparison.scratch.accuracy) * 100)
}
book.prose("""
    The gap is \(points(first)) points with \(first.count) pictures per class and \(points(last)) with \
    \(last.count). This is the honest shape of the classic "scratch 50%, transfer 80%" result: \
    pretrained features matter most when labelled data is scarce, and a model trained from scratch catches up as \
    data grows — especially on small grey pictures so unlike ImageNet's photos. Lesson 3 lets the top of the \
    network adapt (fine-tuning) to win more.
    """)

book.metric("input_size", inputSize)
book.metric("images_per_class", counts.map(Double.init))
book.metric("transfer_accuracy_by_count", comparisons.map(\.transfer.accuracy))
book.metric("scratch_accuracy_by_count", comparisons.map(\.scratch.accuracy))
book.metric("headline_images_per_class", headline)
book.metric("transfer_test_accuracy", main.transfer.accuracy)
book.metric("scratch_test_accuracy", main.scratch.accuracy)
book.metric("test_images", testIndices.count)
book.metric("feature_extraction_seconds", extractionSeconds)
book.metric("most_similar_photos", "\(stem(photoNames[closest.0]))+\(stem(photoNames[closest.1]))")
book.metric("test_nearest_neighbour_agreement", Double(nearestAgrees) / Double(testFeatures.count))

book.summary([
    "A frozen pretrained network is a feature extractor: early layers keep resolution and detect edges, late "
        + "layers trade resolution for channels that detect parts and objects.",
    "Global-average-pooled activations of the last layer (1280 numbers for Lite0) are an embedding; cosine "
        + "similarity compares embeddings and PCA shows their structure.",
    "A linear head on frozen features needs few examples and little compute; features are computed once and cached.",
    "Transfer beats training from scratch most clearly when data is scarce; the gap narrows as data grows.",
])
book.exercises([
    "Use the embedding of block 10 (pooled) instead of the head's: does the few-shot accuracy go up or down?",
    "Replace the linear head by Dense(1280→64) + ReLU + Dropout + Dense(64→10). Does it help with 5 pictures "
        + "per class?",
    "Find, in the test set, the pictures whose nearest training embedding has a different label; show them.",
])
book.gradedExercises()
book.finish()
