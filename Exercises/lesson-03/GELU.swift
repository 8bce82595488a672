import ExerciseSupport
import Foundation
import TransferLab

/// Lesson 03 · Lab: add an operation to the tape — GELU
///
/// Every gradient of the course — the head's, the fine-tuned blocks', an attack's — comes from the engine's tape:
/// each operation computes its value and records how to pass a gradient back to its inputs. Add one yourself:
/// the Gaussian Error Linear Unit (Hendrycks & Gimpel 2016; PyTorch `F.gelu`, exact form, the activation of BERT
/// and ViT), element by element:
///   gelu(x) = x · Φ(x),  Φ(x) = (1 + erf(x / √2)) / 2  (the standard normal's distribution function),
///   d gelu / dx = Φ(x) + x · φ(x),  φ(x) = e^(−x²/2) / √(2π)  (its density).
///
/// The four steps of every op of the engine (see Autodiff.swift): compute the value as a plain tensor, then
/// `value.recorded(from: [x]) { upstream in [upstream ⊙ d gelu/dx] }` — the closure receives d loss / d output
/// and returns d loss / d x — and return it. `Tensor(shape:scalars:)` and `x.scalars` build and read values.
///
/// The grader compares your values and gradients with the exact formulas and with finite differences, checks
/// that the result is on the tape, and trains a tiny network that uses your GELU to separate two rings of points.
///
/// Example: gelu([−1, 0, 1]) = [−0.1587, 0, 0.8413]; its gradient there is [−0.0833, 0.5, 1.0833].
///
/// - Parameter x: any tensor.
/// - Returns: gelu of every element, same shape, differentiable.
public func gelu(_ x: Tensor) -> Tensor {
    // TODO: compute x · Φ(x), then record it on the tape with the local backward Φ(x) + x · φ(x).
    todo("gelu(_:)")
}
