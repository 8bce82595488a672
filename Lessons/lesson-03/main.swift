// Lesson 3 — Fine-tuning.
// Feature extraction (lesson 2) keeps the pretrained network fixed. Fine-tuning lets its last blocks move a little
// towards the new task, after a new head has been trained — and that brings in everything that keeps training
// under control: small learning rates, frozen BatchNorm, regularisation, early stopping, callbacks, optimizers
// and schedules.
import TransferLab
import Foundation

let book = Notebook(lesson: 3, title: "Fine-tuning")
let quick = book.isQuick

/// 1964938 → "1,964,938".
func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    return String(digits.enumerated().flatMap { index, digit in
        index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
    })
}

/// 0.532 → "53.2%".
func percent(_ fraction: Double, decimals: Int = 1) -> String { String(format: "%.\(decimals)f%%", fraction * 100) }

book.prose("""
    Fine-tuning happens in two phases. First the pretrained base is frozen and only a new head is trained, exactly \
    as in lesson 2. Then the last few blocks are unfrozen and trained together with the head at a learning rate so \
    small that the pretrained features are adjusted, not overwritten. The order matters: a freshly initialised \
    head sends large, random gradients into the blocks below it, and those would destroy what they learned on \
    ImageNet before the head had learned anything useful.
    """)

// MARK: - Data

book.section("Data: a stratified 70/15/15 split")
let inputSize = quick ? 112 : 160
let perClass = quick ? 20 : 200
let (fashion, labels, split) = try book.cell {
    let fashion = try FashionMNIST.load(.training)
    let pool = balancedSample(labels: fashion.labels, perClass: perClass, seed: book.seed + 11)
    let labels = pool.map { fashion.labels[$0] }
    let split = DataSplit(labels: labels, fractions: (training: 0.70, validation: 0.15), seed: book.seed)
    print("\(pool.count) pictures → training \(split.training.count), validation \(split.validation.count), "
          + "test \(split.test.count)")
    return (fashion.subset(pool), labels, split)
}
// For comparison: the test part of an unstratified split (shuffle everything, keep the last 15%).
var shuffler = SeededGenerator(seed: book.seed)
let randomTestCounts = labels.indices.shuffled(using: &shuffler).suffix(split.test.count)
    .reduce(into: [Int](repeating: 0, count: 10)) { $0[labels[$1]] += 1 }
book.prose("""
    We take \(perClass) Fashion-MNIST pictures per class and split them **per class** into 70% training, 15% \
    validation and 15% test, with a fixed seed: every class has exactly \(split.test.count / 10) test pictures. \
    A plain random split of the same \(labels.count) pictures gives each class between \
    \(randomTestCounts.min()!) and \(randomTestCounts.max()!). The validation set \
    steers training (early stopping, learning-rate reductions, checkpoints); the test set is looked at once per \
    model, at the end.
    """)

// MARK: - The frozen part, computed once

book.section("Where to cut, and computing the frozen part once")
let blocksToTune = 3
let firstTrainable = 16 - blocksToTune
let model = try book.cell {
    let model = try EfficientNetLite0.pretrained()
    model.replaceClassifier(classCount: 10, seed: book.seed)
    model.freezeBase()
    print("phase 1, only the new head trains:", model.parameterCounts)
    return model
}
book.prose("""
    Phase 2 will fine-tune the last \(blocksToTune) blocks and the 1×1 head convolution after them. Everything \
    before block \(firstTrainable) stays frozen — and a frozen part with BatchNorm in inference mode is a fixed \
    function. So instead of running it on every picture in every epoch, we run it once, cache its output (the \
    activations entering block \(firstTrainable)), and train only the tail on those. The result is the same as \
    training the whole network with the first \(firstTrainable) blocks frozen, at a fraction of the cost.
    """)
