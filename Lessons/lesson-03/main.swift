// Lesson 3 — Fine-tuning: head, last blocks, whole network, with controls; regularization; optimizers and schedules.
import TransferLab
import Foundation

let (book, options) = Notebook.start(lesson: 3, title: "Fine-tuning", options: DatasetOptions.self)
let quick = book.isQuick

book.prose("""
    Fine-tuning starts where lesson 2 stopped, with a new head on the frozen base; then part of the base is \
    unfrozen and trained with it (a fresh head would send large random gradients down into the pretrained blocks). \
    The original course uses one tiny rate, 10⁻⁵; practitioners (fast.ai, ULMFiT) give the head a faster rate than \
    the body, let it decay along a cosine and keep BatchNorm on its ImageNet statistics. We measure both.
    """)

// MARK: - Data
book.section("Data: 200 pictures per class, and 1000 to test on")
let perClass = quick ? 20 : 200, testPerClass = quick ? 20 : 100
let (training, validation, test) = book.cell {    // --dataset: Fashion-MNIST's two files unless told otherwise
    let (fashion, official) = try options.dataset.load(trainingPerClass: perClass, testPerClass: testPerClass,
                                                       side: 64, seed: book.seed)
    let pool = balancedSample(labels: fashion.labels, perClass: perClass, seed: book.seed + 11)
    let split = DataSplit(labels: pool.map { fashion.labels[$0] }, fractions: (training: 0.70, validation: 0.15),
                          seed: book.seed)
    let testPool = balancedSample(labels: official.labels, perClass: testPerClass, seed: book.seed + 12)
    print("\(pool.count) pictures split per class → training \(split.training.count), validation "
          + "\(split.validation.count), test \(split.test.count); official test pictures \(testPool.count)")
    return (fashion.subset(split.training.map { pool[$0] }), fashion.subset(split.validation.map { pool[$0] }),
            official.subset(testPool))
}
book.prose("""
    The split is stratified and seeded: 70% of every class trains, 15% steers training (early stopping, choosing \
    the recipe); its own 15% test share gives way to \(test.count) pictures of the official test file, so one \
    picture is \((1 / Double(test.count)).formatted(.percent(1))) of accuracy; every accuracy has its 95% interval.
    """)

// MARK: - Phase 1
book.section("Phase 1: a new head on the frozen base, at 64 pixels")
let inputSize = 64
let classCount = training.classNames.count
book.prose("""
    \(options.dataset.displayName) pictures are \(training.base.width)×\(training.base.height): at 224 px they hold \
    no more detail than at 64 px, but each step costs \((224.0 * 224 / (64 * 64)).formatted(.fixed(0)))× as much. \
    Blocks 0–12 stay frozen until the whole network is fine-tuned, BatchNorm on its running statistics: a fixed \
    function, so its output is computed once per picture and cached.
    """)
let model = try EfficientNetLite0.pretrained()
model.replaceClassifier(classCount: classCount, seed: book.seed)
model.freezeBase()
let cut = 13, tail = model.tail(from: cut)
// listing: frozen-features
/// The frozen network's output entering block `cut` for the training, validation and test pictures at `size` px:
/// computed once, then read from Output/cache on every later run.
func frozenActivations(of network: EfficientNetLite0, cut: Int, size: Int = inputSize) throws -> [TensorDataset] {
    try network.cachedActivations(of: [(training, "training"), (validation, "validation"), (test, "test")],
                                  before: cut, inputSize: size)
}

/// A head trained on pooled features with early stopping on the validation loss (lesson 2's recipe).
func trainHead(_ head: any Layer, on features: [TensorDataset], callbacks: [any TrainingCallback] = []) throws
    -> (History, Evaluation) {
    let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), seed: book.seed,
                          callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)] + callbacks)
    let history = try trainer.fit(features[0], validation: features[1], epochs: quick ? 40 : 150)
    return (history, trainer.evaluate(features[2]))
}
// end listing
book.listing("frozen-features")
let cached = book.cell { try frozenActivations(of: model, cut: cut) }
let pooled = cached.map(tail.features(of:))    // blocks 13–15, head and pooling, in inference mode: [N, 1280]
let (frozenTest, frozenValidationLoss) = book.cell {
    let folder = book.directory.path    // a CSV line per epoch, and the best weights so far
    let logs: [any TrainingCallback] = [CSVLogger(path: folder + "/head-log.csv"),
                                        ModelCheckpoint.safetensors(path: folder + "/best-head.safetensors")]
    let (history, test) = try trainHead(Sequential(model.dropout, model.classifier), on: pooled, callbacks: logs)
    print("kept epoch \(history.restoredEpoch ?? 0) of \(history.epochs.count),",
          "test \(test.accuracy.formatted(.percent(1)))")
    return (test, history.values(of: .validationLoss).min() ?? .nan)
}
let headWeights = model.classifier.parameterCount
book.prose("""
    The frozen base and a new head of \(headWeights.formatted()) weights reach \
    **\(frozenTest.accuracy.formatted(.percent(1)))** (95% interval \(frozenTest.accuracyIntervalText)): the number \
    to beat. Was 64 px enough? The same at 112 px:
    """)
