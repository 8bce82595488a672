#!/usr/bin/env python3
"""Writes the small checkpoint fixtures CheckpointTests reads, without torch.

    python3 make_fixtures.py            # rewrite the fixtures next to this script
    python3 make_fixtures.py --lite0 Assets/weights/efficientnet-lite0.pth
                                        # print ground-truth numbers for the real Lite0 file

torch is not needed: fake `torch` / `torch._utils` modules make Python's pickler emit exactly
the GLOBALs, REDUCEs and persistent ids that torch.save writes (protocol 2), and the zip and
legacy containers are laid out as torch lays them out. Everything is deterministic.
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "/tmp/transferlab_checkpoint_pwned"   # the malicious fixtures try to create this

# ---------------------------------------------------------------- fake torch, for pickling only
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils
torch._utils = torch_utils

STORAGE_DTYPES = {"FloatStorage": "<f4", "HalfStorage": "<f2", "DoubleStorage": "<f8",
                  "LongStorage": "<i8", "IntStorage": "<i4", "ByteStorage": "u1", "BoolStorage": "?"}
for name in STORAGE_DTYPES:
    cls = type(name, (), {"__module__": "torch"})
    setattr(torch, name, cls)


def _rebuild_tensor_v2(*args):
    raise RuntimeError("never called")


def _rebuild_parameter(*args):
    raise RuntimeError("never called")


for fn in (_rebuild_tensor_v2, _rebuild_parameter):
    fn.__module__ = "torch._utils"
    fn.__qualname__ = fn.__name__
    setattr(torch_utils, fn.__name__, fn)


class Storage:
    """A storage: its torch class name, key and elements."""
    def __init__(self, kind, key, values):
        self.kind, self.key = kind, key
        self.array = np.asarray(values, dtype=STORAGE_DTYPES[kind])


class Tensor:
    """A view of a storage; pickles as torch pickles a tensor."""
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2,
                (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


class Parameter:
    """An nn.Parameter: `_rebuild_parameter(tensor, requires_grad, hooks)`."""
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    """Records storages in first-use order and writes torch's persistent ids."""
    def __init__(self, file):
        super().__init__(file, protocol=2)
        self.storages = []

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            if all(s is not obj for s in self.storages):
                self.storages.append(obj)
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", obj.array.size)
        return None


def contiguous(storage, shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.insert(0, step)
        step *= n
    return Tensor(storage, 0, shape, strides)


# ---------------------------------------------------------------- containers
def entry(name, extra=b""):
    """A zip entry with a fixed timestamp, so the fixtures are byte-for-byte reproducible."""
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.extra = extra
    return info


def zip_checkpoint(path, state, folder="archive"):
    """torch.save's zip layout: FOLDER/data.pkl, FOLDER/byteorder, FOLDER/data/<key>, FOLDER/version."""
    buffer = io.BytesIO()
    pickler = TorchPickler(buffer)
    pickler.dump(state)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(entry(f"{folder}/data.pkl"), buffer.getvalue())
        archive.writestr(entry(f"{folder}/byteorder"), "little")
        for storage in pickler.storages:
            padding = b"FB" + struct.pack("<H", 6) + b"\0" * 6   # torch pads with an extra field too
            archive.writestr(entry(f"{folder}/data/{storage.key}", padding), storage.array.tobytes())
        archive.writestr(entry(f"{folder}/version"), "3\n")
        archive.writestr(entry(f"{folder}/.data/serialization_id"), "0123456789\n")


def legacy_header():
    """The three pickles before a legacy state_dict: magic number, protocol version, sys_info."""
    sys_info = dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))
    return b"".join(pickle.dumps(x, protocol=2) for x in (0x1950a86a20f9469cfc6c, 1001, sys_info))


def legacy_checkpoint(path, state):
    """Legacy layout: header pickles, state pickle, key-list pickle, then count + data per storage."""
    buffer = io.BytesIO()
    pickler = TorchPickler(buffer)
    pickler.dump(state)
    keys = [s.key for s in pickler.storages]
    blobs = b"".join(struct.pack("<q", s.array.size) + s.array.tobytes() for s in pickler.storages)
    write(path, legacy_header() + buffer.getvalue() + pickle.dumps(keys, protocol=2) + blobs)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def safetensors(path, tensors, metadata):
    """The reference layout: u64 header length, JSON header padded with spaces to 8 bytes, data."""
    import json
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, (dtype, array) in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    write(path, struct.pack("<Q", len(text)) + text + b"".join(blobs))


