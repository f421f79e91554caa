#!/usr/bin/env python3
"""The PyTorch peer of `scratchnet bench`: the same network and training written as a PyTorch user would
(nn.Sequential, the cost as a batch mean, torch.optim's SGD/momentum/Nesterov/Adam/RMSprop, nn.Dropout, L2 as
weight decay), with ScratchNet's initialization (--init normal, fan-in, xavier or he; n_in = C_in*K*K for a
convolution). --layers takes ScratchNet's
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


def initialize(module, fan_in, init, fan_out):
    """ScratchNet's initializations: normal N(0,1); fan-in N(0,1/n_in); xavier N(0,2/(n_in+n_out)); he N(0,2/n_in)."""
    std = {"normal": 1.0, "fan-in": fan_in ** -0.5, "xavier": (2 / (fan_in + fan_out)) ** 0.5, "he": (2 / fan_in) ** 0.5}[init]
    with torch.no_grad():
        module.weight.normal_(0, std)
        if init in ("normal", "fan-in"):
            module.bias.normal_(0, 1)
        else:
            module.bias.zero_()


def build(text, activation, init, dropout=0.0):
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
            initialize(conv, c * k * k, init, int(parts[1]) * k * k)
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
            if dropout > 0 and i > 0:  # inverted dropout on the input of every dense layer but the first
                layers.append(torch.nn.Dropout(dropout))
            linear = torch.nn.Linear(size, int(item))
            initialize(linear, size, init, int(item))
            layers.append(linear)
            size = int(item)
            if not last:
                layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers), shape


def make_optimizer(model, args, n):
    """The optimizer of ScratchNet's --optimizer, with L2 as weight decay lambda/n on the weights alone."""
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    groups = [{"params": weights, "weight_decay": args.l2 / n}, {"params": biases, "weight_decay": 0.0}]
    if args.optimizer in ("sgd", "momentum", "nesterov"):
        mu = 0.0 if args.optimizer == "sgd" else args.momentum
        return torch.optim.SGD(groups, lr=args.eta, momentum=mu, nesterov=args.optimizer == "nesterov")
    if args.optimizer == "adam":
        return torch.optim.Adam(groups, lr=args.eta, betas=(args.beta1, args.beta2), eps=1e-8)
    return torch.optim.RMSprop(groups, lr=args.eta, alpha=args.beta2, eps=1e-8)


def loss(z, y, args):
    """The batch's mean cost, so that lr = eta is ScratchNet's step w -= (eta/m) * summed gradient."""
    if args.output == "softmax" and args.cost == "cross-entropy":
        return F.cross_entropy(z, y)
    onehot = F.one_hot(y, z.shape[1]).float()
    if args.cost == "cross-entropy":  # sigmoid outputs: the book's cross-entropy over every output
        return F.binary_cross_entropy_with_logits(z, onehot, reduction="sum") / len(y)
    a = torch.softmax(z, dim=1) if args.output == "softmax" else torch.sigmoid(z)
    return 0.5 * ((a - onehot) ** 2).sum() / len(y)


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
    p.add_argument("--init", default="fan-in", choices=["normal", "fan-in", "xavier", "he"])
    p.add_argument("--output", default="softmax", choices=["softmax", "sigmoid"])
    p.add_argument("--cost", default="cross-entropy", choices=["cross-entropy", "quadratic"])
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "momentum", "nesterov", "adam", "rmsprop"])
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--l2", type=float, default=0.0, help="the book's lambda: weight decay lambda/n on weights")
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

    model, shape = build(args.layers, args.activation, args.init, args.dropout)
    x, tx = x.reshape(-1, *shape), tx.reshape(-1, *shape)
    optimizer = make_optimizer(model, args, len(x))

    seconds = []
    n, m = len(x), args.batch
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for s in range(0, n, m):
            idx = order[s:s + m]
            optimizer.zero_grad(set_to_none=True)
            loss(model(x[idx]), y[idx], args).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    model.eval()  # no dropout when testing
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
