"""Mini-batches of padded sequences, each batch cut to the length of its longest member."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dlbook._checks import check_positive_int, type_name

__all__ = ["PaddedBatchLoader"]


class PaddedBatchLoader:
    """Iterate over ``(ids, targets, lengths)`` batches of padded sequences.

    Each batch is cut to the length of its own longest sequence, so a batch of short sentences
    carries little padding, and the lengths travel with it as the third element, which
    :func:`dlbook.torch.train.fit` passes to the model as ``model(ids, lengths)``.

    Parameters
    ----------
    ids
        Token ids padded at the end, shape ``(N, T)`` (as :func:`dlbook.data.pad_sequences`
        returns them).
    lengths
        True length of each sequence, shape ``(N,)``, each in ``1 .. T``.
    targets
        One target per sequence, shape ``(N, ...)``.
    batch_size
        Sequences per batch (the last batch of an epoch may be smaller).
    rng
        ``None`` for the sequences in their order; a seed or :class:`numpy.random.Generator`
        to draw a fresh order (``rng.permutation(N)``) at the start of every pass.

    >>> ids = np.array([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    >>> [(b.shape, l.tolist()) for b, _, l in PaddedBatchLoader(ids, [2, 1, 3], [0, 1, 0], 2)]
    [((2, 2), [2, 1]), ((1, 3), [3])]

    Introduced in :doc:`/book/sequences/text-classification`.
    """

    def __init__(self, ids: np.ndarray, lengths: np.ndarray, targets: np.ndarray,
                 batch_size: int, rng: int | np.random.Generator | None = None) -> None:
        caller = "PaddedBatchLoader"
        self.ids, self.lengths, self.targets = (np.asarray(ids), np.asarray(lengths),
                                                np.asarray(targets))
        if self.ids.ndim != 2:
            raise ValueError(f"{caller}: expected ids of shape (N, T), got {self.ids.shape}")
        n, width = self.ids.shape
        if self.lengths.shape != (n,) or self.targets.shape[:1] != (n,):
            raise ValueError(f"{caller}: expected lengths of shape ({n},) and targets of "
                             f"shape ({n}, ...), got {self.lengths.shape} and "
                             f"{self.targets.shape}")
        if self.lengths.dtype.kind not in "iu":
            raise TypeError(f"{caller}: expected integer lengths, got dtype {self.lengths.dtype}")
        if n and (self.lengths.min() < 1 or self.lengths.max() > width):
            raise ValueError(f"{caller}: expected lengths in 1 .. {width}, got "
                             f"{self.lengths.min()} .. {self.lengths.max()}")
        self.batch_size = check_positive_int(batch_size, "batch_size", caller=caller)
        if rng is not None and not isinstance(rng, (int, np.integer, np.random.Generator)):
            raise TypeError(f"{caller}: expected rng to be None, a seed or a "
                            f"numpy.random.Generator, got {type_name(rng)}")
        self.rng = None if rng is None else np.random.default_rng(rng)

    def __len__(self) -> int:
        return -(-len(self.ids) // self.batch_size)  # ceil(N / batch_size)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        n = len(self.ids)
        order = np.arange(n) if self.rng is None else self.rng.permutation(n)
        for start in range(0, n, self.batch_size):
            rows = order[start:start + self.batch_size]
            width = self.lengths[rows].max()  # pad this batch only to its own longest sequence
            yield self.ids[rows, :width], self.targets[rows], self.lengths[rows]
