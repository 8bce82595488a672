// Lesson 7 — Advanced techniques.
// Models as graphs (several inputs and outputs, skip connections), a residual network against a plain one, with
// and without BatchNorm; knowledge distillation from the pretrained Lite0; weight averaging; gradient
// accumulation; what float16 and bfloat16 keep; test-time augmentation and ensembles; a debugging checklist.
import TransferLab
import Foundation

let book = Notebook(lesson: 7, title: "Advanced techniques")
let quick = book.isQuick
let (perClass, epochs, studentEpochs) = quick ? (5, 3, 4) : (20, 24, 40)

book.prose("""
    The last lesson collects the techniques that sit around a network rather than inside one: building models \
    that are graphs, training them better (BatchNorm, distillation, weight averaging, bigger effective batches) \
    and checking them (precision, test-time tricks, a debugging checklist). Everything runs on few-shot \
    Fashion-MNIST: \(perClass) training pictures per class, 28×28 grey.
    """)
let (training, testing) = book.cell { (try FashionMNIST.load(.training), try FashionMNIST.load(.test)) }
let chosen = balancedSample(labels: training.labels, perClass: perClass, seed: book.seed)
let held = balancedSample(labels: training.labels, perClass: quick ? 5 : 10,
                          from: Array(Set(training.labels.indices).subtracting(chosen)).sorted(), seed: book.seed + 1)
let tested = balancedSample(labels: testing.labels, perClass: quick ? 20 : 50, seed: book.seed + 2)
let (train, validation, test) = (training.nativeTensors(at: chosen), training.nativeTensors(at: held),
                                 testing.nativeTensors(at: tested))

// MARK: - Graphs

book.section("Models are graphs")
book.prose("""
    A `Sequential` model is a chain. Many useful models are not: a shop knows more about a product than its photo, \
    and may want the category group as well as the class. A `GraphBuilder` hands out symbolic values; passing one \
    through a named layer, or merging several with `add`/`concatenate`, records a node. As side input we use a \
    number any catalog has — the item's width over its height, measured on the picture.
    """)
// listing: side-input
/// Width / height of the box around each picture's pixels brighter than 0.2: `[N, 28, 28, 1]` → `[N, 1]`.
func aspectRatios(_ pictures: Tensor) -> Tensor {
    let (n, side) = (pictures.shape[0], pictures.shape[1])
    return Tensor(shape: [n, 1], scalars: (0..<n).map { i in
        let lit = (0..<(side * side)).filter { pictures.scalars[i * side * side + $0] > 0.2 }
        let (rows, columns) = (lit.map { $0 / side }, lit.map { $0 % side })
        return Float((columns.max() ?? 0) - (columns.min() ?? 0) + 1) / Float((rows.max() ?? 0) - (rows.min() ?? 0) + 1)
    })
}
/// The coarse group of a class: 0 clothing, 1 footwear (sandal, sneaker, ankle boot), 2 bag.
func group(_ label: Int) -> Int { [5, 7, 9].contains(label) ? 1 : label == 8 ? 2 : 0 }
// end listing
book.listing("side-input")
let twoHeaded = book.cell { () throws -> GraphModel in
    let graph = GraphBuilder()
    let picture = graph.input("picture"), ratio = graph.input("aspect ratio")
    let seen = picture.through("conv1", Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same))
        .through("relu1", relu).through("pool1") { maxPool2d($0, size: 2) }
        .through("conv2", Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: .same, seed: 1))
        .through("relu2", relu).through("pool2", globalAveragePool)
    let side = ratio.through("side", Dense(inputSize: 1, outputSize: 4, seed: 2)).through("relu3", relu)
    let joined = graph.concatenate([seen, side], name: "join")                       // 16 + 4 features
    return try graph.model(outputs: ["class": joined.through("class", Dense(inputSize: 20, outputSize: 10, seed: 3)),
                                     "group": joined.through("group", Dense(inputSize: 20, outputSize: 3, seed: 4))])
}
book.prose("Two outputs need two losses; their weights say how much each matters (Keras: `loss_weights`).")
let (classAccuracy, groupAccuracy, withoutSide) = book.cell { () -> (Double, Double, Double) in
    let sided = TensorDataset(inputs: train.inputs, labels: train.labels, targets: aspectRatios(train.inputs))
    let optimizer = Adam(learningRate: 3e-3)
    var generator = SeededGenerator(seed: book.seed)
    for _ in 1...(epochs * 3) {
        for batch in sided.batches(size: 32, shuffledWith: &generator) {
            let outputs = withLearningPhase(.training) { twoHeaded([batch.inputs, batch.targets!]) }
            let loss = crossEntropy(logits: outputs[0], labels: batch.labels) * 1.0
                + crossEntropy(logits: outputs[1], labels: batch.labels.map(group)) * 0.5
            let parameters = twoHeaded.trainableParameters
            optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
        }
    }
    let ratios = aspectRatios(test.inputs)
    let shuffled = Tensor(shape: ratios.shape, scalars: ratios.scalars.shuffled(using: &generator))
    let outputs = withoutGradients { twoHeaded([test.inputs, ratios]) }
    let scrambled = withoutGradients { twoHeaded([test.inputs, shuffled]) }[0]
    return (accuracy(of: outputs[0], labels: test.labels), accuracy(of: outputs[1], labels: test.labels.map(group)),
            accuracy(of: scrambled, labels: test.labels))
}
book.prose("""
    On the \(test.count) test pictures the class output is right \(classAccuracy.formatted(.percent(1))) of the \
    time and the group output \(groupAccuracy.formatted(.percent(1))). Shuffling the aspect ratios between test \
    pictures moves the class accuracy to \(withoutSide.formatted(.percent(1))): that difference is what the model \
    takes from its side input.
    """)

