import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 04's lab: an augmentation pipeline for Fashion-MNIST, graded by what it does to real training: it must
/// change the pictures, keep their labels, and shrink the train–validation gap of a short run.
extension Lesson04 {
    /// Builds the student's augmentation.
    public typealias ClothesAugmentation = @Sendable () -> any Augmentation

    /// Training pictures per class, validation pictures per class, epochs of the short run.
    static let augmentationRun = (perClass: 20, validationPerClass: 30, epochs: 40)
    /// How much the gap must shrink, and how much validation accuracy may drop, in accuracy points (0…1).
    static let gapReduction = 0.05, validationSlack = 0.06
    /// How many points the judge of labels may lose on augmented validation photos.
    static let labelSlack = 0.10

    public static func augmentationChecks(_ make: @escaping ClothesAugmentation) -> ExerciseChecks {
        ExerciseChecks(
            id: "augment-clothes", lesson: 4, file: "AugmentClothes.swift", function: "clothesAugmentation()",
            checks: [
                Check(
                    id: "augment-clothes/changes-pictures",
                    name: "keeps 200 Fashion-MNIST photos 28×28 in [0, 1], and changes them",
                    timeLimit: 60, memoryLimitMegabytes: 3072
                ) {
                    try checkVariants(make())
                },
                Check(
                    id: "augment-clothes/keeps-labels",
                    name: "keeps the labels: a head on frozen Lite0 features loses ≤ 10 points on augmented photos",
                    timeLimit: 240, memoryLimitMegabytes: 3072
                ) {
                    try checkLabels(make())
                },
                Check(
                    id: "augment-clothes/shrinks-gap",
                    name: "a 40-epoch run on 200 photos: the train–validation gap shrinks by ≥ 5 points "
                        + "(validation accuracy within 6)",
                    timeLimit: 300, memoryLimitMegabytes: 3072
                ) {
                    try checkGap(make())
                },
            ])
    }

    /// 20 training and 30 validation photos per class, as `[N, 28, 28, 3]` in [0, 1] (cached).
    public static func clothes() throws -> (training: TensorDataset, validation: TensorDataset) {
        let training = try LabCache.dataset(named: "lesson04-fashion-train-\(augmentationRun.perClass)") {
            let data = try FashionMNIST.load(.training)
            return try data.tensors(
                at: balancedSample(labels: data.labels, perClass: augmentationRun.perClass, seed: 4004), size: 28)
        }
        let validation = try LabCache.dataset(named: "lesson04-fashion-test-\(augmentationRun.validationPerClass)") {
            let data = try FashionMNIST.load(.test)
            return try data.tensors(
                at: balancedSample(labels: data.labels, perClass: augmentationRun.validationPerClass, seed: 4005),
                size: 28)
        }
        return (training, validation)
    }

    static func checkVariants(_ augmentation: any Augmentation) throws {
        let (training, _) = try clothes()
        var generator = SeededGenerator(seed: 4010)
        let input = "\(training.count) Fashion-MNIST photos [\(training.count), 28, 28, 3]"
        var changed = 0, differentDraws = 0
        for index in 0..<training.count {
            let photo = Image(training.inputs, index: index)
            let first = augmentation(photo, using: &generator), second = augmentation(photo, using: &generator)
            guard first.width == 28 && first.height == 28 && first.pixels.count == photo.pixels.count else {
                throw CheckFailure(
                    input: input, expected: "28×28 pictures", got: "\(first.width)×\(first.height) for photo \(index)",
                    detail: "a training batch needs one size: crop back to 28×28 (RandomCrop with padding does)")
            }
            if let bad = first.pixels.first(where: { !($0 >= 0 && $0 <= 1) }) {
                throw CheckFailure(
                    input: input, expected: "values in [0, 1]", got: "\(bad) in photo \(index)")
            }
            if largestDifference(first.pixels, photo.pixels) > 1e-3 { changed += 1 }
            if largestDifference(first.pixels, second.pixels) > 1e-3 { differentDraws += 1 }
        }
        guard changed * 2 >= training.count, differentDraws * 2 >= training.count else {
            throw CheckFailure(
                input: input, expected: "at least half of the photos changed, and two draws differing",
                got: "\(changed) changed, \(differentDraws) differ between two draws",
                detail: "an augmentation must be random: draw from the generator it is given")
        }
    }

    /// The judge of labels sees pictures as a pretrained network does: a linear head on frozen Lite0 features
    /// (lesson 2's), trained on unchanged photos. Small shifts and turns barely move its answers; a change that
    /// makes a shoe stop looking like a shoe does.
    public static func checkLabels(_ augmentation: any Augmentation) throws {
        let (_, validation) = try clothes()
        let model = try Lab.pretrainedModel()
        let judge = Dense(inputSize: model.featureCount, outputSize: 10, seed: 4012)
        let (judgeTraining, _) = try Lesson02.fashionFeatures(perClass: 20)
        _ = try Trainer(model: judge, optimizer: Adam(learningRate: 1e-3), batchSize: 32, seed: 4013)
            .fit(judgeTraining, epochs: 60)
        var generator = SeededGenerator(seed: 4011)
        let augmented = augmentation(validation.inputs, using: &generator)
        let name = "lesson04-fashion-test-\(augmentationRun.validationPerClass)-lite0-112px"
        let clean = try LabCache.dataset(named: name) {
            TensorDataset(inputs: features(of: validation.inputs, model: model), labels: validation.labels)
        }
        let changed = TensorDataset(inputs: features(of: augmented, model: model), labels: validation.labels)
        let cleanAccuracy = Trainer.evaluate(judge, on: clean).accuracy
        let changedAccuracy = Trainer.evaluate(judge, on: changed).accuracy
        guard changedAccuracy >= cleanAccuracy - labelSlack else {
            throw CheckFailure(
                input: "a linear head on frozen Lite0 features, trained on unchanged photos, shown "
                    + "\(validation.count) validation photos, unchanged and augmented",
                expected: "accuracy on augmented photos ≥ \(percent(cleanAccuracy - labelSlack))",
                got: "\(percent(changedAccuracy)) augmented, \(percent(cleanAccuracy)) unchanged",
                detail: "your pipeline changes the photos so much that they stop looking like their class; "
                    + "keep the changes small (a few pixels, a few degrees) and right for the task")
        }
    }

