// torchvision does not keep PyTorch's default initialization: each classifier's __init__ re-draws its weights
// (He initialization for convolutions, small normals for linear layers). We reproduce the scales. The samples
// are uniform with the same variance rather than normal: for training that is equivalent, and VGG's 138 million
// weights are then drawn in a fraction of a second instead of several.

import Engine
import NN

/// How a torchvision model initializes its linear layers (the one part that differs between models).
enum LinearInitialization {
    /// Weights with this standard deviation, zero bias (VGG, MobileNet: `nn.init.normal_(w, 0, 0.01)`).
    case normal(standardDeviation: Float)
    /// Weights in ±1/√outputSize, zero bias (EfficientNet).
    case uniformOverOutputs
    /// PyTorch's `nn.Linear` default, ±1/√inputSize for weight and bias, as `Dense` already draws (ResNet).
    case pytorchDefault
}

extension Layer {
    /// Re-draws every convolution and linear layer below this one with torchvision's scales: convolutions
    /// `kaiming_normal_(mode="fan_out")` (std √(2 / (out·k·k))) with zero bias; linear layers per `linear`.
    /// BatchNorm layers already start at weight 1, bias 0.
    func initializeLikeTorchvision(linear: LinearInitialization, seed: UInt64) {
        var random = FastUniform(seed: seed)
        for (_, layer) in namedLayers {
            if let conv = layer as? Conv2D {
                let shape = conv.weight.shape
                let fanOut = shape[0] * shape[2] * shape[3]
                conv.weight.assign(random.tensor(shape, standardDeviation: (2 / Float(fanOut)).squareRoot()))
                conv.bias.map { $0.assign(Tensor(zeros: $0.shape)) }
            } else if let dense = layer as? Dense {
                let shape = dense.weight.shape
                switch linear {
                case .normal(let standardDeviation):
                    dense.weight.assign(random.tensor(shape, standardDeviation: standardDeviation))
                case .uniformOverOutputs:
                    dense.weight.assign(random.tensor(shape, bound: 1 / Float(shape[0]).squareRoot()))
                case .pytorchDefault:
                    continue
                }
                dense.bias.map { $0.assign(Tensor(zeros: $0.shape)) }
            }
        }
    }
}

/// Uniform samples from SplitMix64 in a tight loop (about a nanosecond each).
struct FastUniform {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// Samples in [−bound, bound).
    mutating func tensor(_ shape: [Int], bound: Float) -> Tensor {
        let count = shape.reduce(1, *)
        var state = self.state
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let scale = 2 * bound * 0x1.0p-24
            for index in 0..<count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                buffer[index] = Float(z >> 40) * scale - bound   // the top 24 bits: exact in a Float
            }
            initialized = count
        }
        self.state = state
        return Tensor(shape: shape, scalars: scalars)
    }

    /// Uniform samples with mean 0 and the given standard deviation (bound √3·σ).
    mutating func tensor(_ shape: [Int], standardDeviation: Float) -> Tensor {
        tensor(shape, bound: Float(3).squareRoot() * standardDeviation)
    }
}
