"""A loader that transforms the inputs of every batch of another loader: augmentation."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from dlbook._checks import type_name
from dlbook.random import resolve_rng

__all__ = ["TransformedLoader"]


class TransformedLoader:
    """Yield the batches of ``loader`` with ``transform(xb, rng)`` in place of each ``xb``.

    The usual way to augment data: wrap a :class:`~dlbook.data.DataLoader` and give the wrapper
    to ``fit`` instead. It is re-iterable, so every epoch draws fresh transformations, all from
    one generator ``rng`` that lives as long as the loader: the draws of epoch 2 follow those
    of epoch 1, and the same ``rng`` seed gives the same run. Targets (and a third batch
    element, such as sequence lengths) pass through unchanged; a loader of bare inputs (no
    targets) yields transformed inputs.

    The generator's state and the wrapped loader's (its shuffling order) are saved by
    :meth:`state_dict`, so ``fit(..., resume_from=...)`` continues an augmented run exactly.

    Parameters
    ----------
    loader
        An iterable of batches ``(xb, yb)``, ``(xb, yb, extra)`` or ``xb``, re-iterable once
        per epoch (a :class:`~dlbook.data.DataLoader`).
    transform
        ``transform(xb, rng) -> xb``: the transformed inputs of one batch, drawing any
        randomness from ``rng``.
    rng
        ``None`` (the package's global generator), an int seed or a
        :class:`numpy.random.Generator`.

    Examples
    --------
    >>> from dlbook.data import DataLoader
    >>> X, y = np.zeros((6, 2)), np.arange(6)
    >>> def jitter(xb, rng):
    ...     return xb + rng.normal(0.0, 0.1, xb.shape)
    >>> noisy = TransformedLoader(DataLoader(X, y, batch_size=4), jitter, rng=0)
    >>> len(noisy), [xb.shape for xb, yb in noisy]
    (2, [(4, 2), (2, 2)])
    >>> first, second = [xb for xb, _ in noisy], [xb for xb, _ in noisy]
    >>> bool(np.array_equal(first[0], second[0]))  # each epoch draws afresh
    False

    Introduced in :doc:`/book/optimisation/regularisation`.
    """

    def __init__(self, loader: Any, transform: Callable[[Any, np.random.Generator], Any], *,
                 rng: Any = None) -> None:
        caller = "TransformedLoader"
        if not hasattr(loader, "__iter__") or isinstance(loader, (str, bytes)):
            raise TypeError(f"{caller}: expected loader to be an iterable of batches (a "
                            f"dlbook.data.DataLoader), got {type_name(loader)}")
        if not callable(transform):
            raise TypeError(f"{caller}: expected transform to be a function "
                            f"transform(xb, rng) -> xb, got {type_name(transform)}")
        self.loader = loader
        self.transform = transform
        self.rng = resolve_rng(rng, caller=caller)

    def __len__(self) -> int:
        """The wrapped loader's number of batches per epoch."""
        return len(self.loader)

    def __iter__(self) -> Iterator[Any]:
        for batch in self.loader:
            if isinstance(batch, (tuple, list)):
                yield (self.transform(batch[0], self.rng), *batch[1:])
            else:
                yield self.transform(batch, self.rng)

    def state_dict(self) -> dict[str, Any]:
        """``{"rng": ..., "loader": ...}``: the generator's ``bit_generator.state`` and the
        wrapped loader's ``state_dict()`` (``None`` if it has none)."""
        inner = self.loader.state_dict() if callable(
            getattr(self.loader, "state_dict", None)) else None
        return {"rng": copy.deepcopy(self.rng.bit_generator.state), "loader": inner}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""
        caller = "TransformedLoader.load_state_dict"
        if not isinstance(state_dict, Mapping) or not {"rng", "loader"} <= set(state_dict):
            raise TypeError(f"{caller}: expected a dict with keys 'rng' and 'loader', got "
                            f"{state_dict!r:.80}")
        rng_state = copy.deepcopy(dict(state_dict["rng"]))
        if rng_state.get("bit_generator") != type(self.rng.bit_generator).__name__:
            raise ValueError(f"{caller}: the saved generator is a "
                             f"{rng_state.get('bit_generator')!r}, this loader's rng a "
                             f"{type(self.rng.bit_generator).__name__!r}")
        self.rng.bit_generator.state = rng_state
        if state_dict["loader"] is not None:
            self.loader.load_state_dict(state_dict["loader"])

    def __repr__(self) -> str:
        return f"TransformedLoader({self.loader!r}, {getattr(self.transform, '__name__', '?')})"
