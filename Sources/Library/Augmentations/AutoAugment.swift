// Learned and random augmentation policies. AutoAugment (Cubuk et al. 2019) searched, with reinforcement learning,
// for pairs of operations with probabilities and magnitudes; RandAugment (Cubuk et al. 2020) showed that picking N
// operations uniformly at one shared magnitude M does as well, with two numbers to tune instead of a search.
// Operation ranges follow torchvision's `_augmentation_space` so magnitudes mean the same as there.

import Engine
import Imaging

/// One operation of the AutoAugment/RandAugment search space.
public enum ImageOperation: String, CaseIterable, Sendable {
    case identity, shearX, shearY, translateX, translateY, rotate
    case brightness, color, contrast, sharpness, posterize, solarize, autoContrast, equalize, invert

    /// Whether a magnitude of this operation is applied with a random sign (left or right, darker or brighter).
    public var isSigned: Bool {
        switch self {
        case .shearX, .shearY, .translateX, .translateY, .rotate, .brightness, .color, .contrast, .sharpness:
            return true
        default:
            return false
        }
    }

    /// The operation at `strength` (0…1 of its full range), negated when `negative`; gray fill for the geometry.
    ///
    /// Full ranges: shear 0.3, translation 45% of the side (150/331), rotation 30°, enhancement factors 1 ± 0.9,
    /// posterize down to 4 bits, solarize threshold from 1 down to 0.
    public func apply(to image: Image, strength: Float, negative: Bool = false) -> Image {
        let signed = negative ? -strength : strength
        let gray = FillMode.constant(0.5)
        switch self {
        case .identity: return image
        case .shearX: return image.sheared(horizontal: 0.3 * signed, fill: gray)
        case .shearY: return image.sheared(vertical: 0.3 * signed, fill: gray)
        case .translateX: return image.translated(x: 150 / 331 * Float(image.width) * signed, y: 0, fill: gray)
        case .translateY: return image.translated(x: 0, y: 150 / 331 * Float(image.height) * signed, fill: gray)
        case .rotate: return image.rotated(byDegrees: 30 * signed, fill: gray)
        case .brightness: return image.scalingBrightness(by: 1 + 0.9 * signed)
        case .color: return image.adjustingSaturation(by: 1 + 0.9 * signed)
        case .contrast: return image.adjustingContrast(by: 1 + 0.9 * signed)
        case .sharpness: return image.adjustingSharpness(by: 1 + 0.9 * signed)
        case .posterize: return image.posterized(bits: 8 - Int((4 * strength).rounded()))
        case .solarize: return image.solarized(threshold: 1 - strength)
        case .autoContrast: return image.autoContrasted()
        case .equalize: return image.equalized()
        case .invert: return image.inverted()
        }
    }
}

/// N operations drawn uniformly from the search space, each at magnitude M of 30 and a random sign
/// (Cubuk et al. 2020; torchvision: `RandAugment(num_ops=2, magnitude=9)`).
public struct RandAugment: Augmentation {
    /// N: how many operations each picture gets.
    public var operationCount: Int
    /// 0…30; 9–15 is typical for ImageNet.
    public var magnitude: Int
    /// The operations N are drawn from (all but `invert` by default, as in the paper).
    public var operations: [ImageOperation]

    public init(operationCount: Int = 2, magnitude: Int = 9,
                operations: [ImageOperation] = ImageOperation.allCases.filter { $0 != .invert }) {
        precondition(operationCount >= 0 && (0...30).contains(magnitude) && !operations.isEmpty,
                     "RandAugment needs N ≥ 0, M in 0…30 and some operations")
        self.operationCount = operationCount
        self.magnitude = magnitude
        self.operations = operations
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        var result = image
        for _ in 0..<operationCount {
            let operation = operations.randomElement(using: &generator)!
            let negative = Bool.random(using: &generator)
            result = operation.apply(to: result, strength: Float(magnitude) / 30,
                                     negative: operation.isSigned && negative)
        }
        return result
    }
}

