#!/usr/bin/env python3
"""Loads a ScratchNet model file into PyTorch with json and numpy alone (Debian has no safetensors package),
then checks it: MNIST test digits go through `scratchnet predict --json`, and the inputs it reports go through
the PyTorch model; every probability must agree within 1e-5 and every answer must be the same.

    /usr/bin/python3 bench/peers/torch_load.py --model models/mnist-default.safetensors --data ~/.scratchnet/datasets/mnist

The file is safetensors: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
shape and byte range, then the data. Its tensors are named as a state_dict (layers.N.weight, layers.N.bias;
N counts every layer after the input, pooling included; conv weights are [out, in, kh, kw]), and its
__metadata__ "architecture" lists the layers, from which the equivalent torch.nn.Sequential is built.
Prints one JSON object."""
import argparse
import json
import os
import shlex
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import read_idx  # noqa: E402  (one IDX reader for every peer)


def load(path):
    """(state_dict of torch tensors, metadata) of a safetensors file."""
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    state = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", name
        start, end = t["data_offsets"]
        state[name] = torch.from_numpy(np.frombuffer(raw, "<f4", (end - start) // 4, 8 + n + start).reshape(t["shape"]).copy())
    return state, metadata


ACTIVATIONS = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
               "softmax": lambda: torch.nn.Softmax(dim=1)}


def sequential(architecture):
    """The torch.nn.Sequential of a model file's architecture, and where each of its tensors goes in it.

    Each ScratchNet layer becomes its module (Linear, Conv2d or MaxPool2d) then its activation (none for
    identity), with a Flatten before the first dense layer after an image; layers.N.weight of the file is
    the weight of layer N's module."""
    shape = [int(v) for v in architecture.get("input", "0").split("x")]
    modules, names = [], {}
    channels, flat = shape[0], len(shape) == 1
    if not flat:
        modules.append(torch.nn.Unflatten(1, shape))  # the input arrives as [N, 784], as predict gives it
    for n, layer in enumerate(architecture["layers"]):
        if layer["type"] == "dense":
            if not flat:
                modules.append(torch.nn.Flatten())  # channel, row, column order, as ScratchNet reads it
                flat = True
            module = torch.nn.Linear(layer["inputs"], layer["outputs"])
        elif layer["type"] == "conv":
            module = torch.nn.Conv2d(channels, layer["filters"], layer["kernel"], layer["stride"], layer["padding"])
            channels = layer["filters"]
        else:
            module = torch.nn.MaxPool2d(layer["window"])
        names["layers.%d." % n] = "%d." % len(modules)
        modules.append(module)
        if layer["activation"] != "identity":
            modules.append(ACTIVATIONS[layer["activation"]]())
    return torch.nn.Sequential(*modules), names


def png(path, pixels):
    """A 28 x 28 grey PNG of bytes (0 = black)."""
    rows = b"".join(b"\x00" + bytes(pixels[r]) for r in range(28))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True, help="folder with t10k-images-idx3-ubyte (raw or .gz)")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--scratchnet", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scratchnet"),
                   help="the command that runs ScratchNet (default: the repository's launcher)")
    args = p.parse_args()

    state, metadata = load(args.model)
    model, names = sequential(json.loads(metadata["architecture"]))
    renamed = {}
    for name, tensor in state.items():
        prefix = name[:name.rindex(".") + 1]
        renamed[names[prefix] + name[len(prefix):]] = tensor
    model.load_state_dict(renamed)  # strict: every name and shape must match
    model.eval()

    images = os.path.join(args.data, "t10k-images-idx3-ubyte")
    digits = read_idx(images if os.path.exists(images) else images + ".gz")[:args.count]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, d in enumerate(digits):
            files.append(os.path.join(tmp, "%04d.png" % i))
            png(files[-1], 255 - d)  # dark ink on white, as a user's drawing
        out = subprocess.run(shlex.split(args.scratchnet) + ["predict", "--json", "--model", args.model] + files,
                             capture_output=True, text=True, check=True).stdout
    answers = [json.loads(line) for line in out.splitlines()]
    x = torch.tensor([a["input"] for a in answers], dtype=torch.float32)
    ours = np.array([a["probabilities"] for a in answers], dtype=np.float32)
    with torch.no_grad():
        theirs = model(x).numpy()
    difference = float(np.abs(theirs - ours).max())
    top2 = np.sort(ours, axis=1)[:, -2:]
    near_ties = top2[:, 1] - top2[:, 0] < 1e-6
    disagree = int(((theirs.argmax(1) != ours.argmax(1)) & ~near_ties).sum())
    print(json.dumps({"engine": "torch", "version": torch.__version__, "digits": len(answers),
                      "max_probability_difference": difference, "answers_that_differ": disagree,
                      "near_ties_excepted": int(near_ties.sum())}))
    sys.exit(0 if difference <= 1e-5 and disagree == 0 else 1)


if __name__ == "__main__":
    main()
