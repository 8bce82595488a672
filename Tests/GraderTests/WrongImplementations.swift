import ExerciseSupport
import Foundation
import GraderChecks
import Testing

/// A plausible mistake in one exercise, and the checks of that exercise bound to it.
struct WrongImplementation: Sendable, CustomTestStringConvertible {
    var exercise: String
    var mistake: String
    var checks: ExerciseChecks

    init(_ mistake: String, _ checks: ExerciseChecks) {
        self.exercise = checks.id
        self.mistake = mistake
        self.checks = checks
    }

    var testDescription: String { "\(exercise): \(mistake)" }
}

private let sign: @Sendable (Float) -> Float = { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
private let ref1 = Lesson01.Functions.reference
private let ref2 = Lesson02.Functions.reference
private let ref3 = Lesson03.Functions.reference
private let ref4 = Lesson04.Functions.reference
private let ref5 = Lesson05.Functions.reference
private let ref6 = Lesson06.Functions.reference
private let ref7 = Lesson07.Functions.reference

/// Copies `picture` with `transform(x, y, channel)` giving the source pixel of each destination pixel.
private func remapped(
    _ picture: Picture, width: Int? = nil, height: Int? = nil,
    _ source: (Int, Int, Int) -> (Int, Int, Int)
) -> Picture {
    var result = Picture(
        width: width ?? picture.width, height: height ?? picture.height, channels: picture.channels,
        repeating: 0)
    for y in 0..<result.height {
        for x in 0..<result.width {
            for c in 0..<picture.channels {
                let (sx, sy, sc) = source(x, y, c)
                result[x: x, y: y, channel: c] = picture[x: sx, y: sy, channel: sc]
            }
        }
    }
    return result
}

/// At least one mistake per exercise: off by one, wrong sign, a missing term, a wrong layout.
let wrongImplementations: [WrongImplementation] = [
    // Lesson 01
    .init(
        "rounds the margin up",
        Lesson01.centerCropChecks { p in
            let side = min(p.width, p.height)
            let left = (p.width - side + 1) / 2
            let top = (p.height - side + 1) / 2
            return remapped(p, width: side, height: side) { x, y, c in (left + x, top + y, c) }
        }),
    .init(
        "keeps the top-left square",
        Lesson01.centerCropChecks { p in
            let side = min(p.width, p.height)
            return remapped(p, width: side, height: side) { x, y, c in (x, y, c) }
        }),
    .init(
        "keeps the HWC layout",
        Lesson01.normalizeChecks { p, mean, std in
            p.values.indices.map { (p.values[$0] - mean[$0 % p.channels]) / std[$0 % p.channels] }
        }),
    .init(
        "multiplies by std",
        Lesson01.normalizeChecks { p, mean, std in
            ref1.normalizedChannelsFirst(p, mean, std.map { 1 / $0 })
        }),
    .init(
        "forgets to subtract the largest logit",
        Lesson01.softmaxChecks { logits in
            let e = logits.map { exp($0) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }),
    .init(
        "breaks ties by the larger index",
        Lesson01.topKChecks { scores, k in
            Array(scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 > $1 }.prefix(k))
        }),
    .init(
        "ranks smallest first",
        Lesson01.topKChecks { scores, k in
            Array(scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }.prefix(k))
        }),
    // Lesson 02
    .init(
        "reads the map as HWC",
        Lesson02.poolChecks { map in
            (0..<map.channels).map { c in
                stride(from: c, to: map.values.count, by: max(1, map.channels)).map { map.values[$0] }.reduce(0, +)
                    / Float(map.height * map.width)
            }
        }),
    .init(
        "sums instead of averaging",
        Lesson02.poolChecks { map in
            ref2.globalAveragePooled(map).map { $0 * Float(map.height * map.width) }
        }),
    .init(
        "divides by the squared length",
        Lesson02.l2NormalizeChecks { v in
            let squared = v.reduce(0) { $0 + $1 * $1 }
            return squared == 0 ? v : v.map { $0 / squared }
        }),
    .init(
        "divides by zero for a zero vector",
        Lesson02.l2NormalizeChecks { v in
            let length = sqrt(v.reduce(0) { $0 + $1 * $1 })
            return v.map { $0 / length }
        }),
    .init(
        "forgets |b|",
        Lesson02.cosineChecks { a, b in
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let lengthA = sqrt(a.reduce(0) { $0 + $1 * $1 })
            return lengthA == 0 ? 0 : dot / lengthA
        }),
    .init(
        "returns NaN for a zero vector",
        Lesson02.cosineChecks { a, b in
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (sqrt(a.reduce(0) { $0 + $1 * $1 }) * sqrt(b.reduce(0) { $0 + $1 * $1 }))
        }),
    .init(
        "ranks by Euclidean distance",
        Lesson02.neighborChecks { query, gallery, count in
            let distances = gallery.map { zip(query, $0).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            return Array(
                gallery.indices.sorted { distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1 }
                    .prefix(count))
        }),
    // Lesson 03
    .init(
        "skips the bias correction",
        Lesson03.adamChecks { p, g, state, lr, b1, b2, eps in
            state.step += 1
            for i in p.indices {
                state.firstMoment[i] = b1 * state.firstMoment[i] + (1 - b1) * g[i]
                state.secondMoment[i] = b2 * state.secondMoment[i] + (1 - b2) * g[i] * g[i]
                p[i] -= lr * state.firstMoment[i] / (sqrt(state.secondMoment[i]) + eps)
            }
        }),
    .init(
        "swaps beta1 and beta2",
        Lesson03.adamChecks { p, g, state, lr, b1, b2, eps in
            ref3.adamStep(&p, g, &state, lr, b2, b1, eps)
        }),
    .init(
        "does not count the step in the state",
        Lesson03.adamChecks { p, g, state, lr, b1, b2, eps in
            let step = state.step
            ref3.adamStep(&p, g, &state, lr, b1, b2, eps)
            state.step = step
        }),
    .init(
        "counts an equal drop of minDelta as an improvement",
        Lesson03.earlyStoppingChecks { losses, patience, minDelta in
            var best = Float.infinity
            var bestEpoch = 0
            var wait = 0
            for (epoch, loss) in losses.enumerated() {
                if loss <= best - minDelta {
                    best = loss
                    bestEpoch = epoch
                    wait = 0
                } else {
                    wait += 1
                    if wait >= patience { return EarlyStoppingOutcome(stoppedAfterEpoch: epoch, bestEpoch: bestEpoch) }
                }
            }
            return EarlyStoppingOutcome(stoppedAfterEpoch: nil, bestEpoch: bestEpoch)
        }),
    .init(
        "never resets the wait",
        Lesson03.earlyStoppingChecks { losses, patience, minDelta in
            var best = Float.infinity
            var bestEpoch = 0
            var wait = 0
            for (epoch, loss) in losses.enumerated() {
                if loss < best - minDelta {
                    best = loss
                    bestEpoch = epoch
                } else {
                    wait += 1
                    if wait >= patience { return EarlyStoppingOutcome(stoppedAfterEpoch: epoch, bestEpoch: bestEpoch) }
                }
            }
            return EarlyStoppingOutcome(stoppedAfterEpoch: nil, bestEpoch: bestEpoch)
        }),
    .init(
        "warms up one step early",
        Lesson03.scheduleChecks { step, total, warmup, peak, floor in
            step < warmup
                ? peak * Float(step + 1) / Float(warmup)
                : ref3.warmupCosineLearningRate(step, total, warmup, peak, floor)
        }),
    .init(
        "forgets the warm-up offset in the cosine",
        Lesson03.scheduleChecks { step, total, warmup, peak, floor in
            if step < warmup { return peak * Float(step) / Float(warmup) }
            let progress = min(1, Double(step) / Double(total))
            return floor + (peak - floor) * Float((1 + cos(Double.pi * progress)) / 2)
        }),
    // Lesson 04
    .init("flips upside down", Lesson04.flipChecks { p in remapped(p) { x, y, c in (x, p.height - 1 - y, c) } }),
    .init(
        "reverses values, not pixels",
        Lesson04.flipChecks { p in
            remapped(p) { x, y, c in (p.width - 1 - x, y, p.channels - 1 - c) }
        }),
    .init(
        "zeroes only channel 0",
        Lesson04.cutoutChecks { p, cx, cy, size in
            let cut = ref4.cutout(p, cx, cy, size)
            var result = p
            for i in p.values.indices where i % p.channels == 0 { result.values[i] = cut.values[i] }
            return result
        }),
    .init(
        "starts the square at the center",
        Lesson04.cutoutChecks { p, cx, cy, size in
            ref4.cutout(p, cx + size / 2, cy + size / 2, size)
        }),
    .init(
        "does not mix the label",
        Lesson04.mixUpChecks { a, b, lambda in
            var mixed = ref4.mixUp(a, b, lambda)
            mixed.label = a.label
            return mixed
        }),
    .init(
        "weights the second example by lambda", Lesson04.mixUpChecks { a, b, lambda in ref4.mixUp(a, b, 1 - lambda) }),
    .init(
        "mixes the label by the unclipped box",
        Lesson04.cutMixChecks { a, b, box in
            var mixed = ref4.cutMix(a, b, box)
            let lambda = 1 - Float(box.width * box.height) / Float(a.picture.width * a.picture.height)
            mixed.label = a.label.indices.map { lambda * a.label[$0] + (1 - lambda) * b.label[$0] }
            return mixed
        }),
    // Lesson 05
    .init(
        "adds 1 at the target",
        Lesson05.crossEntropyGradientChecks { logits, target in
            var gradient = ref5.crossEntropyGradient(logits, target)
            gradient[target] += 2
            return gradient
        }),
    .init(
        "uses an unstable softmax",
        Lesson05.crossEntropyGradientChecks { logits, target in
            let e = logits.map { exp($0) }
            let total = e.reduce(0, +)
            var gradient = e.map { $0 / total }
            gradient[target] -= 1
            return gradient
        }),
    .init(
        "steps with the gradient (untargeted sign)",
        Lesson05.fgsmChecks { image, gradient, epsilon in
            ref5.fgsmStep(image, gradient.map { -$0 }, epsilon)
        }),
    .init(
        "forgets to clip",
        Lesson05.fgsmChecks { image, gradient, epsilon in
            image.indices.map { image[$0] - epsilon * sign(gradient[$0]) }
        }),
    .init(
        "clips only to [0, 1]", Lesson05.projectionChecks { candidate, _, _ in candidate.map { min(1, max(0, $0)) } }),
    .init(
        "forgets the [0, 1] clip",
        Lesson05.projectionChecks { candidate, original, epsilon in
            candidate.indices.map { min(original[$0] + epsilon, max(original[$0] - epsilon, candidate[$0])) }
        }),
    .init(
        "does not project",
        Lesson05.pgdChecks { current, original, gradient, stepSize, epsilon in
            current.indices.map { min(1, max(0, current[$0] - stepSize * sign(gradient[$0]))) }
        }),
    .init(
        "steps by epsilon",
        Lesson05.pgdChecks { current, original, gradient, stepSize, epsilon in
            ref5.pgdStep(current, original, gradient, epsilon, epsilon)
        }),
    // Lesson 06
    .init(
        "divides by the pixel count, not the value count",
        Lesson06.totalVariationChecks { p in
            ref6.totalVariation(p) * Float(p.channels)
        }),
    .init(
        "counts only horizontal neighbors",
        Lesson06.totalVariationChecks { p in
            var sum: Float = 0
            for y in 0..<p.height {
                for x in 0..<(p.width - 1) {
                    for c in 0..<p.channels {
                        sum += abs(p[x: x + 1, y: y, channel: c] - p[x: x, y: y, channel: c])
                    }
                }
            }
            return sum / Float(p.values.count)
        }),
    .init(
        "takes sign(0) as 1",
        Lesson06.gradientChecks { p in
            var g = Picture(width: p.width, height: p.height, channels: p.channels, repeating: 0)
            let scale = 1 / Float(p.values.count)
            for y in 0..<p.height {
                for x in 0..<p.width {
                    for c in 0..<p.channels {
                        let here = p[x: x, y: y, channel: c]
                        if y + 1 < p.height {
                            let slope = (p[x: x, y: y + 1, channel: c] - here >= 0 ? 1 : -1) * scale
                            g[x: x, y: y + 1, channel: c] += slope
                            g[x: x, y: y, channel: c] -= slope
                        }
                        if x + 1 < p.width {
                            let slope = (p[x: x + 1, y: y, channel: c] - here >= 0 ? 1 : -1) * scale
                            g[x: x + 1, y: y, channel: c] += slope
                            g[x: x, y: y, channel: c] -= slope
                        }
                    }
                }
            }
            return g
        }),
    .init(
        "forgets to divide by the value count",
        Lesson06.gradientChecks { p in
            var g = ref6.totalVariationGradient(p)
            g.values = g.values.map { $0 * Float(p.values.count) }
            return g
        }),
    .init("rolls the wrong way", Lesson06.rollChecks { p, right, down in ref6.rolled(p, -right, -down) }),
    .init("rolls only the columns", Lesson06.rollChecks { p, right, _ in ref6.rolled(p, right, 0) }),
    .init(
        "climbs the gradient",
        Lesson06.idealImageStepChecks { image, gradient, weight, rate in
            ref6.idealImageStep(image, gradient, weight, -rate)
        }),
    .init(
        "forgets the clip",
        Lesson06.idealImageStepChecks { image, gradient, weight, rate in
            let tv = ref6.totalVariationGradient(image)
            var next = image
            for i in image.values.indices { next.values[i] -= rate * (gradient.values[i] + weight * tv.values[i]) }
            return next
        }),
    // Lesson 07
    .init(
        "forgets the T² factor",
        Lesson07.distillationChecks { s, t, label, temperature, weight in
            let hard = ref7.distillationLoss(s, t, label, temperature, 0)
            let soft = ref7.distillationLoss(s, t, label, temperature, 1) / (temperature * temperature)
            return weight * soft + (1 - weight) * hard
        }),
    .init(
        "softens the hard term too",
        Lesson07.distillationChecks { s, t, label, temperature, weight in
            let soft = ref7.distillationLoss(s, t, label, temperature, 1)
            let hard = ref7.distillationLoss(s.map { $0 / temperature }, t, label, 1, 0)
            return weight * soft + (1 - weight) * hard
        }),
    .init(
        "applies the last ReLU before adding the shortcut",
        Lesson07.residualChecks { x, first, second, projection in
            let noShortcut = ref7.residualBlock(x, first, second, projection.map { $0.map { $0.map { _ in 0 } } }
                ?? [[Float]](repeating: [Float](repeating: 0, count: x.count), count: x.count))
            let shortcut = ref7.residualBlock(x, first.map { $0.map { _ in 0 } }, second, projection)
            return zip(noShortcut, shortcut).map { $0 + $1 }
        }),
    .init(
        "ignores the projection",
        Lesson07.residualChecks { x, first, second, projection in
            let main = ref7.residualBlock(x, first, second, projection.map { $0.map { $0.map { _ in 0 } } }
                ?? [[Float]](repeating: [Float](repeating: 0, count: x.count), count: x.count))
            return projection == nil ? ref7.residualBlock(x, first, second, nil) : main
        }),
    .init(
        "divides by count instead of count + 1",
        Lesson07.averageChecks { average, weights, count in
            zip(average, weights).map { $0 + ($1 - $0) / Float(max(count, 1)) }
        }),
    .init(
        "averages the batch gradients without their sizes",
        Lesson07.accumulationChecks { gradients, sizes in
            ref7.accumulatedGradient(gradients, sizes.map { _ in 1 })
        }),
    .init(
        "sums the batch gradients",
        Lesson07.accumulationChecks { gradients, sizes in
            ref7.accumulatedGradient(gradients, sizes).map { $0 * Float(gradients.count) }
        }),
]

@Suite("Wrong implementations are caught")
struct WrongImplementationTests {
    @Test("at least one check fails", arguments: wrongImplementations)
    func caught(_ wrong: WrongImplementation) {
        #expect(!failures(of: wrong.checks.checks).isEmpty, "\(wrong.exercise): '\(wrong.mistake)' passed every check")
    }

    @Test("every exercise has at least one wrong implementation among the fixtures")
    func everyExerciseCovered() {
        let covered = Set(wrongImplementations.map(\.exercise) + labMistakes.map(\.exercise))
        #expect(Catalog.exercises.map(\.id).filter { !covered.contains($0) } == [])
    }
}