// MARK: - Residual networks

book.section("A residual network, with and without BatchNorm")
book.prose("""
    A residual block adds its input back to what its two convolutions compute, so a block only has to learn a \
    correction and gradients have a direct path to early layers. When the block halves the resolution or changes \
    the channel count, the shortcut is a strided 1×1 convolution (a projection) so the shapes match.
    """)
// listing: residual
/// conv-BN-ReLU-conv-BN plus the shortcut, then ReLU (He et al. 2016); BatchNorm left out when `normalized` is false.
func residualBlock(_ x: SymbolicValue, _ name: String, from inputs: Int, to channels: Int, stride: Int,
                   normalized: Bool, in graph: GraphBuilder, seed: UInt64) -> SymbolicValue {
    func conv(_ value: SymbolicValue, _ layer: String, from: Int, kernel: Int, stride: Int, seed: UInt64) -> SymbolicValue {
        let convolved = value.through("\(name).\(layer)", Conv2D(inputChannels: from, outputChannels: channels,
            kernelSize: kernel, stride: stride, padding: .same, useBias: !normalized, seed: seed))
        return normalized ? convolved.through("\(name).\(layer).bn", BatchNorm(featureCount: channels)) : convolved
    }
    let main = conv(conv(x, "conv1", from: inputs, kernel: 3, stride: stride, seed: seed).through("\(name).relu", relu),
                    "conv2", from: channels, kernel: 3, stride: 1, seed: seed + 1)
    let projected = stride != 1 || inputs != channels
    let shortcut = projected ? conv(x, "projection", from: inputs, kernel: 1, stride: stride, seed: seed + 2) : x
    return graph.add([main, shortcut], name: "\(name).add").through("\(name).out", relu)
}

