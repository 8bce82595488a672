// Lesson 7, sections 6–8: mixed precision, test-time augmentation and ensembles, a debugging checklist.
import TransferLab
import Foundation

/// Sections 6–8, on the teacher and student of section 4 and the networks of section 2.
func precisionEnsemblesAndDebugging(teacher: EfficientNetLite0, student: Sequential, runs: [TrainedNetwork]) {
    let resNet = runs[1]
    // MARK: - Precision

    book.section("Mixed precision, honestly on a CPU")
    book.prose("""
        GPUs run faster in 16-bit formats; this CPU does not, so we only measure what they lose. Lite0's weights, then \
        its weights and every layer's output (a forward hook), are rounded to float16 (10 mantissa bits, largest \
        value 65504) or bfloat16 (7 bits, Float32's range, made by truncation) and the logits on the sample photos \
        compared with float32.
        """)
    typealias Errors = (weights: Float, all: Float, agree: Int, largest: Float)
    let precision = book.cell { () throws -> [Errors] in
        let photos = Tensor(stacking: try Assets.standard.photoNames().prefix(quick ? 3 : 11).map {
            try teacher.preprocessing.framed(Image(contentsOf: Assets.standard.photo($0)))
        })
        func logits(_ round: @escaping (Tensor) -> Tensor) -> Tensor {
            withoutGradients { withForwardHook({ round($1) }) { teacher(round(photos)) } }
        }
        let reference = logits { $0 }, original = teacher.stateDictionary
        defer { try? teacher.load(original) }
        let results = try ReducedPrecision.allCases.map { format -> Errors in
            teacher.namedParameters.forEach { $0.parameter.assign($0.parameter.value.rounded(to: format)) }
            let (weightsOnly, all) = (logits { $0 }, logits { $0.rounded(to: format) })
            try teacher.load(original)
            print("\(format):", all.argmax() == reference.argmax() ? "same top-1 on every photo" : "top-1 changed")
            return (weightsOnly.maxAbsoluteDifference(to: reference), all.maxAbsoluteDifference(to: reference),
                    zip(all.argmax(), reference.argmax()).filter { $0 == $1 }.count, reference.max())
        }
        book.table(headers: ["format", "weights rounded", "weights and activations", "same top-1"],
                   rows: zip(ReducedPrecision.allCases, results).map { format, result in
                       [format.rawValue, result.weights.formatted(.fixed(4)), result.all.formatted(.fixed(4)),
                        "\(result.agree) of \(photos.shape[0])"]
                   }, caption: "Largest logit error against float32 on the sample photos")
        return results
    }
    let largestLogit = precision[0].largest
    let gradientsLost = book.cell { () -> [Double] in
        let parameters = student.trainableParameters.map(\.value)
        let loss = crossEntropy(logits: student(train.inputs), labels: train.labels)
        let values = loss.gradients(for: parameters).flatMap(\.scalars).filter { $0 != 0 }
        return [1, 1024, 65536].map { (scale: Float) in
            Double(values.filter { ReducedPrecision.float16.round($0 * scale) == 0 }.count) / Double(values.count)
        }
    }
    let halfExponential = ReducedPrecision.float16.round(Foundation.exp(largestLogit))
    let overflowStory = halfExponential.isInfinite ? "In float16 that is already infinity;"
        : "float16 still holds it, as \(halfExponential.formatted(.fixed(0))), barely;"
    book.prose("""
        float16 keeps the logits within \(precision[0].all.formatted(.fixed(3))), bfloat16 within \
        \(precision[1].all.formatted(.fixed(3))): more range, less precision. Range is float16's weak point: the \
        largest logit here is \(largestLogit.formatted(.fixed(2))), and a naive softmax needs e to that power, \
        \(Foundation.exp(largestLogit).formatted(.fixed(0))). \(overflowStory) float16's largest value is 65504 = \
        e^11.09: a slightly more confident network overflows, which is why the softmax and the loss stay in \
        float32. Small numbers vanish too: of the trained student's non-zero gradient values, \
        \(gradientsLost[0].formatted(.percent(1))) round to zero in float16. Multiplying \
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
        return (score([resNet.model]), score([resNet.model], shifts), score([resNet.model], flips),
                score(runs.map(\.model)))
    }
    let bestMember = runs.map(\.best).max()!
    let shiftStory = shifted > single ? "a gain for five times the compute"
        : "no gain: trained without shifted pictures, the network treats a shifted view as a worse one"
    book.prose("""
        The mini-ResNet alone: \(single.formatted(.percent(1))). Averaged over itself and four one-pixel shifts: \
        \(shifted.formatted(.percent(1))), \(shiftStory). Over itself and its mirror image: \
        \(flipped.formatted(.percent(1))) — Fashion-MNIST's shoes all point left, so a mirror is not a harmless \
        view. The ensemble of the three networks of this lesson reaches \(ensemble.formatted(.percent(1))) \
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
        Next, a model that cannot memorize 32 pictures has a bug, not a data problem:
        """)
    let overfit = book.cell { () throws -> Double in
        let batch = train.subset(Array(0..<min(32, train.count)))
        let trainer = Trainer(model: plainCNN(seed: book.seed + 7), optimizer: Adam(learningRate: 3e-3), batchSize: 32)
        try trainer.fit(batch, epochs: 100)
        return trainer.evaluate(batch).accuracy
    }
    book.prose("""
        After 100 steps at a learning rate of 3·10⁻³ on one batch the plain CNN gets \
        \(overfit.formatted(.percent(0))) of it right. \
        Then the gradients: their norm per layer at initialization and after training, on the same training batch.
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
        book.figure(BarChart(title: "Gradient norm per weight of the mini-ResNet",
                             labels: initial.flatMap { ["\($0.0), init", "\($0.0), trained"] },
                             values: zip(initial, trained).flatMap { [$0.1, $1.1] },
                             valueFormat: .fixed(decimals: 3),
                             highlighted: Set(initial.indices.map { 2 * $0 + 1 })),
                    name: "gradient-norms", caption: "Light bars: at initialization; accent bars: after training.")
        return (initial.map(\.0), initial.map(\.1), trained.map(\.1))
    }
    let ratio = zip(norms.initial, norms.trained).map { $1 / max($0, 1e-12) }.reduce(0, +) / Double(norms.names.count)
    book.prose("""
        No layer's gradient is zero (a dead branch) or huge (an explosion) at initialization; after training they are \
        on average \(ratio.formatted(.fixed(2)))× their initial size, as a model that fits its data should be. The \
        last check is the summary table shown earlier; `swift run lab inspect --model efficientnet-lite0` prints \
        the same table for the pretrained network.
        """)

    for (name, value) in [("tta_gain", shifted - single), ("flip_tta_gain", flipped - single),
                          ("ensemble_gain", ensemble - bestMember), ("float16_logit_error", Double(precision[0].all)),
                          ("bfloat16_logit_error", Double(precision[1].all)),
                          ("float16_weights_logit_error", Double(precision[0].weights)),
                          ("bfloat16_weights_logit_error", Double(precision[1].weights)),
                          ("float16_gradients_lost", gradientsLost[0]),
                          ("float16_gradients_lost_scaled_1024", gradientsLost[1]),
                          ("overfit_batch_accuracy", overfit)] { book.metric(name, value) }
}
