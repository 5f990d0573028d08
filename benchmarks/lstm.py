"""One LSTM forward + backward (BPTT): dlbook's NumPy and PyTorch LSTMs against torch.nn.LSTM.

    .venv/bin/python benchmarks/lstm.py [--batch 32] [--steps 50] [--input 32] [--hidden 64]

Every contender runs the same single-layer LSTM (same weights, float32, batch-first input
off) on the same random batch: a forward pass over all steps and the backward pass for a
random upstream gradient of the output, weight gradients included. On the CPU:

- ``numpy``: :class:`dlbook.np.nn.LSTM` (forward and hand-written BPTT), goal at most 3 x;
- ``dlbook.torch``: :class:`dlbook.torch.nn.LSTM` (torch operations, autograd), goal 2 x;

both against ``torch.nn.LSTM`` on the CPU, with one thread for torch and for NumPy's BLAS
by default (``--threads``: these matrices are too small to gain from more). On CUDA, when
a GPU is present, dlbook's PyTorch LSTM eager and ``torch.compile``'d against
``torch.nn.LSTM`` (cuDNN). Prints the median time of ``--repeats`` runs and the ratio to
torch's; asserts nothing (timings are noisy).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from dlbook.np import nn as np_nn
from dlbook.torch import nn as torch_nn


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--input", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for torch and NumPy's BLAS alike (0: library defaults)")
    return parser.parse_args()


def median_time(run: Callable[[], object], repeats: int, sync: Callable[[], None]) -> float:
    for _ in range(3):  # warm up (caches, allocator, compilation)
        run()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def torch_runner(module: torch.nn.Module, x: torch.Tensor, grad: torch.Tensor):
    def run() -> None:
        module.zero_grad(set_to_none=True)
        x.grad = None
        output, _ = module(x)
        output.backward(grad)
    return run


def main() -> None:
    args = parse_args()
    if args.threads:
        # Small matrices: one thread each is fastest, and the same for both sides is fair.
        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    shape = (args.steps, args.batch, args.input)
    torch.manual_seed(0)
    reference = torch.nn.LSTM(args.input, args.hidden)
    state = reference.state_dict()
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    grad_np = rng.standard_normal((args.steps, args.batch, args.hidden)).astype(np.float32)
    rows: list[tuple[str, str, float, float]] = []

    # --- CPU ------------------------------------------------------------------------------
    x_cpu = torch.from_numpy(x_np).requires_grad_()
    grad_cpu = torch.from_numpy(grad_np)
    base = median_time(torch_runner(reference, x_cpu, grad_cpu), args.repeats, lambda: None)
    rows.append(("cpu", "torch.nn.LSTM", base, 1.0))

    ours_np = np_nn.LSTM(args.input, args.hidden)
    ours_np.load_state_dict(state)

    def run_numpy() -> None:
        ours_np.zero_grad()
        ours_np(x_np)
        ours_np.backward(grad_np)

    seconds = median_time(run_numpy, args.repeats, lambda: None)
    rows.append(("cpu", "dlbook.np.nn.LSTM", seconds, seconds / base))
    ours_torch = torch_nn.LSTM(args.input, args.hidden)
    ours_torch.load_state_dict(state)
    seconds = median_time(torch_runner(ours_torch, x_cpu, grad_cpu), args.repeats, lambda: None)
    rows.append(("cpu", "dlbook.torch.nn.LSTM", seconds, seconds / base))

    # --- CUDA -----------------------------------------------------------------------------
    if torch.cuda.is_available():
        device = torch.device("cuda")
        sync = torch.cuda.synchronize
        x_gpu = x_cpu.detach().to(device).requires_grad_()
        grad_gpu = grad_cpu.to(device)
        cudnn = reference.to(device)
        base = median_time(torch_runner(cudnn, x_gpu, grad_gpu), args.repeats, sync)
        rows.append(("cuda", "torch.nn.LSTM (cuDNN)", base, 1.0))
        eager = torch_nn.LSTM(args.input, args.hidden).to(device)
        eager.load_state_dict(state)
        seconds = median_time(torch_runner(eager, x_gpu, grad_gpu), args.repeats, sync)
        rows.append(("cuda", "dlbook.torch.nn.LSTM eager", seconds, seconds / base))
        compiled = torch.compile(eager)
        seconds = median_time(torch_runner(compiled, x_gpu, grad_gpu), args.repeats, sync)
        rows.append(("cuda", "dlbook.torch.nn.LSTM compiled", seconds, seconds / base))
    else:
        rows.append(("cuda", "(no GPU: skipped)", float("nan"), float("nan")))

    print(f"LSTM forward + backward: batch {args.batch}, {args.steps} steps, "
          f"{args.input} inputs, {args.hidden} hidden, float32, median of {args.repeats}; "
          f"threads {torch.get_num_threads()}")
    print(f"{'device':<6} {'implementation':<32} {'time (ms)':>10} {'ratio':>7}")
    for device_name, name, seconds, ratio in rows:
        print(f"{device_name:<6} {name:<32} {seconds * 1e3:>10.2f} {ratio:>6.2f}x")


if __name__ == "__main__":
    main()