let activations = try book.cell {
    let key = FeatureCache.Key(dataset: "fashion-mnist-train", model: model.name, inputSize: inputSize,
                               indices: fashion.indices, variant: "before-block\(firstTrainable)")
    let progress = Progress(total: fashion.count, label: "frozen blocks 0–\(firstTrainable - 1)")
    let (tensor, cached) = try FeatureCache.standard.tensor(for: key) {
        try model.extractActivations(of: fashion, before: firstTrainable, inputSize: inputSize) {
            progress.advance(by: $0 - progress.completed)
        }
    }
    if cached { print("read from the cache:", tensor.shape) } else { progress.finish() }
    return TensorDataset(inputs: tensor, labels: labels)
}
let tail = model.tail(from: firstTrainable)
let (train, validation, test) = (activations.subset(split.training), activations.subset(split.validation),
                                 activations.subset(split.test))

// MARK: - Phase 1

book.section("Phase 1: a new head on the frozen base")
let outputFolder = book.directory.path
let features = book.cell {
    // The frozen tail, run once more in inference mode, turns the cached activations into pooled features.
    withoutGradients { TensorDataset(inputs: tail.features(activations.inputs), labels: labels) }
}
let (featureTrain, featureValidation, featureTest) = (features.subset(split.training),
                                                      features.subset(split.validation), features.subset(split.test))
let (headHistory, frozenTest) = try book.cell {
    let head = Sequential(model.dropout, model.classifier)   // the layers after pooling, as in the network
    let checkpoint = ModelCheckpoint.safetensors(path: outputFolder + "/best-head.safetensors")
    let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: book.seed,
                          callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true), checkpoint,
                                      CSVLogger(path: outputFolder + "/head-log.csv")])
    let history = try trainer.fit(featureTrain, validation: featureValidation, epochs: quick ? 40 : 150)
    print("trained \(history.epochs.count) epochs, kept epoch \(history.restoredEpoch ?? 0); checkpoint "
          + "written \(checkpoint.savedEpochs.count) times, last after epoch \(checkpoint.savedEpochs.last ?? 0)")
    return (history, trainer.evaluate(featureTest))
}
let headStopped = headHistory.stoppedEpoch.map { "stopped training after epoch \($0)" }
    ?? "let all \(headHistory.epochs.count) epochs run (the loss kept improving now and then)"
book.prose("""
    `EarlyStopping` watched the validation loss and \(headStopped), putting back the weights of epoch \
    \(headHistory.restoredEpoch ?? 0); `ModelCheckpoint` wrote those same weights to \
    `best-head.safetensors` each time the validation loss improved, and `CSVLogger` wrote one line per epoch to \
    `head-log.csv`. With the base frozen, the head reaches **\(percent(frozenTest.accuracy))** on the \
    \(test.count) test pictures.
    """)

// MARK: - Phase 2

book.section("Phase 2: unfreeze the last blocks, with a small learning rate")
let startOfFineTuning = tail.stateDictionary
let fineTuningEpochs = quick ? 2 : 6
let validationBefore = Trainer.evaluate(tail, on: validation).loss
let statisticsBefore = model.stateDictionary["_blocks.15._bn2.running_mean"]!
let (fineHistory, finetunedTest) = try book.cell {
    model.freezeBase(unfreezingLast: blocksToTune)    // BatchNorm layers stay frozen: inference mode
    print("phase 2:", model.parameterCounts)
    let plateau = ReduceLROnPlateau(factor: 0.5, patience: 1, minimumLearningRate: 1e-7)
    let trainer = Trainer(model: tail, optimizer: Adam(learningRate: 1e-5), batchSize: 32, seed: book.seed,
                          callbacks: [EarlyStopping(patience: 2, restoresBestWeights: true), plateau,
                                      ModelCheckpoint.safetensors(path: outputFolder + "/best-tail.safetensors"),
                                      CSVLogger(path: outputFolder + "/fine-tuning-log.csv")])
    let progress = Progress(total: fineTuningEpochs, label: "fine-tuning")
    trainer.onEpochEnd = { log in
        progress.advance(status: String(format: "val_loss %.3f, val_accuracy %.3f", log.validationLoss!,
                                        log.validationAccuracy!))
    }
    let history = try trainer.fit(train, validation: validation, epochs: fineTuningEpochs)
    progress.finish()
    print("learning-rate reductions:", plateau.reductions.map { "epoch \($0.epoch) → \($0.learningRate)" })
    return (history, trainer.evaluate(test))
}
let fineTuned = tail.stateDictionary
let statisticsKept = model.stateDictionary["_blocks.15._bn2.running_mean"]! == statisticsBefore
try book.cell {
    let log = try String(contentsOfFile: outputFolder + "/fine-tuning-log.csv", encoding: .utf8)
    print(log.split(separator: "\n").prefix(4).joined(separator: "\n"))
}
let change = finetunedTest.accuracy - frozenTest.accuracy
let keptEpoch = fineHistory.restoredEpoch ?? fineHistory.epochs.count
let validationAfter = fineHistory.epochs[keptEpoch - 1].validationLoss!
let onePicture = 100 / Double(test.count)
let verdict = abs(change * 100) < 1.5 * onePicture
    ? "a difference of one or two pictures, within the noise of a \(test.count)-picture test set"
    : (change > 0 ? "a real gain" : "a real loss")
