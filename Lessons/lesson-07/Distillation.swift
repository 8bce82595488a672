// Lesson 7, sections 4–5: knowledge distillation from Lite0, gradient accumulation.
import TransferLab
import Foundation

/// Sections 4–5; returns the teacher (the pretrained Lite0) and the student trained on labels only.
func distillationAndAccumulation() -> (teacher: EfficientNetLite0, student: Sequential) {
    // MARK: - Distillation

    book.section("Knowledge distillation")
    book.prose("""
        The teacher is the pretrained Lite0, frozen, with a new linear head trained on its pooled features (lesson 2). \
        The student is a tiny CNN. It learns either from the labels alone, or from the teacher's probabilities \
        softened at temperature T, mixed 70/30 with the labels (`distillationLoss`, Hinton et al. 2015).
        """)
    let inputSize = quick ? 64 : 96
    typealias Teacher = (base: EfficientNetLite0, head: Dense, logits: Tensor, accuracy: Double)
    let (teacher, head, teacherLogits, teacherAccuracy) = book.cell { () throws -> Teacher in
        let teacher = try EfficientNetLite0.pretrained()
        teacher.freeze()
        let (trainFeatures, heldFeatures, testFeatures) = (
            try teacher.cachedFeatures(of: training, at: chosen, inputSize: inputSize, label: "training pictures"),
            try teacher.cachedFeatures(of: training, at: held, inputSize: inputSize, label: "validation pictures"),
            try teacher.cachedFeatures(of: testing, at: tested, inputSize: inputSize, label: "test pictures"))
        let head = Dense(inputSize: 1280, outputSize: 10, seed: book.seed)
        let trainer = Trainer(model: head, optimizer: Adam(learningRate: 1e-3), seed: book.seed,
                              callbacks: [EarlyStopping(patience: 10, restoresBestWeights: true)])
        try trainer.fit(trainFeatures, validation: heldFeatures, epochs: quick ? 30 : 300)
        return (teacher, head, withoutGradients { head(trainFeatures.inputs) }, trainer.evaluate(testFeatures).accuracy)
    }
    let temperatures: [Float] = quick ? [4] : [1, 2, 4, 8]
    let (students, studentAccuracies) = book.cell { () throws -> ([Sequential], [Double]) in
        let taught = TensorDataset(inputs: train.inputs, labels: train.labels, targets: teacherLogits)
        let settings: [(temperature: Float, softWeight: Float)] = [(1, 0)] + temperatures.map { ($0, 0.7) }
        let results = try settings.map { setting -> (Sequential, Double) in
            let student = Sequential(Conv2D(inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same),
                                     Activation(relu), MaxPool2D(size: 2),
                                     Conv2D(inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: .same,
                                            seed: 1),
                                     Activation(relu), MaxPool2D(size: 2), Flatten(),
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
        let small = train.inputs.slice(lowerBounds: [0, 0, 0, 0], upperBounds: [32, 28, 28, 1])
        return (millisecondsPerPicture(pictures) { head(teacher.features($0)) },    // the fastest of three runs
                millisecondsPerPicture(small) { students[0]($0) })
    }
    typealias Standings = (teacherParameters: Int, hard: Double, distilled: Double, temperature: Float)
    let standings = book.cell { () -> Standings in
        let teacherParameters = teacher.parameterCount - teacher.classifier.parameterCount + head.parameterCount
        let (hard, distilled) = (studentAccuracies[0], studentAccuracies.dropFirst().max()!)
        let temperature = temperatures[studentAccuracies.dropFirst().firstIndex(of: distilled)! - 1]
        let studentParameters = students[0].parameterCount.formatted()
        book.table(headers: ["model", "parameters", "ms per picture", "test accuracy"],
                   rows: [["teacher: Lite0 at \(inputSize) px + head", teacherParameters.formatted(),
                           timing.teacher.formatted(.fixed(2)), teacherAccuracy.formatted(.percent(1))],
                          ["student, labels only", studentParameters, timing.student.formatted(.fixed(3)),
                           hard.formatted(.percent(1))],
                          ["student, distilled at T = \(temperature)", studentParameters,
                           timing.student.formatted(.fixed(3)), distilled.formatted(.percent(1))]],
                   caption: "Teacher and student on the same \(test.count) test pictures")
        return (teacherParameters, hard, distilled, temperature)
    }
    let (teacherParameters, hardAccuracy, bestDistilled, bestTemperature) = standings
    book.cell {
        let range = [Double(temperatures.first!), Double(temperatures.last!)]
        book.figure(LinePlot(title: "Student accuracy against temperature", xLabel: "temperature T",
                             yLabel: "test accuracy",
                             series: [LineSeries(name: "distilled", x: temperatures.map(Double.init),
                                                 y: Array(studentAccuracies.dropFirst()), markers: true),
                                      LineSeries(name: "labels only", x: range, y: [hardAccuracy, hardAccuracy],
                                                 dashed: true)],
                             xScale: quick ? .linear : .logarithmic, yFormat: .percent(decimals: 0)),
                    name: "distillation-temperature", caption: "Soft targets at each temperature against hard labels.")
    }
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
        let accumulated = parameters.indices.map { i in
            quarters.dropFirst().reduce(quarters[0][i]) { $0 + $1[i] } / 4
        }
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
        \(weightGap.formatted(.fixed(6))) away (largest weight difference) from training with batches of 64 — \
        Adam divides by each gradient's running size, which magnifies rounding where gradients are tiny — at \
        \(accumulatedAccuracy.formatted(.percent(1))) test accuracy: the same run with a quarter of the activations \
        in memory.
        """)

    for (name, value) in [("teacher_test_accuracy", teacherAccuracy), ("student_hard_accuracy", hardAccuracy),
                          ("student_distilled_accuracy", bestDistilled), ("parameter_ratio", parameterRatio),
                          ("time_ratio", timing.teacher / timing.student), ("teacher_ms_per_picture", timing.teacher),
                          ("student_ms_per_picture", timing.student),
                          ("accumulated_test_accuracy", accumulatedAccuracy),
                          ("accumulation_gradient_difference", Double(gradientGap)),
                          ("accumulation_weight_difference", Double(weightGap))] { book.metric(name, value) }
    book.metric("teacher_parameters", teacherParameters)
    book.metric("student_parameters", students[0].parameterCount)
    book.metric("temperatures", temperatures)
    book.metric("distilled_accuracy_by_temperature", studentAccuracies.dropFirst())
    return (teacher, students[0])
}
