#!/usr/bin/env python3
"""The PyTorch peer of `scratchnet bench`: the same MLP written as a PyTorch user would (nn.Sequential,
cross_entropy, torch.optim.SGD), with ScratchNet's initialization (weights N(0, 1/n_in), biases N(0, 1)).
Mean loss with lr = eta is the same step as w -= (eta/m) * summed gradient. Prints one JSON object."""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import read_idx  # noqa: E402  (one IDX reader for both peers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--layers", default="784,100,10")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--eta", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
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

    sizes = [int(s) for s in args.layers.split(",")]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        linear = torch.nn.Linear(n_in, n_out)
        with torch.no_grad():
            linear.weight.normal_(0, n_in ** -0.5)
            linear.bias.normal_(0, 1)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers)
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
                      "layers": args.layers, "batch": m, "eta": args.eta, "seconds": seconds,
                      "test_accuracy": accuracy}))


if __name__ == "__main__":
    main()