book.prose("""
    Fine-tuning with Adam at 10⁻⁵ — the rate the original course recommends — ran \(fineHistory.epochs.count) \
    epochs and kept epoch \(keptEpoch), whose validation loss is \(String(format: "%.3f", validationAfter)) \
    against \(String(format: "%.3f", validationBefore)) before fine-tuning. The training loss fell from \
    \(String(format: "%.3f", fineHistory.epochs[0].loss)) to \(String(format: "%.3f", fineHistory.last!.loss)): \
    the rate is small, but the weights do move. Test accuracy went from \(percent(frozenTest.accuracy)) to \
    **\(percent(finetunedTest.accuracy))** (\(String(format: "%+.1f", change * 100)) points): \(verdict). \
    The running statistics of the BatchNorm layers inside the fine-tuned blocks are \
    \(statisticsKept ? "exactly as they were" : "changed"): frozen BatchNorm keeps normalising with the \
    ImageNet statistics while the convolutions around it adapt.
    """)
book.prose("""
    Why so little? The new head already fits its \(train.count) training pictures well (training loss \
    \(String(format: "%.3f", headHistory.epochs[(headHistory.restoredEpoch ?? 1) - 1].loss)) at the epoch kept), \
    so the gradients reaching the unfrozen blocks are small, and what they can still learn from so few pictures \
    is mostly the training set itself. Fine-tuning pays when there is more data, or when the new pictures differ \
    from ImageNet in ways the last blocks can learn — try the exercises with more pictures per class.
    """)

// Phase 2 starts from the weights early stopping kept, so phase 1 is drawn up to that epoch.
let phaseOne = headHistory.restoredEpoch ?? headHistory.epochs.count
func bothPhases(_ metric: TrainingMetric) -> [Double] {
    Array(headHistory.values(of: metric).prefix(phaseOne)) + fineHistory.values(of: metric)
}
book.figure(LinePlot(title: "Accuracy through both phases", xLabel: "epoch", yLabel: "accuracy",
                     series: [LineSeries(name: "training", values: bothPhases(.accuracy)),
                              LineSeries(name: "validation", values: bothPhases(.validationAccuracy), dashed: true)],
                     yFormat: .percent(decimals: 0),
                     markers: [VerticalMarker(x: Double(phaseOne) + 0.5, label: "fine-tuning starts")]),
            name: "phases-accuracy", caption: "Phase 1 (up to the epoch early stopping kept) trains the head on the "
                + "frozen base; phase 2 also trains the last \(blocksToTune) blocks.")

// MARK: - How small is small?

book.section("How small must the learning rate be?")
let rates: [Float] = [1e-5, 1e-4, 1e-3]
let rateEpochs = 2
book.prose("""
    The same fine-tuning from the same starting point, with Adam at 10⁻⁵, 10⁻⁴ and 10⁻³, for \(rateEpochs) \
    epochs each and no callbacks:
    """)