/// Stem (3×3 convolution, 24 channels, 2×2 max pool) → blocks of 24, 40 and 64 channels → average pool → Dense.
func miniResNet(normalized: Bool, seed: UInt64) throws -> GraphModel {
    let graph = GraphBuilder()
    var x = graph.input("picture").through("stem", Conv2D(inputChannels: 1, outputChannels: 24, kernelSize: 3,
                                                           padding: .same, useBias: !normalized, seed: seed))
    if normalized { x = x.through("stem.bn", BatchNorm(featureCount: 24)) }
    x = x.through("stem.relu", relu).through("stem.pool") { maxPool2d($0, size: 2) }          // 14×14×24
    for (index, (from, to, stride)) in [(24, 24, 1), (24, 40, 2), (40, 64, 2)].enumerated() {
        x = residualBlock(x, "block\(index + 1)", from: from, to: to, stride: stride, normalized: normalized,
                          in: graph, seed: seed + 10 * UInt64(index + 1))
    }
    let logits = x.through("pool", globalAveragePool).through("classifier", Dense(inputSize: 64, outputSize: 10))
    return try graph.model(outputs: ["class": logits])
}
// end listing
book.listing("residual")
let resNetSummary = book.cell { () throws -> LayerSummary in
    let summary = try miniResNet(normalized: true, seed: book.seed).summary(input: train.inputs.slice(
        lowerBounds: [0, 0, 0, 0], upperBounds: [1, 28, 28, 1]))
    print(summary)
    return summary
}
let plainCount = plainCNN().parameterCount
book.prose("""
    The table — Keras's `model.summary()`, measured by running one picture through the graph — shows each \
    layer's output shape: the resolution halves at block 2 and block 3, where the projections sit. The network \
    has \(resNetSummary.parameterCount) parameters, against \(plainCount) for lesson 2's plain CNN \
    (`plainCNN()`: two convolutions and a large Dense layer). Same budget, spent differently. Each is trained for \
    \(epochs) epochs with Adam at 10⁻³; we keep the best epoch by validation accuracy, the last epoch, and the \
    average of the last third of the epochs' weights (for the next section).
    """)
struct Run { let name: String; let model: any Layer; let history: History; let best, last, averaged: Double }
let runs = book.cell { () throws -> [Run] in
    let models: [(String, any Layer)] = [("plain CNN", plainCNN(seed: book.seed)),
                                         ("mini-ResNet", try miniResNet(normalized: true, seed: book.seed)),
                                         ("mini-ResNet, no BatchNorm", try miniResNet(normalized: false, seed: book.seed))]
    return try models.map { name, model in
        let averaging = StochasticWeightAveraging(startEpoch: epochs - epochs / 3)
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: book.seed,
                              callbacks: [averaging, EarlyStopping(monitor: .validationAccuracy, patience: epochs,
                                                                   restoresBestWeights: true)])
        var lastWeights: [String: Tensor] = [:]
        trainer.onEpochEnd = { _ in lastWeights = model.stateDictionary }
        let history = try trainer.fit(train, validation: validation, epochs: epochs)
        let bestWeights = model.stateDictionary
        let best = trainer.evaluate(test).accuracy
        averaging.average!.assignToModel()
        recomputeBatchNormStatistics(of: model, on: train)
        let averaged = trainer.evaluate(test).accuracy
        try model.load(lastWeights)
        let last = trainer.evaluate(test).accuracy
        try model.load(bestWeights)
        print("\(name): test accuracy \(best.formatted(.percent(1))) (best epoch \(history.restoredEpoch ?? epochs))")
        return Run(name: name, model: model, history: history, best: best, last: last, averaged: averaged)
    }
}
let (plain, resNet, unnormalized) = (runs[0], runs[1], runs[2])
book.figure(LinePlot(title: "Training loss", xLabel: "epoch", yLabel: "cross-entropy",
                     series: runs.map { LineSeries(name: $0.name, values: $0.history.values(of: .loss)) }),
            name: "training-loss", caption: "BatchNorm's effect on convergence: the same network with and without it.")
book.figure(LinePlot(title: "Validation accuracy", xLabel: "epoch", yLabel: "accuracy",
                     series: runs.map { LineSeries(name: $0.name, values: $0.history.values(of: .validationAccuracy)) },
                     yRange: 0...1, yFormat: .percent(decimals: 0)),
            name: "validation-accuracy", caption: "Validation accuracy per epoch of the three networks.")
func lossAfter(_ run: Run, epoch: Int) -> String { run.history.values(of: .loss)[epoch - 1].formatted(.fixed(2)) }
let verdict = resNet.best > plain.best ? "beats" : "does not beat"
book.prose("""
    Test accuracy: plain CNN \(plain.best.formatted(.percent(1))), mini-ResNet \(resNet.best.formatted(.percent(1))), \
    mini-ResNet without BatchNorm \(unnormalized.best.formatted(.percent(1))). With \(train.count) pictures the \
    residual network \(verdict) the plain one. BatchNorm's gift is speed of convergence: after \(epochs / 2) epochs \
    the training loss is \(lossAfter(resNet, epoch: epochs / 2)) with it and \
    \(lossAfter(unnormalized, epoch: epochs / 2)) without.
    """)

