#!/usr/bin/env python3
"""The book's chapter-1 run in numpy, float64, over many seeds: a reference for `--preset book-ch1`.

Written here from the equations of Nielsen's chapter 1 and 2, with network.py's settings: layers [784,30,10],
sigmoid everywhere, quadratic cost, weights and biases N(0, 1) (biases drawn first), eta 3.0, mini-batch 10,
30 epochs over the first 50,000 training images, shuffled each epoch, test accuracy after every epoch. The
mini-batch's gradients are summed with matrix products, which is the same sum as example by example.

Its purpose is the spread: the best test accuracy of one run depends on the seed, and this prints it seed by
seed, so that ScratchNet's seeds can be compared with the algorithm's own distribution.
"""
import argparse
import os
import statistics
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_mlp import read_idx  # noqa: E402


def sigmoid(z):
    with np.errstate(over="ignore"):  # e^{-z} overflows to inf for z < -88 in float32: the sigmoid is then 0
        return 1 / (1 + np.exp(-z))


def run(seed, images, labels, test_x, test_y, dtype, epochs=30, m=10, eta=3.0):
    rng = np.random.RandomState(seed)
    sizes = [784, 30, 10]
    biases = [rng.randn(n, 1).astype(dtype) for n in sizes[1:]]
    weights = [rng.randn(n_out, n_in).astype(dtype) for n_in, n_out in zip(sizes, sizes[1:])]
    targets = np.eye(10, dtype=dtype)
    scale = dtype(eta / m)
    order = np.arange(len(images))
    accuracies = []
    for _ in range(epochs):
        rng.shuffle(order)
        for s in range(0, len(order), m):
            batch = order[s:s + m]
            a0 = images[batch].T                                  # [784 x m]
            a1 = sigmoid(weights[0] @ a0 + biases[0])             # [30 x m]
            a2 = sigmoid(weights[1] @ a1 + biases[1])             # [10 x m]
            d2 = (a2 - targets[:, labels[batch]]) * a2 * (1 - a2)  # BP1, quadratic cost
            d1 = (weights[1].T @ d2) * a1 * (1 - a1)              # BP2
            weights[1] -= scale * (d2 @ a1.T)                     # BP4
            biases[1] -= scale * d2.sum(axis=1, keepdims=True)    # BP3
            weights[0] -= scale * (d1 @ a0.T)
            biases[0] -= scale * d1.sum(axis=1, keepdims=True)
        out = sigmoid(weights[1] @ sigmoid(weights[0] @ test_x.T + biases[0]) + biases[1])
        accuracies.append(float((out.argmax(axis=0) == test_y).mean()))
    return accuracies


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.expanduser("~/.scratchnet/datasets/mnist"),
                   help="folder with the MNIST IDX files (default: ScratchNet's cache)")
    p.add_argument("--seeds", default="1-20", help="a range FIRST-LAST (default: 1-20)")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = p.parse_args()
    first, last = (int(s) for s in args.seeds.split("-"))
    dtype = np.dtype(args.dtype).type

    def load(name):
        path = os.path.join(args.data, name)
        if not os.path.exists(path):
            sys.exit("book_ch1.py: missing %s; run ./scratchnet data fetch first, or pass --data DIR" % path)
        return read_idx(path)

    images = (load("train-images-idx3-ubyte")[:50000].reshape(50000, -1) / 255).astype(dtype)
    labels = load("train-labels-idx1-ubyte")[:50000].astype(np.int64)
    test_x = (load("t10k-images-idx3-ubyte").reshape(10000, -1) / 255).astype(dtype)
    test_y = load("t10k-labels-idx1-ubyte").astype(np.int64)

    best = []
    for seed in range(first, last + 1):
        acc = run(seed, images, labels, test_x, test_y, dtype)
        best.append(100 * max(acc))
        print("seed %2d  epoch 1 %.2f%%  best %.2f%%  final %.2f%%" % (seed, 100 * acc[0], best[-1], 100 * acc[-1]),
              flush=True)
    print("%s, %d seeds: best test accuracy median %.2f%%, mean %.2f%%, %d of %d at or above 95.0%%"
          % (args.dtype, len(best), statistics.median(best), statistics.mean(best), sum(b >= 95.0 for b in best),
             len(best)))


if __name__ == "__main__":
    main()