let rateRuns = try book.cell {
    try rates.map { rate -> History in
        try tail.load(startOfFineTuning)     // the pretrained blocks and the phase-1 head
        let trainer = Trainer(model: tail, optimizer: Adam(learningRate: rate), batchSize: 32, seed: book.seed)
        let history = try trainer.fit(train, validation: validation, epochs: rateEpochs)
        print("Adam \(rate): validation loss", history.values(of: .validationLoss).map { String(format: "%.3f", $0) })
        return history
    }
}
try tail.load(fineTuned)
let startLoss = Trainer.evaluate(tail, on: validation).loss
book.figure(LinePlot(title: "Fine-tuning the last \(blocksToTune) blocks: validation loss", xLabel: "epoch",
                     yLabel: "validation loss",
                     series: zip(rates, rateRuns).map { rate, history in
                         LineSeries(name: "Adam \(rate)", x: [0] + history.epochs.map { Double($0.epoch) },
                                    y: [startLoss] + history.values(of: .validationLoss), markers: true)
                     }),
            name: "fine-tuning-rates", caption: "Validation loss per epoch; epoch 0 is the model after phase 1.")
let worstRate = zip(rates, rateRuns).max { $0.1.last!.validationLoss! < $1.1.last!.validationLoss! }!
let finalLosses = zip(rates, rateRuns).map { "\(String(format: "%.3f", $1.last!.validationLoss!)) at \($0)" }
let peakLosses = rateRuns.map { $0.values(of: .validationLoss).max()! }
book.prose("""
    After \(rateEpochs) epochs the validation loss is \(finalLosses.joined(separator: ", ")), against \
    \(String(format: "%.3f", startLoss)) before fine-tuning; the worst is Adam \(worstRate.0), and the highest \
    point any run reached was \(String(format: "%.3f", peakLosses.max()!)). Adam moves each weight by roughly the \
    learning rate per step, whatever the gradient's size: at 10⁻³ a hundred steps can move a weight by 0.1, as \
    much as many pretrained weights are large, while 10⁻⁵ moves it by 0.001 — enough to adapt, too little to \
    forget. That is why fine-tuning rates are 10 to 100 times smaller than the 10⁻³ used to train a new head.
    """)

// MARK: - BatchNorm

book.section("Why BatchNorm stays frozen")
book.prose("""
    A BatchNorm layer normalises with the mean and variance of the current batch while training and with running \
    averages at inference. If the fine-tuned blocks' BatchNorm layers were trainable, every training batch — a \
    few dozen grey clothes — would pull those running averages away from the ImageNet statistics the next layers \
    expect. To see the effect without training anything, we let them update for one pass over the \
    training pictures in batches of 8, then measure the test accuracy again:
    """)
let (driftedAccuracy, drift) = try book.cell {
    model.freezeBase(unfreezingLast: blocksToTune, batchNormTrainable: true)
    let before = model.stateDictionary["_blocks.15._bn2.running_mean"]!
    withLearningPhase(.training) {
        withoutGradients { for batch in train.batches(size: 8) { _ = tail(batch.inputs) } }
    }
    let after = model.stateDictionary["_blocks.15._bn2.running_mean"]!
    let accuracy = Trainer.evaluate(tail, on: test).accuracy
    print(String(format: "block 15 running mean moved by up to %.3f; test accuracy %.1f%%",
                 after.maxAbsoluteDifference(to: before), accuracy * 100))
    try tail.load(fineTuned)                              // put everything back
    model.freezeBase(unfreezingLast: blocksToTune)
    return (accuracy, after.maxAbsoluteDifference(to: before))
}
let driftPoints = (driftedAccuracy - finetunedTest.accuracy) * 100
let driftStory = abs(driftPoints) < 1.5 * onePicture
    ? "Here the accuracy barely moved: Lite0's BatchNorm keeps 99% of its running average at every batch "
        + "(momentum 0.01), so one pass shifts it only part of the way. The larger hazard is during training, where "
        + "a trainable BatchNorm normalises each batch with that batch's own mean and variance — noisy with a few "
        + "pictures, and different from what the layer does at inference."
    : "A change of \(String(format: "%+.1f", driftPoints)) points without a single weight being trained."
