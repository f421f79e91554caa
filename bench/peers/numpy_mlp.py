#!/usr/bin/env python3
"""The numpy peer of `scratchnet bench`: the same MLP, trained the same way, vectorized over the mini-batch.

Network: dense layers with sigmoid hidden units, softmax output with the log-likelihood cost (delta = a - y),
weights N(0, 1/n_in), biases N(0, 1), plain SGD w -= (eta/m) * grad, float32 throughout. Training data: the
first 50,000 MNIST training images, shuffled each epoch. Seconds per epoch cover shuffling and training, not
evaluation. Prints one JSON object."""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            i = infos[0]
            return "%s %s (%s kernel, %s threads)" % (i.get("internal_api"), i.get("version"),
                                                      i.get("architecture"), i.get("num_threads"))
    except ImportError:
        pass
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return "%s %s" % (deps.get("name"), deps.get("version"))
    except Exception:  # numpy 1.x has no dict mode
        return "unknown"


def matmul_gflops(n=1024, repeats=10):
    a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2.0 * n ** 3 / best / 1e9


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="folder with the MNIST IDX files")
    p.add_argument("--layers", default="784,100,10")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--eta", type=float, default=0.5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="informational: set OPENBLAS_NUM_THREADS to choose")
    p.add_argument("--gflops", action="store_true", help="also time a 1024^3 float32 matmul (--epochs 0 skips training)")
    args = p.parse_args()

    def find(name):
        for candidate in (name, name + ".gz"):
            if os.path.exists(os.path.join(args.data, candidate)):
                return os.path.join(args.data, candidate)
        sys.exit("numpy peer: missing %s in %s" % (name, args.data))

    images = read_idx(find("train-images-idx3-ubyte"))[:50000].reshape(50000, -1).astype(np.float32) / 255
    labels = read_idx(find("train-labels-idx1-ubyte"))[:50000].astype(np.int64)
    test_x = read_idx(find("t10k-images-idx3-ubyte")).reshape(10000, -1).astype(np.float32) / 255
    test_y = read_idx(find("t10k-labels-idx1-ubyte")).astype(np.int64)

    sizes = [int(s) for s in args.layers.split(",")]
    rng = np.random.default_rng(args.seed)
    weights = [(rng.standard_normal((o, i), dtype=np.float32) / np.float32(np.sqrt(i))) for i, o in zip(sizes, sizes[1:])]
    biases = [rng.standard_normal(o, dtype=np.float32) for o in sizes[1:]]
    n, m, eta = len(images), args.batch, np.float32(args.eta)

    def forward(x):
        activations = [x]
        for l, (w, b) in enumerate(zip(weights, biases)):
            z = activations[-1] @ w.T + b
            if l < len(weights) - 1:
                a = 1 / (1 + np.exp(-z))
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                a = e / e.sum(axis=1, keepdims=True)
            activations.append(a)
        return activations

    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for s in range(0, n, m):
            idx = order[s:s + m]
            acts = forward(images[idx])
            delta = acts[-1]
            delta[np.arange(len(idx)), labels[idx]] -= 1  # BP1: a - y
            scale = eta / np.float32(len(idx))
            for l in range(len(weights) - 1, -1, -1):
                grad_w = delta.T @ acts[l]  # BP4
                grad_b = delta.sum(axis=0)  # BP3
                if l > 0:
                    a = acts[l]
                    delta = (delta @ weights[l]) * a * (1 - a)  # BP2
                weights[l] -= scale * grad_w
                biases[l] -= scale * grad_b
        seconds.append(time.perf_counter() - start)

    accuracy = float((forward(test_x)[-1].argmax(axis=1) == test_y).mean())
    result = {"engine": "numpy", "version": np.__version__, "blas": blas_info(), "layers": args.layers,
              "batch": m, "eta": float(eta), "seconds": seconds, "test_accuracy": accuracy}
    if args.gflops:
        result["matmul_1024_gflops"] = matmul_gflops()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
