"""dlbook's NumPy optimizers against torch.optim (foreach=False) on the CPU: time per step.

    .venv/bin/python benchmarks/optimizers.py [--repeats 20] [--threads 1]

The model is ~1M float32 parameters in four tensors (a 784-1024-256 MLP's weights and
biases, roughly). Each optimizer runs its default hyperparameters (plus momentum or
amsgrad where marked) on a fixed random gradient; we report the best of ``--repeats``
steps (the minimum is the least disturbed by other work) and the ratio ours / torch's.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from dlbook.np import optim
from dlbook.np.nn import Parameter

SHAPES = [(1024, 784), (1024,), (256, 1024), (256,)]
CASES = [
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("Adagrad", dict()),
    ("RMSprop", dict(momentum=0.9, centered=True)),
    ("Adam", dict()),
    ("Adam", dict(amsgrad=True)),
    ("AdamW", dict()),
    ("Adamax", dict()),
    ("RAdam", dict()),
]


def best_step_time(opt, repeats: int) -> float:
    opt.step()  # the first step allocates the state
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        opt.step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    initial = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    grads = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    total = sum(a.size for a in initial)
    print(f"{total:,} float32 parameters in {len(SHAPES)} tensors; best of {args.repeats}")
    print(f"{'optimizer':<27}{'ours (ms)':>11}{'torch (ms)':>12}{'ratio':>8}")
    with threadpool_limits(args.threads):
        for name, config in CASES:
            ours = [Parameter(a.copy()) for a in initial]
            for p, g in zip(ours, grads, strict=True):
                p.grad[...] = g
            theirs = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in initial]
            for q, g in zip(theirs, grads, strict=True):
                q.grad = torch.from_numpy(g.copy())
            ours_time = best_step_time(getattr(optim, name)(ours, **config), args.repeats)
            theirs_time = best_step_time(
                getattr(torch.optim, name)(theirs, foreach=False, **config), args.repeats)
            label = name + ("".join(f" {k}" for k in config if k not in ("lr",)) or "")
            print(f"{label:<27}{ours_time * 1e3:>11.2f}{theirs_time * 1e3:>12.2f}"
                  f"{ours_time / theirs_time:>8.2f}")


if __name__ == "__main__":
    main()