book.prose("""
    One pass of batch statistics moved a running mean of block 15 by up to \(String(format: "%.3f", drift)); the \
    test accuracy went from \(percent(finetunedTest.accuracy)) to **\(percent(driftedAccuracy))**. \(driftStory) \
    Keras keeps BatchNorm in inference mode with `base(x, training=False)`; here a BatchNorm whose weights are \
    frozen always uses its running statistics, and `freezeBase` freezes them by default.
    """)

// MARK: - Regularisation

book.section("Regularisation: L1, L2, Dropout, early stopping")
book.prose("""
    A bigger head — Dense(1280 → 256), ReLU, Dense(256 → 10) — overfits our \(train.count) training pictures \
    easily, which makes it a good subject. We train it five ways for the same number of epochs: plainly, with an \
    L1 penalty λΣ|w|, with an L2 penalty λΣw², with Dropout(0.5) before the last layer, and plainly but with \
    early stopping (patience 5, min_delta 0.001, best weights restored) — the settings of the original course.
    """)
struct RegularisationRun {
    let name: String
    let history: History
    let test: Evaluation
}
let regularisationEpochs = quick ? 15 : 30
let regularisationRuns = try book.cell {
    let variants: [(name: String, penalty: Regularization?, dropout: Float, stopping: Bool)] = [
        ("no regularisation", nil, 0, false), ("L1 1e-4", .l1(1e-4), 0, false), ("L2 1e-3", .l2(1e-3), 0, false),
        ("Dropout 0.5", nil, 0.5, false), ("early stopping", nil, 0, true)]
    return try variants.map { variant -> RegularisationRun in
        let head = Sequential(Dense(inputSize: 1280, outputSize: 256, seed: book.seed), Activation(relu),
                              Dropout(rate: variant.dropout, seed: book.seed),
                              Dense(inputSize: 256, outputSize: 10, seed: book.seed + 1))
        let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: book.seed)
        trainer.regularization = variant.penalty
        if variant.stopping {
            trainer.callbacks = [EarlyStopping(minimumDelta: 0.001, patience: 5, restoresBestWeights: true)]
        }
        let history = try trainer.fit(featureTrain, validation: featureValidation, epochs: regularisationEpochs)
        return RegularisationRun(name: variant.name, history: history, test: trainer.evaluate(featureTest))
    }
}
book.figure(LinePlot(title: "Validation loss of a 1280-256-10 head", xLabel: "epoch", yLabel: "validation loss",
                     series: regularisationRuns.map {
                         LineSeries(name: $0.name, values: $0.history.values(of: .validationLoss))
                     },
                     markers: regularisationRuns.last!.history.restoredEpoch.map {
                         [VerticalMarker(x: Double($0), label: "best epoch kept")]
                     } ?? []),
            name: "regularisation", caption: "Validation loss of the same head trained five ways; the marker is the "
                + "epoch early stopping kept.")
book.table(headers: ["run", "epochs", "final training loss", "best validation loss", "test accuracy"],
           rows: regularisationRuns.map { run in
               [run.name, String(run.history.epochs.count), String(format: "%.3f", run.history.last!.loss),
                String(format: "%.3f", run.history.values(of: .validationLoss).min()!), percent(run.test.accuracy)]
           }, caption: "The same head, five ways")
let plain = regularisationRuns[0]
let plainBest = plain.history.bestEpoch(by: .validationLoss)!
let finals = regularisationRuns.dropFirst(1).dropLast(1).map {
    "\(String(format: "%.3f", $0.history.last!.validationLoss!)) with \($0.name)"
}
book.prose("""
    Without regularisation the validation loss is lowest at epoch \(plainBest) and then climbs to \
    \(String(format: "%.3f", plain.history.last!.validationLoss!)) while the training loss falls to \
    \(String(format: "%.3f", plain.history.last!.loss)): the head is memorising its training pictures. At the \
    last epoch the validation loss is \(finals.joined(separator: ", ")). The penalties make large weights \
    expensive, dropout makes any single unit unreliable; early stopping simply keeps the weights of epoch \
    \(regularisationRuns[4].history.restoredEpoch ?? 0) and stops \(regularisationRuns[4].history.epochs.count) \
    epochs in. (The penalised runs report a training loss that includes the penalty, as Keras does.)
    """)