let largerInput = book.cell {
    let features = try frozenActivations(of: model, cut: cut, size: 112).map(tail.features(of:))
    let head = Sequential(Dropout(rate: 0.2, seed: book.seed),
                          Dense(inputSize: 1280, outputSize: classCount, seed: book.seed))
    return try trainHead(head, on: features).1
}
let sizeChanges = frozenTest.changes(to: largerInput)
book.prose("At 112 px the head reaches \(largerInput.accuracy.formatted(.percent(1))) (\(sizeChanges.fixed) gained, "
           + "\(sizeChanges.broken) lost) for three times the cost of every step; we spend that time on recipes.")

// MARK: - Phase 2
book.section("Phase 2: the last three blocks, two ways")
// listing: fine-tune
let afterPhaseOne = model.stateDictionary    // the phase-1 weights every run starts from
let steps = { (epochs: Int) in epochs * ((training.count + 31) / 32) }    // optimizer updates in `epochs` epochs
struct FineTuningRun {    // one fine-tuning run and its result on the test pictures
    let name: String, trainable: Int, history: History, test: Evaluation
    var validationLoss: Double { history.values(of: .validationLoss).min() ?? .nan }
}

/// Trains what is trainable in `network` from the phase-1 weights with Adam: the classifier at `rate`, every
/// pretrained group at `body` times it, the rate decaying along a cosine to zero when `cosine`. The weights of the
/// epoch with the lowest validation loss are kept: the validation pictures choose, the test pictures only judge.
func fineTune(_ network: any Layer, _ name: String, data: [TensorDataset], rate: Float, body: Float = 1,
              cosine: Bool = true, epochs: Int) throws -> FineTuningRun {
    try model.load(afterPhaseOne)
    let optimizer = Adam(learningRate: rate)
    if cosine { optimizer.schedule = CosineDecay(initialRate: rate, decaySteps: steps(epochs)) }
    model.setDiscriminativeRates(on: optimizer, body: body, stem: body)      // one factor for every pretrained group
    let trainer = Trainer(model: network, optimizer: optimizer, batchSize: 32, seed: book.seed,
                          callbacks: [EarlyStopping(patience: epochs, restoresBestWeights: true)])
    let history = try trainer.fit(data[0], validation: data[1], epochs: epochs, progressLabel: name)
    return FineTuningRun(name: name, trainable: network.trainableParameterCount, history: history,
                         test: trainer.evaluate(data[2]))
}
// end listing
book.listing("fine-tune")
let tailEpochs = quick ? 2 : 6
let (courseRun, tailRun) = book.cell {
    model.freezeBase(unfreezingLast: 3)           // BatchNorm stays frozen: inference mode
    let course = try fineTune(tail, "last 3 blocks, Adam 1e-5", data: cached, rate: 1e-5, cosine: false,
                              epochs: tailEpochs)
    let faster = try fineTune(tail, "last 3 blocks, 1e-4 (head 1e-3)", data: cached, rate: 1e-3, body: 0.1,
                              epochs: tailEpochs)
    for run in [course, faster] { print("\(run.name): test \(run.test.accuracy.formatted(.percent(1)))") }
    return (course, faster)
}
book.prose("""
    At Adam 10⁻⁵ the \(courseRun.trainable.formatted()) unfrozen weights barely move in \(tailEpochs) epochs: test \
    accuracy \(courseRun.test.accuracy.formatted(.percent(1))) against \(frozenTest.accuracy.formatted(.percent(1))) \
    frozen (validation loss \(courseRun.validationLoss.formatted(.fixed(3)))): Adam moves each weight by about the \
    rate per step, a few hundred steps of 10⁻⁵ add up to less than most weights' size. Head 10⁻³, blocks 10⁻⁴, \
    cosine: \(tailRun.test.accuracy.formatted(.percent(1))) (validation \(tailRun.validationLoss.formatted(.fixed(3)))).
    """)