/// A learned AutoAugment policy: one sub-policy drawn per image, whose two operations each happen with their own
/// probability at their own magnitude (0…9) (torchvision: `AutoAugment(AutoAugmentPolicy.IMAGENET)`).
public struct AutoAugment: Augmentation {
    /// One step of a sub-policy.
    public struct Step: Sendable {
        /// What to do.
        public var operation: ImageOperation
        /// The chance that it happens, 0…1.
        public var probability: Float
        /// 0…9, the bin of the operation's range (ignored by operations without a magnitude).
        public var magnitude: Int

        public init(_ operation: ImageOperation, _ probability: Float, _ magnitude: Int = 0) {
            self.operation = operation
            self.probability = probability
            self.magnitude = magnitude
        }
    }

    /// The sub-policies; one is drawn per picture.
    public var subPolicies: [[Step]]

    public init(subPolicies: [[Step]] = AutoAugment.imageNetPolicy) {
        precondition(!subPolicies.isEmpty, "AutoAugment needs at least one sub-policy")
        self.subPolicies = subPolicies
    }

    /// A random variant of `image`; the same generator state gives the same variant.
    public func callAsFunction(_ image: Image, using generator: inout SeededGenerator) -> Image {
        var result = image
        for step in subPolicies.randomElement(using: &generator)! {
            let happens = Float.random(in: 0..<1, using: &generator) < step.probability
            let negative = Bool.random(using: &generator)
            guard happens else { continue }
            result = step.operation.apply(to: result, strength: Float(step.magnitude) / 9,
                                          negative: step.operation.isSigned && negative)
        }
        return result
    }

    /// The 25 sub-policies found on ImageNet (AutoAugment paper, appendix; the same list torchvision uses).
    public static let imageNetPolicy: [[Step]] = [
        [Step(.posterize, 0.4, 8), Step(.rotate, 0.6, 9)], [Step(.solarize, 0.6, 5), Step(.autoContrast, 0.6)],
        [Step(.equalize, 0.8), Step(.equalize, 0.6)], [Step(.posterize, 0.6, 7), Step(.posterize, 0.6, 6)],
        [Step(.equalize, 0.4), Step(.solarize, 0.2, 4)], [Step(.equalize, 0.4), Step(.rotate, 0.8, 8)],
        [Step(.solarize, 0.6, 3), Step(.equalize, 0.6)], [Step(.posterize, 0.8, 5), Step(.equalize, 1.0)],
        [Step(.rotate, 0.2, 3), Step(.solarize, 0.6, 8)], [Step(.equalize, 0.6), Step(.posterize, 0.4, 6)],
        [Step(.rotate, 0.8, 8), Step(.color, 0.4, 0)], [Step(.rotate, 0.4, 9), Step(.equalize, 0.6)],
        [Step(.equalize, 0.0), Step(.equalize, 0.8)], [Step(.invert, 0.6), Step(.equalize, 1.0)],
        [Step(.color, 0.6, 4), Step(.contrast, 1.0, 8)], [Step(.rotate, 0.8, 8), Step(.color, 1.0, 2)],
        [Step(.color, 0.8, 8), Step(.solarize, 0.8, 7)], [Step(.sharpness, 0.4, 7), Step(.invert, 0.6)],
        [Step(.shearX, 0.6, 5), Step(.equalize, 1.0)], [Step(.color, 0.4, 0), Step(.equalize, 0.6)],
        [Step(.equalize, 0.4), Step(.solarize, 0.2, 4)], [Step(.solarize, 0.6, 5), Step(.autoContrast, 0.6)],
        [Step(.invert, 0.6), Step(.equalize, 1.0)], [Step(.color, 0.6, 4), Step(.contrast, 1.0, 8)],
        [Step(.equalize, 0.8), Step(.equalize, 0.6)],
    ]
}
