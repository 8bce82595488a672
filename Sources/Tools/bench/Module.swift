// bench — `swift run -c release bench`.
//
// Job: the engine's raw speed (sgemm GFLOPS, convolution kernels) and whole-model timings, printed as tables and
// written for Benchmarks/ (the Python side times PyTorch and ONNX Runtime on the same machine). It may import the
// library modules and the OpenBLAS shim.
