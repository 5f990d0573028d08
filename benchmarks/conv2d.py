"""dlbook's NumPy Conv2d (im2col + one matrix product) against torch's on the CPU.

    .venv/bin/python benchmarks/conv2d.py [--repeats 7] [--batch 64] [--padding 1]

For each input size (28 x 28 and 8 x 8, batch 64, 32 -> 64 channels, 3 x 3 kernel, float32)
it times one forward and one backward pass of ``dlbook.np.nn.functional.conv2d_forward`` /
``conv2d_backward`` and of ``torch.nn.functional.conv2d`` with autograd, best of
``--repeats`` (the minimum is the least disturbed by other work on a shared machine). Both
run on ``--threads`` threads (default 1: NumPy's BLAS through threadpoolctl, torch through
``torch.set_num_threads``); on a loaded machine a multi-threaded BLAS call waits for every
thread to be scheduled, which made timings swing by 20 x, so one thread is the fair default.

It also measures the forward matrix product ``weight (M=F, K=C*kH*kW) @ cols (K, N=batch*H*W)``:
the GFLOP/s it reaches inside our forward pass, and the GFLOP/s of the whole forward pass
(2 M K N flops over the time including the im2col copy), each as a fraction of a plain NumPy
matmul of fresh contiguous arrays of the same (M, K, N).

Goals: time at most 2 x torch's; the product at least 60% of a plain matmul. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from dlbook.np.nn import functional as F


def best_time(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up caches, allocators and thread pools
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(size: int, args: argparse.Namespace) -> dict[str, float]:
    rng = np.random.default_rng(0)
    n, c, f, k = args.batch, args.in_channels, args.out_channels, args.kernel_size
    x = rng.standard_normal((n, c, size, size), dtype=np.float32)
    weight = rng.standard_normal((f, c, k, k), dtype=np.float32) * 0.1
    bias = rng.standard_normal(f, dtype=np.float32)
    hyper = {"stride": 1, "padding": args.padding, "dilation": 1}
    out, cache = F.conv2d_forward(x, weight, bias, **hyper)
    grad_output = rng.standard_normal(out.shape, dtype=np.float32)

    def ours() -> None:
        _, cache = F.conv2d_forward(x, weight, bias, **hyper)
        F.conv2d_backward(grad_output, cache)

    tensors = [torch.tensor(a, requires_grad=True) for a in (x, weight, bias)]
    grad_t = torch.tensor(grad_output)

    def theirs() -> None:
        torch.nn.functional.conv2d(*tensors, **hyper).backward(grad_t)
        for t in tensors:
            t.grad = None

    forward_ours = best_time(lambda: F.conv2d_forward(x, weight, bias, **hyper), args.repeats)
    total_ours = best_time(ours, args.repeats)
    total_theirs = best_time(theirs, args.repeats)

    cols = cache[0]  # (K, N*Ho*Wo), as our forward pass builds it
    weight_2d = weight.reshape(f, -1)
    m, inner, columns = weight_2d.shape[0], cols.shape[0], cols.shape[1]
    flops = 2 * m * inner * columns
    product = best_time(lambda: weight_2d @ cols, args.repeats)
    plain_a = rng.standard_normal((m, inner), dtype=np.float32)
    plain_b = rng.standard_normal((inner, columns), dtype=np.float32)
    plain = best_time(lambda: plain_a @ plain_b, args.repeats)
    return {
        "size": size, "ours": total_ours, "torch": total_theirs,
        "ratio": total_ours / total_theirs, "mkn": (m, inner, columns),
        "product_gflops": flops / product / 1e9, "forward_gflops": flops / forward_ours / 1e9,
        "plain_gflops": flops / plain / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--in-channels", type=int, default=32)
    parser.add_argument("--out-channels", type=int, default=64)
    parser.add_argument("--kernel-size", type=int, default=3)
    parser.add_argument("--padding", type=int, default=1)
    parser.add_argument("--sizes", type=int, nargs="+", default=[28, 8])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads, user_api="blas"):
        report(args)


def report(args: argparse.Namespace) -> None:
    print(f"Conv2d forward + backward, float32, batch {args.batch}, {args.in_channels} -> "
          f"{args.out_channels} channels, {args.kernel_size} x {args.kernel_size}, padding "
          f"{args.padding}; {args.threads} thread(s) each; torch {torch.__version__}, NumPy "
          f"{np.__version__}, {os.cpu_count()} CPUs; best of {args.repeats}\n")
    header = (f"{'input':>7} {'ours ms':>9} {'torch ms':>9} {'ratio':>6} | {'(M, K, N)':>18} "
              f"{'product':>9} {'forward':>9} {'plain':>9} {'prod/plain':>10} {'fwd/plain':>9}")
    print(header)
    print(f"{'':>35} | {'':>18} {'GFLOP/s':>9} {'GFLOP/s':>9} {'GFLOP/s':>9}")
    print("-" * len(header))
    for size in args.sizes:
        r = run(size, args)
        print(f"{size:>4}x{size:<2} {1e3 * r['ours']:>9.1f} {1e3 * r['torch']:>9.1f} "
              f"{r['ratio']:>6.2f} | {str(r['mkn']):>18} {r['product_gflops']:>9.1f} "
              f"{r['forward_gflops']:>9.1f} {r['plain_gflops']:>9.1f} "
              f"{r['product_gflops'] / r['plain_gflops']:>10.0%} "
              f"{r['forward_gflops'] / r['plain_gflops']:>9.0%}")
    print("\ngoals: ratio <= 2 (ours / torch); product / plain >= 60%")


if __name__ == "__main__":
    main()