// MARK: - Weight averaging

book.section("Stochastic weight averaging")
book.prose("""
    The weights of the last epochs wander around a valley of the loss; their average tends to sit nearer its \
    middle. Averaged BatchNorm statistics do not belong to averaged weights, so they are recomputed with one pass \
    over the training pictures (`recomputeBatchNormStatistics`).
    """)
book.table(headers: ["model", "best epoch", "last epoch", "SWA (last third)"],
           rows: runs.map { [$0.name, $0.best.formatted(.percent(1)), $0.last.formatted(.percent(1)),
                             $0.averaged.formatted(.percent(1))] }, caption: "Test accuracy of three checkpoints")
let swaWins = runs.filter { $0.averaged > $0.last }.count
book.prose("""
    SWA beats the last epoch for \(swaWins) of the 3 networks. The best epoch was chosen on validation pictures, \
    which costs a held-out set and a snapshot per improvement; SWA needs neither, only a running mean.
    """)

// MARK: - Distillation

book.section("Knowledge distillation")
book.prose("""
    The teacher is the pretrained Lite0, frozen, with a new linear head trained on its pooled features (lesson 2). \
    The student is a tiny CNN. It learns either from the labels alone, or from the teacher's probabilities \
    softened at temperature T, mixed 70/30 with the labels (`distillationLoss`, Hinton et al. 2015).
    """)
let inputSize = quick ? 64 : 96
let (teacher, head, teacherLogits, teacherAccuracy) = book.cell { () throws -> (EfficientNetLite0, Dense, Tensor, Double) in
    let teacher = try EfficientNetLite0.pretrained()
    teacher.freeze()
    func features(_ data: PixelDataset, _ indices: [Int]) throws -> TensorDataset {
        let key = FeatureCache.Key(dataset: data.name, model: teacher.name, inputSize: inputSize, indices: indices)
        let cached = try FeatureCache.standard.tensor(for: key) {
            try teacher.extractFeatures(of: data, at: indices, inputSize: inputSize)
        }
        return TensorDataset(inputs: cached.tensor, labels: indices.map { data.labels[$0] })
    }
    let (trainFeatures, testFeatures) = (try features(training, chosen), try features(testing, tested))
    let head = Dense(inputSize: 1280, outputSize: 10, seed: book.seed)
    let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), seed: book.seed,
                          callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
    try trainer.fit(trainFeatures, validation: try features(training, held), epochs: quick ? 30 : 300)
    return (teacher, head, withoutGradients { head(trainFeatures.inputs) }, trainer.evaluate(testFeatures).accuracy)
}
let temperatures: [Float] = quick ? [4] : [1, 2, 4, 8]
let (students, studentAccuracies) = book.cell { () throws -> ([Sequential], [Double]) in
    let taught = TensorDataset(inputs: train.inputs, labels: train.labels, targets: teacherLogits)
    let settings: [(temperature: Float, softWeight: Float)] = [(1, 0)] + temperatures.map { ($0, 0.7) }
    let results = try settings.map { setting -> (Sequential, Double) in
        let student = Sequential(Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same),
                                 Activation(relu), Activation { maxPool2d($0, size: 2) },
                                 Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: .same, seed: 1),
                                 Activation(relu), Activation { maxPool2d($0, size: 2) }, Flatten(),
                                 Dense(inputSize: 7 * 7 * 16, outputSize: 10, seed: 2))
        let trainer = Trainer(model: student, optimizer: Adam(learningRate: 2e-3), batchSize: 32, seed: book.seed)
        trainer.batchLoss = { logits, batch in
            distillationLoss(studentLogits: logits, teacherLogits: batch.targets!, labels: batch.labels,
                             temperature: setting.temperature, softWeight: setting.softWeight)
        }
        try trainer.fit(taught, epochs: studentEpochs)
        return (student, trainer.evaluate(test).accuracy)
    }
    return (results.map(\.0), results.map(\.1))
}
let timing = book.cell { () throws -> (teacher: Double, student: Double) in
    let pictures = try training.tensors(at: Array(chosen.prefix(32)), size: inputSize).inputs
    func millisecondsPerPicture(_ body: () -> Tensor) -> Double {
        (0..<3).map { _ in
            let start = Date()
            _ = withoutGradients(body)
            return Date().timeIntervalSince(start) * 1000 / 32
        }.min()!
    }
    return (millisecondsPerPicture { head(teacher.features(pictures)) },
            millisecondsPerPicture { students[0](train.inputs.slice(lowerBounds: [0, 0, 0, 0],
                                                                   upperBounds: [32, 28, 28, 1])) })
}
let teacherParameters = teacher.parameterCount - teacher.classifier.parameterCount + head.parameterCount
let (hardAccuracy, bestDistilled) = (studentAccuracies[0], studentAccuracies.dropFirst().max()!)
let bestTemperature = temperatures[studentAccuracies.dropFirst().firstIndex(of: bestDistilled)! - 1]
book.table(headers: ["model", "parameters", "ms per picture", "test accuracy"],
           rows: [["teacher: Lite0 at \(inputSize) px + head", "\(teacherParameters)", timing.teacher.formatted(.fixed(2)),
                   teacherAccuracy.formatted(.percent(1))],
                  ["student, labels only", "\(students[0].parameterCount)", timing.student.formatted(.fixed(3)),
                   hardAccuracy.formatted(.percent(1))],
                  ["student, distilled at T = \(bestTemperature)", "\(students[0].parameterCount)",
                   timing.student.formatted(.fixed(3)), bestDistilled.formatted(.percent(1))]],
           caption: "Teacher and student on the same \(test.count) test pictures")