book.section("The whole network")
let wholeEpochs = quick ? 1 : 3
let pixels = book.cell { try [training, validation, test].map { try $0.tensors(size: inputSize) } }  // [N, 64, 64, 3]
let statisticsBefore = model.batchNormLayers.map { $0.runningMean.value }
let (wholeRun, augmentedRun) = book.cell {
    model.unfreezeAll()                             // every block, the stem and the head; BatchNorm stays frozen
    // One rate, 1e-4, for head and body alike: it had the lowest validation loss of the whole-network recipes tried.
    let recipe = { (network: any Layer, name: String) in
        try fineTune(network, name, data: pixels, rate: 1e-4, epochs: wholeEpochs)
    }
    let whole = try recipe(model, "whole network, 1e-4")
    // Lesson 4's clothes pipeline at 64 px: shifts of up to 4 px and turns of up to 8°, no mirror.
    let clothes = Pipeline([RandomCrop(width: inputSize, height: inputSize, padding: inputSize / 16),
                            RandomRotation(degrees: 8, fill: .constant(0))])
    let augmented = AugmentingLayer(model, augmentation: clothes, seed: book.seed)
    let withAugmentation = try recipe(augmented, "whole network + shift, turn")
    for run in [whole, withAugmentation] { print("\(run.name): test \(run.test.accuracy.formatted(.percent(1)))") }
    return (whole, withAugmentation)
}
let statisticsKept = zip(statisticsBefore, model.batchNormLayers.map { $0.runningMean.value }).allSatisfy { $0 == $1 }
let wholeChanges = frozenTest.changes(to: wholeRun.test)
book.prose("""
    Now all \(wholeRun.trainable.formatted()) weights train, the stem's edge detectors included: test accuracy \
    **\(wholeRun.test.accuracy.formatted(.percent(1)))** after \(wholeEpochs) epochs, \(wholeChanges.fixed) pictures \
    gained and \(wholeChanges.broken) lost against the frozen head. With lesson 4's shifts and turns: \
    \(augmentedRun.test.accuracy.formatted(.percent(1))) (validation loss \
    \(augmentedRun.validationLoss.formatted(.fixed(3))) against \(wholeRun.validationLoss.formatted(.fixed(3)))), \
    \(augmentedRun.test.accuracy > wholeRun.test.accuracy ? "a gain" : "no gain on the test pictures"). BatchNorm's \
    running statistics are \(statisticsKept ? "exactly as they were" : "changed"): frozen, it keeps the ImageNet \
    statistics the next layers expect, where a few dozen of these pictures per batch would pull them away.
    """)

// MARK: - What pretraining buys
book.section("What the pretraining buys")
book.prose("Two controls with random weights: the same head on a random frozen Lite0, and the whole network trained "
           + "from there for \(wholeEpochs) epochs too (BatchNorm statistics from one pass, PyTorch's `update_bn`).")
let (randomFrozenTest, randomRun) = book.cell {
    let random = EfficientNetLite0(classCount: classCount, seed: book.seed + 3)
    random.unfreezeAll(batchNormTrainable: true)
    recomputeBatchNormStatistics(of: random, on: pixels[0])   // mean 0, variance 1 would be wrong for random weights
    random.freezeBase()
    let features = try frozenActivations(of: random, cut: 16).map(random.tail(from: 16).features(of:))
    let (_, frozen) = try trainHead(Sequential(random.dropout, random.classifier), on: features)
    random.unfreezeAll(batchNormTrainable: true)
    let optimizer = Adam(schedule: CosineDecay(initialRate: 1e-3, decaySteps: steps(wholeEpochs)))
    let trainer = Trainer(model: random, optimizer: optimizer, batchSize: 32, seed: book.seed)
    let history = try trainer.fit(pixels[0], validation: pixels[1], epochs: wholeEpochs)
    recomputeBatchNormStatistics(of: random, on: pixels[0])   // the running averages lag far behind the weights
    let run = FineTuningRun(name: "random init, whole network", trainable: random.trainableParameterCount,
                            history: history, test: trainer.evaluate(pixels[2]))
    print("random frozen + head:", frozen.accuracy.formatted(.percent(1)),
          "· trained:", run.test.accuracy.formatted(.percent(1)))
    return (frozen, run)
}
let pretrainedRuns = [courseRun, tailRun, wholeRun, augmentedRun]
let best = pretrainedRuns.min { $0.validationLoss < $1.validationLoss }!
let rows: [(String, Int, Evaluation)] = [("frozen pretrained + head", headWeights, frozenTest)]
    + pretrainedRuns.map { ($0.name, $0.trainable, $0.test) }
    + [("random frozen + head", headWeights, randomFrozenTest), (randomRun.name, randomRun.trainable, randomRun.test)]