// MARK: - Optimizers and schedules

book.section("Optimizers and learning-rate schedules")
book.prose("""
    The optimizer decides how a gradient becomes a step. We train the linear head of phase 1 from the same \
    starting weights with seven optimizers, for the same number of epochs: plain SGD, SGD with momentum, with \
    Nesterov momentum, Adam, AdamW (Adam with decoupled weight decay), Lion (which steps by ±η in every \
    coordinate, so it needs a rate about ten times smaller), and Adam whose rate follows a warm-up then a cosine \
    decay.
    """)
let optimizerEpochs = quick ? 10 : 30
let stepsPerEpoch = (featureTrain.count + 31) / 32
let totalSteps = optimizerEpochs * stepsPerEpoch
let warmupCosine = CosineDecay(initialRate: 3e-3, decaySteps: totalSteps - stepsPerEpoch, alpha: 0.01)
    .withWarmup(steps: stepsPerEpoch)
let optimizerRuns = try book.cell {
    let optimizers: [(String, () -> Optimizer)] = [
        ("SGD 0.01", { SGD(learningRate: 0.01) }),
        ("momentum 0.9", { SGD(learningRate: 0.01, momentum: 0.9) }),
        ("Nesterov 0.9", { SGD(learningRate: 0.01, momentum: 0.9, nesterov: true) }),
        ("Adam 1e-3", { Adam(learningRate: 1e-3) }),
        ("AdamW 1e-3, decay 0.01", { AdamW(learningRate: 1e-3, weightDecay: 0.01) }),
        ("Lion 1e-4", { Lion(learningRate: 1e-4) }),
        ("Adam, warm-up + cosine", { Adam(schedule: warmupCosine) }),
    ]
    return try optimizers.map { name, make -> (String, History) in
        let head = Dense(inputSize: 1280, outputSize: 10, seed: book.seed + 5)
        let trainer = Trainer(model: head, optimizer: make(), batchSize: 32, seed: book.seed)
        return (name, try trainer.fit(featureTrain, validation: featureValidation, epochs: optimizerEpochs))
    }
}
book.figure(LinePlot(title: "Training loss of the linear head", xLabel: "epoch", yLabel: "training loss",
                     series: optimizerRuns.map {
                         LineSeries(name: $0.0, values: $0.1.values(of: .loss), dashed: $0.0.hasPrefix("AdamW"))
                     },
                     yScale: .logarithmic),
            name: "optimizers-loss", caption: "How fast each optimizer fits the training pictures (log scale).")
book.figure(LinePlot(title: "Validation accuracy of the linear head", xLabel: "epoch", yLabel: "validation accuracy",
                     series: optimizerRuns.map {
                         LineSeries(name: $0.0, values: $0.1.values(of: .validationAccuracy),
                                    dashed: $0.0.hasPrefix("AdamW"))
                     },
                     yFormat: .percent(decimals: 0)),
            name: "optimizers-accuracy", caption: "What the speed buys on pictures the head did not train on.")
let fastest = optimizerRuns.min { $0.1.last!.loss < $1.1.last!.loss }!
let slowest = optimizerRuns.max { $0.1.last!.loss < $1.1.last!.loss }!
let bestValidation = optimizerRuns.max { $0.1.last!.validationAccuracy! < $1.1.last!.validationAccuracy! }!
book.prose("""
    After \(optimizerEpochs) epochs the lowest training loss belongs to **\(fastest.0)** \
    (\(String(format: "%.3f", fastest.1.last!.loss))) and the highest to **\(slowest.0)** \
    (\(String(format: "%.3f", slowest.1.last!.loss))): plain SGD at a rate that is safe for every direction is \
    slow in the flat ones, momentum accumulates speed along them, and the adaptive methods scale each weight's \
    step by its own gradient history. The best final validation accuracy, \
    \(percent(bestValidation.1.last!.validationAccuracy!)), comes from \(bestValidation.0). Fitting the training \
    set fastest is not the goal; this is why a validation set and early stopping come with every optimizer.
    """)