    /// Lite0's pooled features of `[N, 28, 28, 3]` pictures upscaled to 112×112, as lesson 2 computes them.
    static func features(of pictures: Tensor, model: EfficientNetLite0) -> Tensor {
        let count = pictures.shape[0]
        let parts = stride(from: 0, to: count, by: 50).map { start in
            let images = (start..<min(start + 50, count)).map {
                Image(pictures, index: $0).resized(width: 112, height: 112)
            }
            return withoutGradients { model.features(Tensor(stacking: images)) }
        }
        return concatenate(parts, alongAxis: 0)
    }

    static func checkGap(_ augmentation: any Augmentation) throws {
        let (training, validation) = try clothes()
        let plain = try plainRun(training: training)
        let plainTrain = Trainer.evaluate(plain, on: training).accuracy
        let plainValidation = Trainer.evaluate(plain, on: validation).accuracy
        let model = smallNetwork()
        train(model, on: training, augmentation: augmentation)
        let trainAccuracy = Trainer.evaluate(model, on: training).accuracy
        let validationAccuracy = Trainer.evaluate(model, on: validation).accuracy
        let (plainGap, gap) = (plainTrain - plainValidation, trainAccuracy - validationAccuracy)
        let input = "a small CNN, \(augmentationRun.epochs) epochs on \(training.count) photos, validated on "
            + "\(validation.count); without augmentation: train \(percent(plainTrain)), validation "
            + "\(percent(plainValidation)), gap \(points(plainGap))"
        let got = "train \(percent(trainAccuracy)), validation \(percent(validationAccuracy)), gap \(points(gap))"
        guard gap <= plainGap - gapReduction else {
            throw CheckFailure(
                input: input, expected: "a gap ≤ \(points(plainGap - gapReduction))", got: got,
                detail: "with your pipeline the network still memorizes its training photos; change them more "
                    + "(shifts, small turns, erasing) — but keep the labels")
        }
        guard validationAccuracy >= plainValidation - validationSlack else {
            throw CheckFailure(
                input: input, expected: "validation accuracy ≥ \(percent(plainValidation - validationSlack))", got: got,
                detail: "the gap shrank because the network learned less, not because it generalizes better")
        }
    }

    /// The network trained without augmentation, from the cache when it is there.
    public static func plainRun(training: TensorDataset) throws -> any Layer {
        let model = smallNetwork()
        let url = LabCache.directory
            .appendingPathComponent("lesson04-plain-cnn32-\(augmentationRun.epochs).safetensors")
        if (try? model.loadWeights(from: url.path)) != nil { return model }
        train(model, on: training, augmentation: nil)
        try FileManager.default.createDirectory(at: LabCache.directory, withIntermediateDirectories: true)
        try model.saveWeights(to: url.path)
        return model
    }

    /// Two small convolutions, pooling, a dense layer and the classifier: enough weights to memorize 200 photos.
    public static func smallNetwork() -> Sequential {
        Sequential(
            Conv2D(inputChannels: 3, outputChannels: 32, kernelSize: 3, padding: .same, seed: 41), Activation(relu),
            Activation { maxPool2d($0, size: 2) },
            Conv2D(inputChannels: 32, outputChannels: 64, kernelSize: 3, padding: .same, seed: 42), Activation(relu),
            Activation { maxPool2d($0, size: 2) },
            Flatten(), Dense(inputSize: 64 * 7 * 7, outputSize: 128, seed: 43), Activation(relu),
            Dense(inputSize: 128, outputSize: 10, seed: 44))
    }

    /// The short run: Adam 10⁻³ with cosine decay, batches of 32 in a seeded order, each batch augmented.
    public static func train(_ model: Sequential, on training: TensorDataset, augmentation: (any Augmentation)?) {
        let parameters = model.trainableParameters
        let batchesPerEpoch = (training.count + 31) / 32
        let optimizer = Adam(
            learningRate: 1e-3,
            schedule: CosineDecay(initialRate: 1e-3, decaySteps: augmentationRun.epochs * batchesPerEpoch))
        var order = SeededGenerator(seed: 4020), random = SeededGenerator(seed: 4021)
        for _ in 0..<augmentationRun.epochs {
            for batch in training.batches(size: 32, shuffledWith: &order) {
                let images = augmentation.map { $0(batch.inputs, using: &random) } ?? batch.inputs
                withLearningPhase(.training) {
                    let loss = crossEntropy(logits: model(images), labels: batch.labels)
                    optimizer.update(parameters, with: loss.gradients(for: parameters.map(\.value)))
                }
            }
        }
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    static func points(_ value: Double) -> String { String(format: "%.1f points", value * 100) }
}