book.cell {
    book.figure(BarChart(title: "Test accuracy on \(test.count) pictures", labels: rows.map(\.0),
                         values: rows.map(\.2.accuracy), valueFormat: .percent(decimals: 1), xRange: 0...1,
                         highlighted: [rows.count - 2, rows.count - 1]),
                name: "recipes", caption: "Every recipe on the same test pictures; the last two start from random "
                    + "weights.")
    book.recipeTable(rows, against: frozenTest, caption: "\(training.count) training pictures, \(inputSize) px")
}
let (gain, bestChanges) = (best.test.accuracy - frozenTest.accuracy, frozenTest.changes(to: best.test))
let verdict = mcNemarStatistic(bestChanges) > 3.84 ? "says the gain is real" : "cannot tell the two apart"
let belowFrozen = pretrainedRuns.filter { $0.test.accuracy <= frozenTest.accuracy }.map(\.name)
let unhelpful = belowFrozen.isEmpty ? "Every recipe beat the frozen head."
    : "Not every row helped: \(belowFrozen.joined(separator: ", ")) ended at or below the frozen head."
book.prose("""
    The recipe with the lowest validation loss — the fair way to pick one: the test pictures must not choose — is \
    **\(best.name)**: \(best.test.accuracy.formatted(.percent(1))), \((abs(gain) * 100).formatted(.fixed(1))) \
    points \(gain >= 0 ? "above" : "below") the frozen base, \(bestChanges.fixed) test pictures gained and \
    \(bestChanges.broken) lost; McNemar's test on those counts \(verdict) (95%). \(unhelpful) The whole-network \
    recipe was chosen beforehand by the validation pictures alone, among others that lost on validation loss: a \
    warm-up epoch, rates falling from 10⁻³ (head) to 10⁻⁵ (stem), label smoothing, more epochs. \
    What ImageNet contributed: random frozen features give the head \
    \(randomFrozenTest.accuracy.formatted(.percent(1))), the whole network trained from random weights for the same \
    \(wholeEpochs) epochs \(randomRun.test.accuracy.formatted(.percent(1))).
    """)
book.figure(LinePlot(title: "Validation loss while fine-tuning", xLabel: "epoch", yLabel: "validation loss",
                     series: pretrainedRuns.map {
                         LineSeries(name: $0.name, values: $0.history.values(of: .validationLoss), markers: true)
                     }
                         + [LineSeries(name: "frozen + head (phase 1, best epoch)", x: [1, Double(tailEpochs)],
                                       y: [frozenValidationLoss, frozenValidationLoss], color: .black, dashed: true)]),
            name: "fine-tuning-curves", caption: "Every run from the phase-1 weights; dashed: the frozen head's best.")
book.figure(LinePlot(title: "The whole network from pretrained or random weights", xLabel: "epoch",
                     yLabel: "validation loss (log scale)", series: [wholeRun, randomRun].map {
                         LineSeries(name: $0.name, values: $0.history.values(of: .validationLoss), markers: true)
                     }, yScale: .logarithmic),
            name: "pretraining-curves", caption: "Same epochs: ImageNet weights at 1e-4, random weights at 1e-3.")

// MARK: - Regularization
book.section("Regularization: L1, L2, Dropout, early stopping")
book.prose("""
    A bigger head, Dense(1280 → 256) → ReLU → Dense(256 → \(classCount)), overfits \(training.count) pictures \
    easily. We train it five ways on the frozen features: plainly, with an L1 penalty λΣ|w|, an L2 penalty λΣw², \
    Dropout(0.5), and early stopping (patience 5, min_delta 0.001, best weights restored; the course's settings).
    """)
