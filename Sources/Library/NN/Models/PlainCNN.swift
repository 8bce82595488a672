// The small convolutional network the course trains from scratch as a baseline (lesson 2 against transfer,
// lesson 7 against a residual network with the same parameter budget).

import Engine

/// Two 3×3 convolutions (16 and 32 channels) with ReLU and 2×2 max pooling, then Dense(64) + ReLU + Dropout(0.3)
/// + Dense(classCount): the plain CNN of lesson 2, for `[N, 28, 28, 1]` pictures (105,866 parameters for 10
/// classes).
public func plainCNN(classCount: Int = 10, seed: UInt64 = 0) -> Sequential {
    Sequential(Conv2D(inputChannels: 1, outputChannels: 16, kernelSize: 3, padding: .same, seed: seed),
               Activation(relu), Activation { maxPool2d($0, size: 2) },                        // 14×14×16
               Conv2D(inputChannels: 16, outputChannels: 32, kernelSize: 3, padding: .same, seed: seed + 1),
               Activation(relu), Activation { maxPool2d($0, size: 2) }, Flatten(),             // 7×7×32
               Dense(inputSize: 32 * 7 * 7, outputSize: 64, seed: seed + 2), Activation(relu),
               Dropout(rate: 0.3, seed: seed + 3), Dense(inputSize: 64, outputSize: classCount, seed: seed + 4))
}