book.figure(LinePlot(title: "Student accuracy against temperature", xLabel: "temperature T", yLabel: "test accuracy",
                     series: [LineSeries(name: "distilled", x: temperatures.map(Double.init),
                                         y: Array(studentAccuracies.dropFirst()), markers: true),
                              LineSeries(name: "labels only", x: [Double(temperatures.first!), Double(temperatures.last!)],
                                         y: [hardAccuracy, hardAccuracy], dashed: true)],
                     xScale: quick ? .linear : .logarithmic, yFormat: .percent(decimals: 0)),
            name: "distillation-temperature", caption: "Soft targets at each temperature against hard labels.")
let parameterRatio = Double(teacherParameters) / Double(students[0].parameterCount)
let distillationStory = bestDistilled > hardAccuracy
    ? "The soft targets carry what the labels do not: which wrong classes are nearly right."
    : "Here the soft targets did not help: with so few pictures the teacher's errors weigh as much as its hints."
book.prose("""
    The student has \(parameterRatio.formatted(.fixed(0)))× fewer parameters than the teacher and runs \
    \((timing.teacher / timing.student).formatted(.fixed(0)))× faster per picture. Trained on labels it reaches \
    \(hardAccuracy.formatted(.percent(1))); taught by the teacher at T = \(bestTemperature) it reaches \
    \(bestDistilled.formatted(.percent(1))) (teacher: \(teacherAccuracy.formatted(.percent(1)))). \
    \(distillationStory)
    """)

// MARK: - Gradient accumulation

book.section("Bigger batches without the memory")
book.prose("""
    The mean gradient of four batches of 16 is the gradient of one batch of 64, as long as nothing in the network \
    depends on the batch (BatchNorm does; this plain CNN does not, and dropout is off in the inference phase).
    """)
