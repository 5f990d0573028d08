"""dlbook's NumPy BatchNorm1d/BatchNorm2d against torch.nn on the CPU: forward + backward time.

    .venv/bin/python benchmarks/batchnorm.py [--repeats 20] [--threads 1]

Training mode (batch statistics, running statistics updated), float32, a random upstream
gradient; the best of ``--repeats`` runs and the ratio ours / torch's. Asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from dlbook.np import nn

CASES = [
    ("BatchNorm1d", (256, 512)),
    ("BatchNorm1d", (64, 128, 100)),
    ("BatchNorm2d", (64, 32, 28, 28)),
    ("BatchNorm2d", (64, 64, 8, 8)),
]


def best_time(step, repeats: int) -> float:
    step()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    print(f"forward + backward, training mode, float32, best of {args.repeats}, "
          f"{args.threads} thread(s)")
    print(f"{'layer':<12}{'input':>20}{'ours (ms)':>11}{'torch (ms)':>12}{'ratio':>8}")
    with threadpool_limits(args.threads):
        for name, shape in CASES:
            x = rng.standard_normal(shape).astype(np.float32)
            grad = rng.standard_normal(shape).astype(np.float32)
            ours = getattr(nn, name)(shape[1])
            theirs = getattr(torch.nn, name)(shape[1])
            x_t = torch.from_numpy(x).requires_grad_()
            grad_t = torch.from_numpy(grad)

            def ours_step(layer=ours, x=x, grad=grad):
                layer(x)
                layer.backward(grad)

            def torch_step(layer=theirs, x=x_t, grad=grad_t):
                layer(x).backward(grad)

            t_ours = best_time(ours_step, args.repeats)
            t_torch = best_time(torch_step, args.repeats)
            print(f"{name:<12}{str(shape):>20}{t_ours * 1e3:11.2f}{t_torch * 1e3:12.2f}"
                  f"{t_ours / t_torch:8.2f}")


if __name__ == "__main__":
    main()