# ---------------------------------------------------------------- fixtures
def make_fixtures():
    s0 = Storage("FloatStorage", "0", np.arange(12) * 0.5 - 1)          # -1.0, -0.5, …, 4.5
    s1 = Storage("FloatStorage", "1", [0.25, -0.125, 3.0])
    s2 = Storage("FloatStorage", "2", np.arange(10) + 100)              # 100 … 109
    s3 = Storage("LongStorage", "3", [12345])
    s4 = Storage("HalfStorage", "4", [0.5, -2.0, 65504.0, 1e-4, 0.0, -0.0])
    s5 = Storage("IntStorage", "5", [-7, 0, 2_000_000])
    state = collections.OrderedDict()
    state["linear.weight"] = contiguous(s0, [3, 4])
    state["linear.bias"] = contiguous(s1, [3])
    state["linear.weight_t"] = Tensor(s0, 0, [4, 3], [1, 4])          # a transpose sharing s0
    state["window"] = Tensor(s2, 3, [2, 2], [3, 1])                   # offset 3: s2[3,4,6,7]
    state["bn.num_batches_tracked"] = Tensor(s3, 0, [], [])
    state["half"] = contiguous(s4, [2, 3])
    state["counts"] = contiguous(s5, [3])
    zip_checkpoint(os.path.join(HERE, "zip_small.pth"), state)
    legacy_checkpoint(os.path.join(HERE, "legacy_small.pth"), state)

    # A training checkpoint in a zip whose folder is not "archive", holding nn.Parameters.
    w = Storage("DoubleStorage", "7", [1.5, -2.5])
    inner = collections.OrderedDict([("fc.weight", Parameter(contiguous(w, [1, 2])))])
    zip_checkpoint(os.path.join(HERE, "zip_training.pth"), {"epoch": 3, "state_dict": inner}, folder="my_model")

    # One 5000-float storage named 50 times through a view: 250,000 values from a 20 KB file.
    big = Storage("FloatStorage", "0", np.zeros(5000))
    view = Tensor(big, 1, [4999], [1])
    legacy_checkpoint(os.path.join(HERE, "many_names.pth"),
                      collections.OrderedDict((f"alias{i}", view) for i in range(50)))

    # Malicious pickles: each would run `touch MARKER` under Python's pickle.load / old torch.load.
    command = f"touch {MARKER}".encode()
    os_system = b"\x80\x02cos\nsystem\nq\x00X" + struct.pack("<I", len(command)) + command + b"\x85R."
    write(os.path.join(HERE, "malicious_os_system.pth"), legacy_header() + os_system)

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {MARKER}",))
    write(os.path.join(HERE, "malicious_posix_system.pkl"), pickle.dumps(Evil(), protocol=2))

    # protocol 4 with STACK_GLOBAL builtins.eval, inside a torch zip
    code = f"__import__('os').system('touch {MARKER}')".encode()
    eval_pickle = (b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c" + bytes([len(code)]) + code + b"\x85R.")
    with zipfile.ZipFile(os.path.join(HERE, "malicious_eval.pth"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), eval_pickle)
    # torch.storage._load_from_bytes would call torch.load on nested bytes: refused too.
    nested = b"\x80\x02ctorch.storage\n_load_from_bytes\nC\x01x\x85R."
    with zipfile.ZipFile(os.path.join(HERE, "malicious_load_from_bytes.pth"), "w") as archive:
        archive.writestr(entry("archive/data.pkl"), nested)

    # A compressed zip checkpoint (torch never writes one): must be a clear "unsupported".
    with zipfile.ZipFile(os.path.join(HERE, "zip_deflated.pth"), "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(entry("archive/data.pkl"), b"\x80\x02}q\x00.", compress_type=zipfile.ZIP_DEFLATED)

    bf16 = (np.array([1.0, -3.5, 0.0078125], dtype="<f4").view("<u4") >> 16).astype("<u2")
    safetensors(os.path.join(HERE, "small.safetensors"), {
        "a.f32": ("F32", np.array([[1.5, -2.0], [3.25, 1e-8]], dtype="<f4")),
        "b.f16": ("F16", np.array([0.5, -65504.0, 6e-8], dtype="<f2")),
        "c.bf16": ("BF16", bf16),
        "d.f64": ("F64", np.array([[[0.1]]], dtype="<f8")),
        "e.i64": ("I64", np.array(-42, dtype="<i8")),
        "f.empty": ("F32", np.zeros((0, 3), dtype="<f4")),
    }, {"format": "pt", "source": "make_fixtures.py"})
    for name in sorted(os.listdir(HERE)):
        if not name.endswith(".py"):
            print(f"{os.path.getsize(os.path.join(HERE, name)):8d}  {name}")


# ---------------------------------------------------------------- Lite0 ground truth
def lite0_ground_truth(path):
    """Reads the legacy file with pickle + stubs (nothing of torch runs) and prints check values."""
    class Ref:
        def __init__(self, *args): self.args = args

    class StubUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            if module == "torch._utils":
                return lambda *args: Ref(module, name, *args)
            return name  # a storage class: its name is enough

        def persistent_load(self, pid):
            return pid  # ('storage', 'FloatStorage', key, 'cpu', numel)

    f = open(path, "rb")
    for _ in range(3):
        pickle.load(f)
    state = StubUnpickler(f).load()
    keys = pickle.load(f)
    storages = {}
    kinds = {pid[2]: pid[1] for ref in state.values() for pid in [ref.args[2]]}
    for key in keys:
        (count,) = struct.unpack("<q", f.read(8))
        dtype = np.dtype(STORAGE_DTYPES[kinds[key]])
        storages[key] = np.frombuffer(f.read(count * dtype.itemsize), dtype=dtype)
    tensors = {}
    strided = 0
    for name, ref in state.items():
        _, _, pid, offset, size, stride = ref.args[:6]
        s = storages[pid[2]]
        t = np.lib.stride_tricks.as_strided(s[offset:], shape=size, strides=[x * s.itemsize for x in stride])
        strided += not t.flags["C_CONTIGUOUS"]   # the conv and fc weights are stored transposed
        tensors[name] = np.array(t)
    floats = [t for t in tensors.values() if t.dtype == np.float32]
    print("tensors", len(tensors), "float", len(floats), "non-contiguous", strided)
    print("float elements", sum(t.size for t in floats))
    print("parameters (no running statistics)", sum(t.size for n, t in tensors.items()
                                                    if t.dtype == np.float32 and ".running_" not in n))
    print("sum of all float values (float64)", repr(sum(float(t.astype(np.float64).sum()) for t in floats)))
    for name, index in [("_conv_stem.weight", (0, 0, 0, 0)), ("_conv_stem.weight", (31, 2, 2, 1)),
                        ("_bn0.running_var", (5,)), ("_blocks.15._project_conv.weight", (319, 1151, 0, 0)),
                        ("_fc.weight", (999, 1279)), ("_fc.bias", (0,)), ("_bn0.num_batches_tracked", ())]:
        print(name, index, repr(tensors[name][index].item()))
    for name, index in [("_fc.weight", (0, 1)), ("_fc.weight", (1, 0)), ("_conv_head.weight", (1, 0, 0, 0)),
                        ("_blocks.0._depthwise_conv.weight", (5, 0, 1, 2))]:
        print(name, index, repr(tensors[name][index].item()))
    for name in ["_blocks.7._depthwise_conv.weight", "_fc.weight", "_conv_head.weight"]:
        print(name, "sum", repr(float(tensors[name].astype(np.float64).sum())))
    # An order-sensitive checksum, Σ v_i · (i mod 7 + 1) over row-major i: catches a wrong stride.
    for name in ["_conv_stem.weight", "_blocks.3._depthwise_conv.weight", "_fc.weight"]:
        flat = tensors[name].astype(np.float64).ravel()
        print(name, "weighted", repr(float((flat * (np.arange(flat.size) % 7 + 1)).sum())))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--lite0":
        lite0_ground_truth(sys.argv[2])
    else:
        make_fixtures()
