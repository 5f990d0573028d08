"""Synthetic sequence tasks that need memory: the adding problem and the copy task."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_float_dtype, check_int, check_positive_int
from dlbook.random import resolve_rng

__all__ = ["adding_problem", "copy_task"]


def adding_problem(
    n_samples: int = 1000,
    seq_len: int = 50,
    rng: Any = 0,
    *,
    lag: int | None = None,
    dtype: Any = np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: remember two marked numbers in a long sequence and add them.

    Each sequence has two channels: ``X[:, t, 0]`` is a value drawn from U(0, 1) and
    ``X[:, t, 1]`` is a marker that is 1 at exactly two steps and 0 elsewhere. The target is
    the sum of the two marked values, read after the last step. A model that ignores the
    markers can do no better than predicting the mean, 1 (mean squared error 1/6).

    Hochreiter and Schmidhuber (1997) introduced the task (with values in [-1, 1] and a
    rescaled target); this is the simpler form of later work on recurrent networks (Le et
    al., 2015): values in [0, 1] and the plain sum as the target.

    Parameters
    ----------
    n_samples, seq_len : int
        Number of sequences and steps per sequence (``seq_len >= 2``).
    rng : int, numpy.random.Generator or None
        Seed of the generator (``None`` for fresh randomness).
    lag : int or None
        Where the markers go. ``None`` (default): the first uniformly in the first half
        (steps ``0 .. seq_len // 2 - 1``), the second uniformly in the second half. An int
        in ``[1, seq_len - 1]``: the first marker exactly ``lag`` steps before the last step
        (at ``seq_len - 1 - lag``) and the second uniformly after it, so ``lag`` is how long
        the first value must be remembered.
    dtype : numpy dtype, default float32
        dtype of ``X`` and ``y``.

    Returns
    -------
    X : numpy.ndarray
        ``(n_samples, seq_len, 2)`` (batch first).
    y : numpy.ndarray
        ``(n_samples,)``, the sum of the two marked values.

    Examples
    --------
    >>> X, y = adding_problem(4, 10, rng=0)
    >>> X.shape, y.shape, X[..., 1].sum(axis=1).tolist()
    ((4, 10, 2), (4,), [2.0, 2.0, 2.0, 2.0])
    >>> bool(np.allclose((X[..., 0] * X[..., 1]).sum(axis=1), y))
    True

    Introduced in :doc:`/book/sequences/vanishing-gradients`.
    """
    caller = "adding_problem"
    n_samples = check_positive_int(n_samples, "n_samples", caller=caller)
    seq_len = check_int(seq_len, "seq_len", caller=caller, minimum=2)
    dtype = check_float_dtype(dtype, caller=caller)
    rng = resolve_rng(rng, caller="adding_problem")
    values = rng.uniform(0.0, 1.0, size=(n_samples, seq_len))
    if lag is None:
        half = seq_len // 2
        first = rng.integers(0, half, size=n_samples)
        second = rng.integers(half, seq_len, size=n_samples)
    else:
        lag = check_int(lag, "lag", caller=caller, minimum=1)
        if lag > seq_len - 1:
            raise ValueError(f"{caller}: expected lag <= seq_len - 1 = {seq_len - 1}, got {lag}")
        first = np.full(n_samples, seq_len - 1 - lag)
        second = rng.integers(first + 1, seq_len)  # strictly after the first marker
    markers = np.zeros((n_samples, seq_len))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(dtype)  # (n, T, 2)
    y = (values[rows, first] + values[rows, second]).astype(dtype)
    return X, y


def copy_task(
    n_samples: int = 1000,
    seq_len: int = 10,
    delay: int = 20,
    n_symbols: int = 8,
    rng: Any = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The copy task: read a few symbols, wait, and reproduce them after a delimiter.

    Token 0 is the blank, tokens ``1 .. n_symbols`` are the symbols and token
    ``n_symbols + 1`` is the delimiter. Each input sequence is ``seq_len`` random symbols,
    ``delay - 1`` blanks, the delimiter, then ``seq_len`` blanks; the target is blank for the
    first ``seq_len + delay`` steps and then the ``seq_len`` symbols. The total length is
    ``2 * seq_len + delay`` and the network must hold the symbols for ``delay`` steps and
    more (the form of Arjovsky et al., 2016, after Hochreiter and Schmidhuber, 1997).
    Predicting blanks and then random symbols gives a cross-entropy of
    ``seq_len * log(n_symbols) / (2 * seq_len + delay)`` per step.

    Parameters
    ----------
    n_samples, seq_len, delay, n_symbols : int
        Sequences, symbols to copy, steps between the last symbol and the delimiter's
        successor (``delay >= 1``), size of the alphabet.
    rng : int, numpy.random.Generator or None
        Seed of the generator.

    Returns
    -------
    X, y : numpy.ndarray
        int64 tokens, ``(n_samples, 2 * seq_len + delay)`` each (batch first); a model
        needs ``n_symbols + 2`` input tokens and ``n_symbols + 1`` output classes.

    Examples
    --------
    >>> X, y = copy_task(1, seq_len=3, delay=2, n_symbols=4, rng=0)
    >>> X.tolist(), y.tolist()
    ([[4, 3, 3, 0, 5, 0, 0, 0]], [[0, 0, 0, 0, 0, 4, 3, 3]])

    Introduced in :doc:`/book/sequences/patterns`.
    """
    caller = "copy_task"
    n_samples = check_positive_int(n_samples, "n_samples", caller=caller)
    seq_len = check_positive_int(seq_len, "seq_len", caller=caller)
    delay = check_positive_int(delay, "delay", caller=caller)
    n_symbols = check_positive_int(n_symbols, "n_symbols", caller=caller)
    rng = resolve_rng(rng, caller="copy_task")
    symbols = rng.integers(1, n_symbols + 1, size=(n_samples, seq_len))
    total = 2 * seq_len + delay
    X = np.zeros((n_samples, total), dtype=np.int64)
    y = np.zeros((n_samples, total), dtype=np.int64)
    X[:, :seq_len] = symbols
    X[:, seq_len + delay - 1] = n_symbols + 1
    y[:, seq_len + delay:] = symbols
    return X, y