let regularizationRuns = book.cell {
    let variants: [(name: String, penalty: Regularization?, dropout: Float, stopping: Bool)] = [
        ("no regularization", nil, 0, false), ("L1 1e-4", .l1(1e-4), 0, false), ("L2 1e-3", .l2(1e-3), 0, false),
        ("Dropout 0.5", nil, 0.5, false), ("early stopping", nil, 0, true)]
    let runs = try variants.map { variant -> (String, History, Evaluation) in
        let head = Sequential(Dense(inputSize: 1280, outputSize: 256, seed: book.seed), Activation(relu),
                              Dropout(rate: variant.dropout, seed: book.seed),
                              Dense(inputSize: 256, outputSize: classCount, seed: book.seed + 1))
        let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: book.seed,
                              callbacks: variant.stopping ? [EarlyStopping(minimumDelta: 0.001, patience: 5,
                                                                           restoresBestWeights: true)] : [])
        trainer.regularization = variant.penalty
        let history = try trainer.fit(pooled[0], validation: pooled[1], epochs: quick ? 15 : 30)
        return (variant.name, history, trainer.evaluate(pooled[2]))
    }
    book.figure(LinePlot(title: "Validation loss of a 1280-256-\(classCount) head", xLabel: "epoch",
                         yLabel: "validation loss",
                         series: runs.map { LineSeries(name: $0.0, values: $0.1.values(of: .validationLoss)) }),
                name: "regularization", caption: "The same head trained five ways on the frozen features.")
    return runs
}
let plain = regularizationRuns[0].1, stopped = regularizationRuns[4].1
book.prose("""
    Without regularization the validation loss is lowest at epoch \(plain.bestEpoch(by: .validationLoss) ?? 0), \
    then climbs to \(plain.last!.validationLoss!.formatted(.fixed(3))) while the training loss falls to \
    \(plain.last!.loss.formatted(.fixed(3))): the head memorizes. Penalties make large weights expensive, dropout \
    makes single units unreliable, early stopping keeps epoch \(stopped.restoredEpoch ?? 0) and stops after \
    \(stopped.epochs.count). Test accuracy: \
    \(regularizationRuns.map { "\($0.0) \($0.2.accuracy.formatted(.percent(1)))" }.joined(separator: ", ")).
    """)

// MARK: - Optimizers and schedules
book.section("Optimizers and learning-rate schedules")
book.prose("""
    The linear head of phase 1 with seven optimizers: SGD, with momentum, with Nesterov momentum, Adam, AdamW \
    (decoupled weight decay), Lion (steps of ±η per coordinate, so a ten times smaller rate), and Adam with a \
    one-epoch warm-up and a cosine decay — the four common schedules drawn beside.
    """)
