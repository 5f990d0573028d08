"""Mini-batches of NumPy arrays: what one epoch and one iteration mean in code."""

from __future__ import annotations

import copy
import numbers
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from dlbook._checks import check_array, check_positive_int, check_type
from dlbook.random import get_rng


class DataLoader:
    """Iterate over ``(X, y)`` in mini-batches, reshuffling every epoch if asked.

    One *iteration* is one batch (one optimiser step); one *epoch* is one pass over all ``N``
    samples. ``len(loader)`` is the number of iterations per epoch: ``ceil(N / batch_size)``,
    or ``floor(N / batch_size)`` with ``drop_last=True``. With 1,000 samples and a batch size
    of 100 an epoch is 10 iterations; with 1,050 samples it is 11, the last batch holding only
    50 samples (or 10 iterations with ``drop_last=True``, the 50 left over being skipped that
    epoch).

    Parameters
    ----------
    X
        Inputs, a NumPy array of shape (N, ...).
    y
        Targets, a NumPy array of shape (N, ...), or ``None`` to iterate over ``X`` alone.
    batch_size
        Samples per batch (the last batch of an epoch may be smaller).
    shuffle
        Draw a fresh random order of the samples at the start of every epoch, so each sample
        appears exactly once per epoch but batches differ from epoch to epoch.
    drop_last
        Skip the final partial batch, so that every batch has exactly ``batch_size`` samples.
    rng
        Seed (or :class:`numpy.random.Generator`) of the loader's own shuffling generator. With
        ``None`` the seed is drawn from :func:`dlbook.random.get_rng`, so
        :func:`dlbook.random.manual_seed` makes the order reproducible.

    Attributes
    ----------
    epoch : int
        Number of complete passes over the data so far.
    iteration : int
        Number of batches yielded so far, over all epochs.

    Its position and shuffling generator are saved by :meth:`state_dict` and restored by
    :meth:`load_state_dict`, so a training run resumed from a checkpoint draws the same
    orders as one that was never interrupted.

    Yields
    ------
    (xb, yb) or xb
        Arrays of shape (B, ...) with ``B <= batch_size``; a batch is a view of ``X`` when the
        order is sequential and a copy when shuffled.

    Examples
    --------
    >>> X, y = np.arange(1000.0).reshape(1000, 1), np.arange(1000) % 2
    >>> loader = DataLoader(X, y, batch_size=100, shuffle=True, rng=0)
    >>> len(loader)
    10
    >>> for xb, yb in loader:
    ...     pass
    >>> loader.epoch, loader.iteration, xb.shape
    (1, 10, (100, 1))
    >>> [len(xb) for xb, yb in DataLoader(X[:250], y[:250], batch_size=100)]
    [100, 100, 50]

    Introduced in :doc:`/book/foundations/training`.
    """

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray | None = None,
        *,
        batch_size: int,
        shuffle: bool = False,
        drop_last: bool = False,
        rng: int | np.random.Generator | None = None,
    ) -> None:
        caller = "DataLoader"
        check_array(X, "X", caller=caller)
        if X.ndim == 0 or X.shape[0] == 0:
            raise ValueError(f"{caller}: expected X of shape (N, ...) with N >= 1, got {X.shape}")
        if y is not None:
            check_array(y, "y", caller=caller)
            if y.ndim == 0 or y.shape[0] != X.shape[0]:
                raise ValueError(
                    f"{caller}: expected y with the same number of samples as X ({X.shape[0]}), "
                    f"got shape {y.shape}"
                )
        self.batch_size = check_positive_int(batch_size, "batch_size", caller=caller)
        self.shuffle = check_type(shuffle, "shuffle", bool, caller=caller)
        self.drop_last = check_type(drop_last, "drop_last", bool, caller=caller)
        if drop_last and self.batch_size > X.shape[0]:
            raise ValueError(
                f"{caller}: batch_size={self.batch_size} with drop_last=True and only "
                f"{X.shape[0]} samples would give no batch at all"
            )
        if rng is not None and not isinstance(rng, np.random.Generator):
            if isinstance(rng, bool) or not isinstance(rng, numbers.Integral) or rng < 0:
                raise TypeError(
                    f"{caller}: expected rng to be a non-negative int, a numpy Generator or "
                    f"None, got {rng!r}"
                )
        self.X = X
        self.y = y
        self.rng = rng
        self._rng: np.random.Generator | None = None
        self.epoch = 0
        self.iteration = 0

    @property
    def num_samples(self) -> int:
        """``N``, the number of samples in one epoch (before ``drop_last``)."""
        return int(self.X.shape[0])

    def __len__(self) -> int:
        """Iterations per epoch: ``ceil(N / batch_size)``, or ``floor`` with ``drop_last``."""
        full, remainder = divmod(self.num_samples, self.batch_size)
        return full if self.drop_last or remainder == 0 else full + 1

    def _generator(self) -> np.random.Generator:
        if self._rng is None:
            if isinstance(self.rng, np.random.Generator):
                self._rng = self.rng
            elif self.rng is not None:
                self._rng = np.random.default_rng(self.rng)
            else:
                self._rng = np.random.default_rng(int(get_rng().integers(2**63)))
        return self._rng

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray] | np.ndarray]:
        n_samples, batch_size = self.num_samples, self.batch_size
        order = self._generator().permutation(n_samples) if self.shuffle else None
        for batch in range(len(self)):
            start = batch * batch_size
            stop = min(start + batch_size, n_samples)
            # Sequential order: slices are views (no copy). Shuffled: gather a copy.
            index = slice(start, stop) if order is None else order[start:stop]
            self.iteration += 1
            if self.y is None:
                yield self.X[index]
            else:
                yield self.X[index], self.y[index]
        self.epoch += 1

    def state_dict(self) -> dict[str, Any]:
        """The loader's position and the state of its shuffling generator.

        ``{"epoch": ..., "iteration": ..., "rng": ...}``, where ``"rng"`` is the generator's
        ``bit_generator.state`` (a dict of ints and strings) or ``None`` while no order has
        been drawn yet. Only plain Python values, so ``torch.load(..., weights_only=True)``
        and JSON can hold it.

        >>> X = np.arange(10.0).reshape(10, 1)
        >>> loader = DataLoader(X, batch_size=5, shuffle=True, rng=0)
        >>> _ = list(loader); saved = loader.state_dict()
        >>> following = [xb[:, 0].tolist() for xb in loader]
        >>> other = DataLoader(X, batch_size=5, shuffle=True, rng=123)
        >>> other.load_state_dict(saved)
        >>> [xb[:, 0].tolist() for xb in other] == following, other.epoch
        (True, 2)

        Introduced in :doc:`/book/optimisation/regularisation`.
        """
        rng = None if self._rng is None else copy.deepcopy(self._rng.bit_generator.state)
        return {"epoch": self.epoch, "iteration": self.iteration, "rng": rng}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (position and shuffling generator)."""
        caller = "DataLoader.load_state_dict"
        if not isinstance(state_dict, Mapping) or not {"epoch", "iteration", "rng"} <= set(
                state_dict):
            raise TypeError(f"{caller}: expected a dict with keys 'epoch', 'iteration' and "
                            f"'rng', got {state_dict!r:.80}")
        rng_state = state_dict["rng"]
        if rng_state is None:
            self._rng = self.rng if isinstance(self.rng, np.random.Generator) else None
        else:
            rng_state = copy.deepcopy(dict(rng_state))
            name = rng_state.get("bit_generator")
            bit_generator_class = getattr(np.random, str(name), None)
            if bit_generator_class is None:
                raise ValueError(f"{caller}: unknown bit generator {name!r} in the saved state")
            generator = self.rng if isinstance(self.rng, np.random.Generator) else self._rng
            if generator is None or type(generator.bit_generator) is not bit_generator_class:
                generator = np.random.Generator(bit_generator_class())
            generator.bit_generator.state = rng_state
            self._rng = generator
        self.epoch = int(state_dict["epoch"])
        self.iteration = int(state_dict["iteration"])

    def __repr__(self) -> str:
        return (
            f"DataLoader(num_samples={self.num_samples}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, iterations={len(self)})"
        )
