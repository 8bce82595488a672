// Lesson 7, sections 1–3: models as graphs, a residual network with and without BatchNorm, weight averaging.
import TransferLab
import Foundation

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

// listing: residual
/// conv-BN-ReLU-conv-BN plus the shortcut, then ReLU (He et al. 2016); BatchNorm left out when `normalized` is false.
func residualBlock(_ x: SymbolicValue, _ name: String, from inputs: Int, to channels: Int, stride: Int,
                   normalized: Bool, in graph: GraphBuilder, seed: UInt64) -> SymbolicValue {
    func conv(_ value: SymbolicValue, _ layer: String, from: Int, kernel: Int, stride: Int,
              seed: UInt64) -> SymbolicValue {
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
    x = x.through("stem.relu", relu).through("stem.pool", MaxPool2D(size: 2))          // 14×14×24
    for (index, (from, to, stride)) in [(24, 24, 1), (24, 40, 2), (40, 64, 2)].enumerated() {
        x = residualBlock(x, "block\(index + 1)", from: from, to: to, stride: stride, normalized: normalized,
                          in: graph, seed: seed + 10 * UInt64(index + 1))
    }
    let logits = x.through("pool", globalAveragePool).through("classifier", Dense(inputSize: 64, outputSize: 10))
    return try graph.model(outputs: ["class": logits])
}
// end listing

// listing: trained-network
/// One network trained from scratch: its curves and the test accuracy of three of its checkpoints.
struct TrainedNetwork {
    let name: String, model: any Layer, history: History
    let best, last, averaged: Double    // best epoch on validation, last epoch, SWA average
}
// end listing

/// Sections 1–3; returns the three networks trained from scratch.
func graphsAndResidualNetworks() -> [TrainedNetwork] {
    // MARK: - Graphs

    book.section("Models are graphs")
    book.prose("""
        A `Sequential` model is a chain. Many useful models are not: a shop knows more about a product than its photo, \
        and may want the category group as well as the class. A `GraphBuilder` hands out symbolic values; passing one \
        through a named layer, or merging several with `add`/`concatenate`, records a node. As side input we use a \
        number any catalog has — the item's width over its height, measured on the picture.
        """)
    book.listing("side-input")
    let twoHeaded = book.cell { () throws -> GraphModel in
        let graph = GraphBuilder()
        let picture = graph.input("picture"), ratio = graph.input("aspect ratio")
        let seen = picture.through("conv1", Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same))
            .through("relu1", relu).through("pool1", MaxPool2D(size: 2))
            .through("conv2", Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: .same, seed: 1))
            .through("relu2", relu).through("pool2", globalAveragePool)
        let side = ratio.through("side", Dense(inputSize: 1, outputSize: 4, seed: 2)).through("relu3", relu)
        let joined = graph.concatenate([seen, side], name: "join")                       // 16 + 4 features
        let classes = joined.through("class", Dense(inputSize: 20, outputSize: 10, seed: 3))
        let groups = joined.through("group", Dense(inputSize: 20, outputSize: 3, seed: 4))
        return try graph.model(outputs: ["class": classes, "group": groups])
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
    book.listing("trained-network")
    let runs = book.cell { () throws -> [TrainedNetwork] in
        let models: [(String, any Layer)] = [("plain CNN", plainCNN(seed: book.seed)),
                                             ("mini-ResNet", try miniResNet(normalized: true, seed: book.seed)),
                                             ("mini-ResNet, no BatchNorm",
                                              try miniResNet(normalized: false, seed: book.seed))]
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
            print("\(name): test accuracy \(best.formatted(.percent(1))), epoch \(history.restoredEpoch ?? epochs)")
            return TrainedNetwork(name: name, model: model, history: history, best: best, last: last,
                                  averaged: averaged)
        }
    }
    book.cell {
        book.figure(LinePlot(title: "Training loss", xLabel: "epoch", yLabel: "cross-entropy",
                             series: runs.map { LineSeries(name: $0.name, values: $0.history.values(of: .loss)) }),
                    name: "training-loss", caption: "What BatchNorm buys in convergence: one network with and without.")
        book.figure(LinePlot(title: "Validation accuracy", xLabel: "epoch", yLabel: "accuracy",
                             series: runs.map { LineSeries(name: $0.name,
                                                           values: $0.history.values(of: .validationAccuracy)) },
                             yRange: 0...1, yFormat: .percent(decimals: 0)),
                    name: "validation-accuracy", caption: "Validation accuracy per epoch of the three networks.")
    }
    let (plain, resNet, unnormalized) = (runs[0], runs[1], runs[2])
    func lossAfter(_ run: TrainedNetwork, epoch: Int) -> String {
        run.history.values(of: .loss)[epoch - 1].formatted(.fixed(2))
    }
    let verdict = resNet.best > plain.best ? "beats" : "does not beat"
    book.prose("""
        Test accuracy: plain CNN \(plain.best.formatted(.percent(1))), mini-ResNet \
        \(resNet.best.formatted(.percent(1))), \
        mini-ResNet without BatchNorm \(unnormalized.best.formatted(.percent(1))). With \(train.count) pictures the \
        residual network \(verdict) the plain one. BatchNorm's gift is speed of convergence: after \
        \(epochs / 2) epochs \
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
    let swaWins = book.cell { () -> Int in
        book.table(headers: ["model", "best epoch", "last epoch", "SWA (last third)"],
                   rows: runs.map { [$0.name, $0.best.formatted(.percent(1)), $0.last.formatted(.percent(1)),
                                     $0.averaged.formatted(.percent(1))] },
                   caption: "Test accuracy of three checkpoints")
        return runs.filter { $0.averaged > $0.last }.count
    }
    book.prose("""
        SWA beats the last epoch for \(swaWins) of the 3 networks. The best epoch was chosen on validation pictures, \
        which costs a held-out set and a snapshot per improvement; SWA needs neither, only a running mean.
        """)

    for (name, value) in [("plain_cnn_test_accuracy", plain.best), ("resnet_test_accuracy", resNet.best),
                          ("resnet_no_batchnorm_test_accuracy", unnormalized.best),
                          ("swa_test_accuracy", resNet.averaged),
                          ("last_test_accuracy", resNet.last), ("best_test_accuracy", resNet.best),
                          ("two_input_class_accuracy", classAccuracy), ("two_input_group_accuracy", groupAccuracy),
                          ("two_input_shuffled_side_accuracy", withoutSide)] { book.metric(name, value) }
    book.metric("resnet_parameters", resNetSummary.parameterCount)
    book.metric("plain_cnn_parameters", plainCount)
    book.metric("swa_accuracy_by_network", runs.map(\.averaged))
    return runs
}
