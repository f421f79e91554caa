#!/usr/bin/env python3
"""Writes golden/model-v1.safetensors and its expected outputs with numpy alone, independently of the Java
code. Run once when the format was defined (version 1); the files it wrote are committed and every later
ScratchNet must keep loading them and computing the same outputs."""
import json
import struct

import numpy as np

w0 = (np.arange(12, dtype=np.float32).reshape(3, 4) * 0.25 - 1.0).astype(np.float32)  # [out=3, in=4]
b0 = np.array([0.5, -0.5, 0.125], dtype=np.float32)
w1 = (np.arange(6, dtype=np.float32).reshape(2, 3) * -0.5 + 1.0).astype(np.float32)  # [out=2, in=3]
b1 = np.array([0.25, -0.25], dtype=np.float32)
tensors = [("layers.0.weight", w0), ("layers.0.bias", b0), ("layers.1.weight", w1), ("layers.1.bias", b1)]

arch = {"layers": [
    {"type": "dense", "inputs": 4, "outputs": 3, "activation": "sigmoid"},
    {"type": "dense", "inputs": 3, "outputs": 2, "activation": "softmax"}]}
meta = {
    "format": "scratchnet", "format_version": "1", "architecture": json.dumps(arch),
    "training": json.dumps({"preset": "golden", "eta": 0.5, "seed": 1}), "dataset": "mnist",
    "dataset_sha256": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "input_scaling": "pixel/255 in [0,1], ink = 1, paper = 0, row-major",
    "class_names": json.dumps(["a", "b"]), "test_accuracy": "0.5"}
header = {"__metadata__": meta}
offset = 0
for name, t in tensors:
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + t.nbytes]}
    offset += t.nbytes
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open("model-v1.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(t.astype("<f4").tobytes() for _, t in tensors))

inputs = np.array([[0.0, 0.5, 1.0, 0.25], [1.0, 1.0, 0.0, 0.0]], dtype=np.float64)
z0 = inputs @ w0.T.astype(np.float64) + b0
a0 = 1 / (1 + np.exp(-z0))
z1 = a0 @ w1.T.astype(np.float64) + b1
e = np.exp(z1 - z1.max(axis=1, keepdims=True))
out = e / e.sum(axis=1, keepdims=True)
with open("model-v1.expected.json", "w") as f:
    json.dump({"inputs": inputs.tolist(), "outputs": out.tolist()}, f, indent=1)