let gradientGap = book.cell { () -> Float in
    let cnn = plainCNN(seed: book.seed + 5), parameters = cnn.trainableParameters.map(\.value)
    let batch = train.subset(Array(0..<(train.count / 4 * 4)))
    let whole = crossEntropy(logits: cnn(batch.inputs), labels: batch.labels).gradients(for: parameters)
    let quarters = batch.batches(size: batch.count / 4).map { part in
        crossEntropy(logits: cnn(part.inputs), labels: part.labels).gradients(for: parameters)
    }
    let accumulated = parameters.indices.map { i in quarters.map { $0[i] }.dropFirst().reduce(quarters[0][i], +) / 4 }
    return zip(whole, accumulated).map { $0.maxAbsoluteDifference(to: $1) }.max()!
}
let (weightGap, accumulatedAccuracy) = book.cell { () throws -> (Float, Double) in
    let (large, small) = (plainCNN(seed: book.seed + 6), plainCNN(seed: book.seed + 6))
    let direct = Trainer(model: large, optimizer: Adam(learningRate: 1e-3), batchSize: 64, seed: book.seed)
    let accumulating = Trainer(model: small, optimizer: Adam(learningRate: 1e-3), batchSize: 16, seed: book.seed)
    accumulating.accumulationSteps = 4
    try direct.fit(train, epochs: epochs)
    try accumulating.fit(train, epochs: epochs)
    let gap = zip(large.weights, small.weights).map { $0.value.maxAbsoluteDifference(to: $1.value) }.max()!
    return (gap, accumulating.evaluate(test).accuracy)
}
book.prose("""
    The largest difference between the two gradients is \(gradientGap.formatted(.fixed(9))), float rounding. \
    Training with batches of 16 and `accumulationSteps = 4` for \(epochs) epochs ends \
    \(weightGap.formatted(.fixed(6))) away (largest weight difference) from training with batches of 64, at \
    \(accumulatedAccuracy.formatted(.percent(1))) test accuracy: the same run with a quarter of the activations \
    in memory.
    """)

// MARK: - Precision

book.section("Mixed precision, honestly on a CPU")
book.prose("""
    GPUs run faster in 16-bit formats; this CPU does not, so we only measure what they lose. Lite0's weights, then \
    its weights and every layer's output (a forward hook), are rounded to float16 (10 mantissa bits, largest \
    value 65504) or bfloat16 (7 bits, Float32's range, made by truncation) and the logits on the sample photos \
    compared with float32.
    """)
let precision = book.cell { () throws -> [(weights: Float, all: Float, agree: Int, largest: Float)] in
    let photos = Tensor(stacking: try Assets.standard.photoNames().prefix(quick ? 3 : 11).map {
        try teacher.preprocessing.framed(Image(contentsOf: Assets.standard.photo($0)))
    })
    func logits(_ round: @escaping (Tensor) -> Tensor) -> Tensor {
        withoutGradients { withForwardHook({ round($1) }) { teacher(round(photos)) } }
    }
    let reference = logits { $0 }, original = teacher.stateDictionary
    defer { try? teacher.load(original) }
    return try ReducedPrecision.allCases.map { format in
        teacher.namedParameters.forEach { $0.parameter.assign($0.parameter.value.rounded(to: format)) }
        let (weightsOnly, all) = (logits { $0 }, logits { $0.rounded(to: format) })
        try teacher.load(original)
        print("\(format):", all.argmax() == reference.argmax() ? "same top-1 on every photo" : "top-1 changed")
        return (weightsOnly.maxAbsoluteDifference(to: reference), all.maxAbsoluteDifference(to: reference),
                zip(all.argmax(), reference.argmax()).filter { $0 == $1 }.count, reference.max())
    }
}
let largestLogit = precision[0].largest
book.table(headers: ["format", "weights rounded", "weights and activations", "same top-1"],
           rows: zip(ReducedPrecision.allCases, precision).map { format, result in
               [format.rawValue, result.weights.formatted(.fixed(4)), result.all.formatted(.fixed(4)),
                "\(result.agree) of \(quick ? 3 : 11)"]
           }, caption: "Largest logit error against float32 on the sample photos")
let gradientsLost = book.cell { () -> [Double] in
    let parameters = students[0].trainableParameters.map(\.value)
    let loss = crossEntropy(logits: students[0](train.inputs), labels: train.labels)
    let values = loss.gradients(for: parameters).flatMap(\.scalars).filter { $0 != 0 }
    return [1, 1024, 65536].map { (scale: Float) in
        Double(values.filter { ReducedPrecision.float16.round($0 * scale) == 0 }.count) / Double(values.count)
    }
}
book.prose("""
    float16 keeps the logits within \(precision[0].all.formatted(.fixed(3))), bfloat16 within \
    \(precision[1].all.formatted(.fixed(3))): more range, less precision. Range is float16's weak point: the \
    largest logit here is \(largestLogit.formatted(.fixed(1))); a naive softmax needs its exponential, \
    \(Foundation.exp(largestLogit).formatted(.fixed(0))), which float16 stores as \
    \(ReducedPrecision.float16.round(Foundation.exp(largestLogit)).formatted(.fixed(0))) (its largest value is \
    65504 = e^11.09) — which is why the softmax and the loss stay in float32. Small numbers vanish too: of the trained student's \
    non-zero gradient values, \(gradientsLost[0].formatted(.percent(1))) round to zero in float16. Multiplying \
    the loss by 1024 before the backward pass (and dividing the gradients afterwards, in float32) leaves \
    \(gradientsLost[1].formatted(.percent(2))) lost, by 65536 \(gradientsLost[2].formatted(.percent(2))): \
    that is loss scaling.
    """)