let optimizerEpochs = quick ? 10 : 30, totalSteps = steps(optimizerEpochs)
let optimizerRuns = book.cell {
    let warmupCosine = CosineDecay(initialRate: 3e-3, decaySteps: totalSteps - steps(1), alpha: 0.01)
        .withWarmup(steps: steps(1))
    let optimizers: [(String, () -> Optimizer)] = [
        ("SGD 0.01", { SGD(learningRate: 0.01) }), ("momentum 0.9", { SGD(learningRate: 0.01, momentum: 0.9) }),
        ("Nesterov 0.9", { SGD(learningRate: 0.01, momentum: 0.9, nesterov: true) }),
        ("Adam 1e-3", { Adam(learningRate: 1e-3) }), ("AdamW 1e-3", { AdamW(learningRate: 1e-3, weightDecay: 0.01) }),
        ("Lion 1e-4", { Lion(learningRate: 1e-4) }), ("Adam, warm-up + cosine", { Adam(schedule: warmupCosine) })]
    let runs = try optimizers.map { name, make -> (String, History) in
        let trainer = Trainer(model: Dense(inputSize: 1280, outputSize: classCount, seed: book.seed + 5),
                              optimizer: make(), batchSize: 32, seed: book.seed)
        return (name, try trainer.fit(pooled[0], validation: pooled[1], epochs: optimizerEpochs))
    }
    book.figure(LinePlot(title: "Training loss of the linear head", xLabel: "epoch", yLabel: "training loss",
                         series: runs.map { LineSeries(name: $0.0, values: $0.1.values(of: .loss),
                                                       dashed: $0.0.hasPrefix("AdamW")) }, yScale: .logarithmic),
                name: "optimizers-loss", caption: "How fast each optimizer fits the training pictures (log scale).")
    let schedules: [(String, any NN.LearningRateSchedule)] = [
        ("step ×0.5 every 10 epochs", StepDecay(initialRate: 3e-3, stepSize: steps(10), factor: 0.5)),
        ("exponential 0.96 per epoch", ExponentialDecay(initialRate: 3e-3, decaySteps: steps(1), decayRate: 0.96)),
        ("cosine to 1%", CosineDecay(initialRate: 3e-3, decaySteps: totalSteps, alpha: 0.01)),
        ("1-epoch warm-up + cosine", warmupCosine)]
    book.figure(LinePlot(title: "Learning-rate schedules", xLabel: "step", yLabel: "learning rate",
                         series: schedules.map { LineSeries(name: $0.0, x: (0..<totalSteps).map(Double.init),
                                                            y: $0.1.rates(steps: totalSteps).map(Double.init)) }),
                name: "schedules", caption: "Step, exponential and cosine decay, and warm-up followed by cosine.")
    return runs
}
let byLoss = optimizerRuns.sorted { $0.1.last!.loss < $1.1.last!.loss }
let bestValidation = optimizerRuns.max { $0.1.last!.validationAccuracy! < $1.1.last!.validationAccuracy! }!
book.prose("""
    After \(optimizerEpochs) epochs the lowest training loss is \(byLoss[0].0)'s \
    (\(byLoss[0].1.last!.loss.formatted(.fixed(3)))), the highest \(byLoss.last!.0)'s \
    (\(byLoss.last!.1.last!.loss.formatted(.fixed(3)))): momentum builds up speed along flat directions, adaptive \
    methods scale each weight's step by its own history. The best final validation accuracy is \(bestValidation.0)'s \
    (\(bestValidation.1.last!.validationAccuracy!.formatted(.percent(1)))): fitting fastest is not the goal.
    """)

// MARK: - Summary
for (key, value) in [("input_size", inputSize), ("test_images", test.count),
                     ("finetune_epochs", wholeEpochs)] { book.metric(key, value) }
for (key, value) in [("frozen_test_accuracy", frozenTest), ("frozen_test_accuracy_112px", largerInput),
                     ("finetuned_test_accuracy", best.test), ("random_init_frozen_test_accuracy", randomFrozenTest),
                     ("random_init_trained_test_accuracy", randomRun.test)] { book.metric(key, value.accuracy) }
for (key, run) in zip(["course_recipe", "last3_head_faster", "whole_network", "whole_network_augmented"],
                      pretrainedRuns) {
    book.metric("\(key)_test_accuracy", run.test.accuracy)
    book.metric("\(key)_validation_loss", run.validationLoss)
}
let interval = best.test.accuracyInterval
for (key, values) in [("split_sizes", [training.count, validation.count].map(Double.init)),
                      ("finetuned_test_interval", [interval.lowerBound, interval.upperBound]),
                      ("regularization_test_accuracy", regularizationRuns.map(\.2.accuracy)),
                      ("optimizer_final_loss", optimizerRuns.map { $0.1.last!.loss })] { book.metric(key, values) }
book.metric("finetuned_recipe", best.name)
book.metric("dataset", "\(options.dataset)")
book.metric("batchnorm_statistics_kept", statisticsKept)
book.summary([
    "Fine-tune in two phases: a new head on the frozen base, then the last blocks or all of them, the head faster "
        + "than the body, the rate decaying; 10⁻⁵ leaves the network where it was. Keep BatchNorm frozen.",
    "Judge recipes on a test set large enough for its noise (a 95% interval, paired counts) and pick on validation.",
    "Penalties, dropout and early stopping fight memorization; optimizers and schedules set how fast it happens.",
])
book.exercises([
    "Fine-tune the whole network at one rate, 10⁻³, for head and body alike. What happens to the stem?",
    "Slow the early blocks down: setDiscriminativeRates(on:body: 0.1, stem: 0.01). Validation loss, accuracy?",
    "Gradual unfreezing (ULMFiT): the last block, then three, then all. Does it beat unfreezing all at once?",
])
book.gradedExercises()
book.finish()
