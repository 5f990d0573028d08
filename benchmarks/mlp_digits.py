"""dlbook's NumPy MLP against scikit-learn's MLPClassifier on the 8 x 8 digits.

    .venv/bin/python benchmarks/mlp_digits.py [--epochs 30] [--repeats 5] [--dtype float64]

Both train the same network (64 inputs, one hidden ReLU layer of 128, 10 outputs, softmax
cross-entropy) with the same optimiser (plain SGD with momentum 0.9, constant learning rate,
no Nesterov, no weight decay), the same batch size, the same number of epochs (every epoch
reshuffled, the last partial batch kept), the same dtype and the same train/test split.
What differs, and cannot be made equal through scikit-learn's public API: the initial weights
(scikit-learn draws Glorot-uniform weights and biases, dlbook draws torch's
U(-1/sqrt(fan_in), 1/sqrt(fan_in))) and the random streams of the shuffles, hence the repeats
over seeds.

Prints a table of test accuracy and training time over the repeats, the difference of the
mean accuracies and the median over repeats of the time ratio ours / scikit-learn. Asserts
nothing: timings on a shared machine are noisy. The targets are an accuracy within 0.5
percentage points and a time at most 1.5 x scikit-learn's.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from dlbook.data import DataLoader, load_digits
from dlbook.metrics import accuracy
from dlbook.np import nn, optim
from dlbook.np.train import fit, predict


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    return parser.parse_args()


def train_ours(data, args, seed: int) -> tuple[float, float]:
    X_train, X_test, y_train, y_test = data
    dtype = np.dtype(args.dtype)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(X_train.shape[1], args.hidden, dtype=dtype, rng=rng),
        nn.ReLU(),
        nn.Linear(args.hidden, 10, dtype=dtype, rng=rng),
    )
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                          nesterov=False, weight_decay=0.0)
    loader = DataLoader(X_train, y_train, batch_size=args.batch_size, shuffle=True, rng=seed)
    # Like scikit-learn, record the loss only (no per-epoch training accuracy).
    fit(model, nn.CrossEntropyLoss(), optimizer, loader, epochs=args.epochs, metric=None,
        progress=False)
    seconds = time.perf_counter() - start
    return accuracy(y_test, predict(model, X_test)), seconds


def train_sklearn(data, args, seed: int) -> tuple[float, float]:
    X_train, X_test, y_train, y_test = data
    classifier = MLPClassifier(
        hidden_layer_sizes=(args.hidden,),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=args.batch_size,
        learning_rate="constant",
        learning_rate_init=args.lr,
        momentum=args.momentum,
        nesterovs_momentum=False,
        max_iter=args.epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=args.epochs + 1,  # never stop early: run every epoch
        early_stopping=False,
        random_state=seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Reaching max_iter is the point here, not a convergence failure.
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    assert classifier.n_iter_ == args.epochs, classifier.n_iter_
    return accuracy(y_test, classifier.predict(X_test)), seconds


def main() -> None:
    args = parse_args()
    X, y = load_digits(dtype=np.dtype(args.dtype))
    data = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    print(f"digits: {len(data[0])} training, {len(data[1])} test images; "
          f"64-{args.hidden}-10 ReLU, SGD lr={args.lr} momentum={args.momentum}, "
          f"batch {args.batch_size}, {args.epochs} epochs, {args.dtype}, "
          f"{args.repeats} repeats")
    train_ours(data, args, seed=12345)  # warm-up: imports, first-call overheads
    train_sklearn(data, args, seed=12345)
    results: dict[str, list[tuple[float, float]]] = {"dlbook (NumPy)": [], "scikit-learn": []}
    for seed in range(args.repeats):  # interleaved, so that load on the machine hits both
        results["dlbook (NumPy)"].append(train_ours(data, args, seed))
        results["scikit-learn"].append(train_sklearn(data, args, seed))
    print(f"\n{'':16} {'accuracy: median':>16} {'mean':>7} {'min..max':>15}   "
          f"{'time (s): median':>16} {'min':>6}")
    for name, runs in results.items():
        accs, times = [a for a, _ in runs], [t for _, t in runs]
        print(f"{name:16} {statistics.median(accs):16.2%} {statistics.mean(accs):7.2%} "
              f"{min(accs):7.2%}..{max(accs):6.2%}   {statistics.median(times):16.3f} "
              f"{min(times):6.3f}")
    ours, theirs = results.values()
    gap = 100 * (statistics.mean(a for a, _ in ours) - statistics.mean(a for a, _ in theirs))
    # Each repeat runs both back to back, so the ratio within a repeat sees the same load.
    ratio = statistics.median(t_ours / t_theirs for (_, t_ours), (_, t_theirs) in zip(
        ours, theirs, strict=True))
    print(f"\nmean accuracy difference (ours - sklearn): {gap:+.2f} points (target: within 0.5; "
          f"one test image is {100 / len(data[1]):.2f} points)")
    print(f"time ratio ours / sklearn, median over repeats: {ratio:.2f} (target: at most 1.5)")


if __name__ == "__main__":
    main()