// MARK: - Test-time augmentation and ensembles

book.section("Test-time augmentation and ensembles")
book.prose("""
    Averaging probabilities over shifted copies of each test picture (test-time augmentation), or over several \
    networks (an ensemble), trades compute at inference for accuracy.
    """)
let (single, shifted, flipped, ensemble) = book.cell { () -> (Double, Double, Double, Double) in
    let shifts: [(Tensor) -> Tensor] = [{ $0 }, { $0.shiftedImages(x: 1, y: 0) }, { $0.shiftedImages(x: -1, y: 0) },
                                        { $0.shiftedImages(x: 0, y: 1) }, { $0.shiftedImages(x: 0, y: -1) }]
    let flips: [(Tensor) -> Tensor] = [{ $0 }, { $0.horizontallyFlippedImages() }]
    func score(_ models: [any Layer], _ views: [(Tensor) -> Tensor] = [{ $0 }]) -> Double {
        accuracy(of: meanProbabilities(of: models, on: test.inputs, views: views), labels: test.labels)
    }
    return (score([resNet.model]), score([resNet.model], shifts), score([resNet.model], flips), score(runs.map(\.model)))
}
let bestMember = runs.map(\.best).max()!
book.prose("""
    The mini-ResNet alone: \(single.formatted(.percent(1))). Averaged over itself and four one-pixel shifts: \
    \(shifted.formatted(.percent(1))) (\((shifted - single).formatted(.percent(1))) change); over itself and its \
    mirror image: \(flipped.formatted(.percent(1))) — Fashion-MNIST's shoes all point left, so a mirror is not a \
    harmless view. The ensemble of the three networks of this lesson reaches \(ensemble.formatted(.percent(1))) \
    against \(bestMember.formatted(.percent(1))) for its best member.
    """)

// MARK: - Debugging

book.section("A debugging checklist, computed")
let statistics = book.cell { () -> [Float] in
    let x = train.inputs
    print("batch \(x.shape), min \(x.min()), max \(x.max()), mean \(x.mean().scalar.formatted(.fixed(3)))")
    print("pictures per class:", (0..<10).map { c in train.labels.filter { $0 == c }.count })
    return [x.min(), x.max(), x.mean().scalar]
}
book.prose("""
    First the data: values in [\(statistics[0]), \(statistics[1])] with mean \(statistics[2].formatted(.fixed(3))) \
    and balanced classes. A maximum of 255 would mean a forgotten scaling; a single class, a broken sampler. \
    Next, a model that cannot memorise 32 pictures has a bug, not a data problem:
    """)
let overfit = book.cell { () throws -> Double in
    let batch = train.subset(Array(0..<min(32, train.count)))
    let trainer = Trainer(model: plainCNN(seed: book.seed + 7), optimizer: Adam(learningRate: 1e-3), batchSize: 32)
    try trainer.fit(batch, epochs: quick ? 40 : 60)
    return trainer.evaluate(batch).accuracy
}
book.prose("""
    After \(quick ? 40 : 60) steps on one batch the plain CNN gets \(overfit.formatted(.percent(0))) of it right. \
    Then the gradients: their norm per layer at initialisation and after training, on the same training batch.
    """)
