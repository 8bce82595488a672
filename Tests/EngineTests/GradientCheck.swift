// Test helpers around the engine's public `checkGradient(of:at:)` (Sources/Library/Engine/GradientCheck.swift).

@testable import Engine
import Foundation

/// Random normal values nudged at least `margin` away from each of `points` (kinks such as relu's 0), so a
/// finite difference never straddles one.
func randomAvoiding(_ points: [Float], shape: [Int], standardDeviation: Float = 1, margin: Float = 0.05,
                    seed: UInt64) -> Tensor {
    var x = Tensor.random(normal: shape, standardDeviation: standardDeviation, seed: seed)
    for i in x.scalars.indices {
        for p in points where abs(x.scalars[i] - p) < margin {
            x.scalars[i] = p + (x.scalars[i] >= p ? margin : -margin)
        }
    }
    return x
}