book.prose("A schedule is just the rate as a function of the step. The four kinds used in practice, over this run:")
let scheduleSteps = totalSteps
book.figure(LinePlot(title: "Learning-rate schedules over \(scheduleSteps) steps", xLabel: "step",
                     yLabel: "learning rate",
                     series: [("step decay ×0.5 every 10 epochs",
                               StepDecay(initialRate: 3e-3, stepSize: 10 * stepsPerEpoch, factor: 0.5)
                                   as any NN.LearningRateSchedule),
                              ("exponential 0.96 per epoch",
                               ExponentialDecay(initialRate: 3e-3, decaySteps: stepsPerEpoch, decayRate: 0.96)),
                              ("cosine to 1%", CosineDecay(initialRate: 3e-3, decaySteps: scheduleSteps, alpha: 0.01)),
                              ("1-epoch warm-up + cosine", warmupCosine)].map { name, schedule in
                         LineSeries(name: name, x: (0..<scheduleSteps).map(Double.init),
                                    y: schedule.rates(steps: scheduleSteps).map(Double.init))
                     }),
            name: "schedules", caption: "Step, exponential and cosine decay, and warm-up followed by cosine decay.")

// MARK: - Summary

book.table(headers: ["model", "trainable weights", "test accuracy"],
           rows: [["frozen base + new head", "12,810", percent(frozenTest.accuracy)],
                  ["last \(blocksToTune) blocks fine-tuned", grouped(model.parameterCounts.trainable),
                   percent(finetunedTest.accuracy)]],
           caption: "\(test.count) test pictures; \(perClass) pictures per class in all; "
               + "\(inputSize)×\(inputSize) input")
book.metric("input_size", inputSize)
book.metric("pictures_per_class", perClass)
book.metric("split_sizes", [split.training.count, split.validation.count, split.test.count].map(Double.init))
book.metric("frozen_test_accuracy", frozenTest.accuracy)
book.metric("finetuned_test_accuracy", finetunedTest.accuracy)
book.metric("finetuned_blocks", blocksToTune)
book.metric("finetune_epochs", fineHistory.epochs.count)
book.metric("batchnorm_statistics_kept", statisticsKept)
book.metric("drifted_batchnorm_test_accuracy", driftedAccuracy)
book.metric("rate_comparison_final_validation_loss", rateRuns.map { $0.last!.validationLoss! })
book.metric("regularisation_test_accuracy", regularisationRuns.map(\.test.accuracy))
book.metric("optimizer_final_training_loss", optimizerRuns.map { $0.1.last!.loss })

book.summary([
    "Fine-tune in two phases: train a new head on the frozen base, then unfreeze the last blocks with a learning "
        + "rate around 10⁻⁵ so the pretrained features adapt rather than being overwritten.",
    "Keep BatchNorm in inference mode while fine-tuning: its running statistics come from ImageNet and a few small "
        + "batches of new pictures would overwrite them.",
    "A frozen prefix is a fixed function: compute its output once and train only the tail.",
    "Split data per class (70/15/15 here); let the validation set drive EarlyStopping, ReduceLROnPlateau and "
        + "ModelCheckpoint; look at the test set once.",
    "L1/L2 penalties, dropout and early stopping all fight memorisation; optimizers and schedules change how fast "
        + "the training loss falls, not what the validation set says is enough.",
])
book.exercises([
    "Fine-tune 6 blocks instead of 3 (cut before block 10). Which is better with 700 pictures? With 140?",
    "Fine-tune with batchNormTrainable: true and compare test accuracy and the curves.",
    "Use gradient accumulation (Trainer.accumulationSteps) to train with batches of 8 that act as 32.",
])
book.gradedExercises()
book.finish()