let norms = book.cell { () throws -> (names: [String], initial: [Double], trained: [Double]) in
    func gradientNorms(_ model: any Layer) -> [(String, Double)] {
        let named = model.namedParameters.filter { $0.parameter.isTrainable && $0.parameter.shape.count > 1 }
        let loss = withLearningPhase(.training) { crossEntropy(logits: model(train.inputs), labels: train.labels) }
        return zip(named, loss.gradients(for: named.map(\.parameter.value))).map { entry, gradient in
            (entry.name, Double(gradient.squared().sum().scalar.squareRoot()))
        }
    }
    let (initial, trained) = (gradientNorms(try miniResNet(normalized: true, seed: book.seed)),
                              gradientNorms(resNet.model))
    return (initial.map(\.0), initial.map(\.1), trained.map(\.1))
}
book.figure(BarChart(title: "Gradient norm per weight of the mini-ResNet",
                     labels: norms.names.flatMap { ["\($0), init", "\($0), trained"] },
                     values: zip(norms.initial, norms.trained).flatMap { [$0, $1] }, valueFormat: .fixed(decimals: 3),
                     highlighted: Set(norms.names.indices.map { 2 * $0 + 1 })),
            name: "gradient-norms", caption: "Light bars: at initialisation; accent bars: after training.")
let ratio = zip(norms.initial, norms.trained).map { $1 / max($0, 1e-12) }.reduce(0, +) / Double(norms.names.count)
book.prose("""
    No layer's gradient is zero (a dead branch) or huge (an explosion) at initialisation; after training they are \
    on average \(ratio.formatted(.fixed(2)))× their initial size, as a model that fits its data should be. The \
    last check is the summary table shown earlier; `swift run lab inspect --model efficientnet-lite0` prints \
    the same table for the pretrained network.
    """)

// MARK: - Metrics

let metrics: [(String, Double)] = [
    ("plain_cnn_test_accuracy", plain.best), ("resnet_test_accuracy", resNet.best),
    ("resnet_no_batchnorm_test_accuracy", unnormalized.best), ("resnet_parameters", Double(resNetSummary.parameterCount)),
    ("plain_cnn_parameters", Double(plainCount)), ("two_input_class_accuracy", classAccuracy),
    ("two_input_group_accuracy", groupAccuracy), ("two_input_shuffled_side_accuracy", withoutSide),
    ("teacher_test_accuracy", teacherAccuracy), ("student_hard_accuracy", hardAccuracy),
    ("student_distilled_accuracy", bestDistilled), ("student_parameters", Double(students[0].parameterCount)),
    ("teacher_parameters", Double(teacherParameters)), ("parameter_ratio", parameterRatio),
    ("time_ratio", timing.teacher / timing.student), ("teacher_ms_per_picture", timing.teacher),
    ("student_ms_per_picture", timing.student), ("swa_test_accuracy", resNet.averaged),
    ("last_test_accuracy", resNet.last), ("best_test_accuracy", resNet.best),
    ("accumulation_gradient_difference", Double(gradientGap)), ("accumulation_weight_difference", Double(weightGap)),
    ("tta_gain", shifted - single), ("flip_tta_gain", flipped - single), ("ensemble_gain", ensemble - bestMember),
    ("float16_logit_error", Double(precision[0].all)), ("bfloat16_logit_error", Double(precision[1].all)),
    ("float16_weights_logit_error", Double(precision[0].weights)),
    ("bfloat16_weights_logit_error", Double(precision[1].weights)), ("float16_gradients_lost", gradientsLost[0]),
    ("float16_gradients_lost_scaled_1024", gradientsLost[1]), ("overfit_batch_accuracy", overfit),
]
for (name, value) in metrics { book.metric(name, value) }
book.metric("temperatures", temperatures)
book.metric("distilled_accuracy_by_temperature", studentAccuracies.dropFirst())
book.summary([
    "A graph model takes several inputs and gives several outputs; each output's loss gets a weight.",
    "Residual blocks add their input back (through a projection when shapes change); BatchNorm speeds convergence.",
    "Distillation trains a small student on a large teacher's softened probabilities, scaled by T².",
    "SWA averages the last epochs' weights and recomputes BatchNorm statistics; accumulation equals a bigger batch.",
    "float16 loses range (hence loss scaling and float32 softmax), bfloat16 loses precision.",
    "Check the data, overfit one batch, watch gradient norms and read the summary before training for long.",
])
book.exercises(["Exercises/lesson-07: the distillation loss, a residual block's forward pass, SWA's running "
                    + "average and gradient accumulation (`swift run grader lesson-07`).",
                "Give the student unlabelled pictures labelled by the teacher only: does distillation help more?"])
book.finish()
