#!/usr/bin/env python3
"""The PyTorch peer of `scratchnet bench`: the same network written as a PyTorch user would (nn.Sequential,
cross_entropy, torch.optim.SGD), with ScratchNet's initialization (--init: fan-in is weights N(0, 1/n_in),
biases N(0, 1); he is N(0, 2/n_in), biases 0; n_in = C_in*K*K for a convolution). --layers takes ScratchNet's
grammar: 784,100,10 or 1x28x28,conv5x5:20,maxpool2,conv5x5:40,maxpool2,100,10, a convolution followed by
pooling as Conv2d, MaxPool2d, activation (network3.py's act(pool(conv) + b)). Mean loss with lr = eta is the
same step as w -= (eta/m) * summed gradient. Prints one JSON object."""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import read_idx  # noqa: E402  (one IDX reader for both peers)


ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}


def initialize(module, fan_in, init):
    with torch.no_grad():
        module.weight.normal_(0, (fan_in if init == "fan-in" else fan_in / 2) ** -0.5)
        if init == "fan-in":
            module.bias.normal_(0, 1)
        else:
            module.bias.zero_()


def build(text, activation, init):
    """The torch.nn.Sequential of a --layers string, and the shape one input example has."""
    items = text.split(",")
    shape = [int(v) for v in items[0].split("x")]
    c, h, w = (shape + [1, 1])[:3]
    layers, flat, size = [], len(shape) == 1, shape[0]
    for i, item in enumerate(items[1:]):
        last = i == len(items) - 2
        if item.startswith("conv"):
            k = int(item[4:].split("x")[0])
            parts = item.split(":")
            stride = next((int(o[1:]) for o in parts[2:] if o[0] == "s"), 1)
            pad = next((int(o[1:]) for o in parts[2:] if o[0] == "p"), 0)
            conv = torch.nn.Conv2d(c, int(parts[1]), k, stride=stride, padding=pad)
            initialize(conv, c * k * k, init)
            layers.append(conv)
            c, h, w = int(parts[1]), (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
            if not items[i + 2].startswith("maxpool"):
                layers.append(ACTIVATIONS[activation]())
        elif item.startswith("maxpool"):
            k = int(item[7:])
            layers.append(torch.nn.MaxPool2d(k))
            c, h, w = c, h // k, w // k
            if items[i].startswith("conv"):
                layers.append(ACTIVATIONS[activation]())
        else:
            if not flat:
                layers.append(torch.nn.Flatten())
                flat, size = True, c * h * w
            linear = torch.nn.Linear(size, int(item))
            initialize(linear, size, init)
            layers.append(linear)
            size = int(item)
            if not last:
                layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers), shape


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--layers", default="784,100,10")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--eta", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--activation", default="sigmoid", choices=["sigmoid", "tanh", "relu"])
    p.add_argument("--init", default="fan-in", choices=["fan-in", "he"])
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    def path(name):
        for candidate in (name, name + ".gz"):
            if os.path.exists(os.path.join(args.data, candidate)):
                return os.path.join(args.data, candidate)
        sys.exit("torch peer: missing %s in %s" % (name, args.data))

    x = torch.from_numpy(read_idx(path("train-images-idx3-ubyte"))[:50000].reshape(50000, -1).copy()).float() / 255
    y = torch.from_numpy(read_idx(path("train-labels-idx1-ubyte"))[:50000].astype("int64"))
    tx = torch.from_numpy(read_idx(path("t10k-images-idx3-ubyte")).reshape(10000, -1).copy()).float() / 255
    ty = torch.from_numpy(read_idx(path("t10k-labels-idx1-ubyte")).astype("int64"))

    model, shape = build(args.layers, args.activation, args.init)
    x, tx = x.reshape(-1, *shape), tx.reshape(-1, *shape)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.eta)

    seconds = []
    n, m = len(x), args.batch
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for s in range(0, n, m):
            idx = order[s:s + m]
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy = float((model(tx).argmax(dim=1) == ty).float().mean())
    blas = "unknown"
    for line in torch.__config__.show().splitlines():
        if "BLAS_INFO" in line:
            blas = line.strip().split("=", 1)[-1].split(",")[0]
    blas += ", LD_LIBRARY_PATH=" + os.environ.get("LD_LIBRARY_PATH", "")
    print(json.dumps({"engine": "torch", "version": torch.__version__, "blas": blas, "threads": torch.get_num_threads(),
                      "layers": args.layers, "activation": args.activation, "batch": m, "eta": args.eta, "seconds": seconds,
                      "test_accuracy": accuracy}))


if __name__ == "__main__":
    main()
