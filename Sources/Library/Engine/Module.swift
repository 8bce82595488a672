// Engine — tensors and their derivatives.
//
// Job: the `Tensor` value type (Float32, row-major, channels-last images), its BLAS-backed and hand-vectorized
// ops, and reverse-mode autodiff on an open tape (Autodiff.swift: any module may add a differentiable op with
// `recorded(from:backward:)` and check it with `checkGradient(of:at:)`). It may import Randomness and the
// OpenBLAS shim only: no layers, no images, no files.
