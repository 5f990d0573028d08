"""The package's global random number generator, seeded like ``torch.manual_seed``.

Every layer that draws random numbers (initial weights, say) takes a keyword ``rng``; when
it is ``None`` the layer uses the one global :class:`numpy.random.Generator` returned by
:func:`get_rng`. Seeding it with :func:`manual_seed` makes everything after that
reproducible, as ``torch.manual_seed`` does for PyTorch. The generator is on the shared
floor, so the NumPy layers, :mod:`dlbook.data` and the tools all draw from it;
:mod:`dlbook.np.random` re-exports these functions (``dnp.manual_seed`` is this one).

>>> import dlbook.np as dnp
>>> _ = dnp.manual_seed(0)
>>> first = get_rng().random()
>>> _ = manual_seed(0)
>>> get_rng().random() == first
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_int, type_name

__all__ = ["manual_seed", "get_rng", "resolve_rng"]

# One generator object for the whole process: manual_seed resets its state in place, so a
# generator fetched before seeding is seeded too.
_GENERATOR = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the global generator (as ``torch.manual_seed`` does) and return it.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    numpy.random.Generator
        The global generator, now in the state ``np.random.default_rng(seed)`` starts in.

    Examples
    --------
    >>> float(manual_seed(42).random()) == float(np.random.default_rng(42).random())
    True

    Introduced in :doc:`/book/foundations/neuron`.
    """
    seed = check_int(seed, "seed", caller="manual_seed", minimum=0)
    _GENERATOR.bit_generator.state = np.random.default_rng(seed).bit_generator.state
    return _GENERATOR


def get_rng() -> np.random.Generator:
    """Return the global generator (the default ``rng`` of every layer).

    >>> get_rng() is get_rng()
    True

    Introduced in :doc:`/book/foundations/neuron`.
    """
    return _GENERATOR


def resolve_rng(rng: Any, *, caller: str) -> np.random.Generator:
    """Turn an ``rng`` argument into a generator.

    ``None`` means the global generator, an ``int`` is a seed for a fresh generator and a
    :class:`numpy.random.Generator` is used as it is.

    >>> resolve_rng(None, caller="Linear") is get_rng()
    True
    >>> resolve_rng("seed", caller="Linear")
    Traceback (most recent call last):
        ...
    TypeError: Linear: expected rng to be None, an int seed or a numpy.random.Generator, got str

    Introduced in :doc:`/book/foundations/neuron`.
    """
    if rng is None:
        return _GENERATOR
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{caller}: expected rng to be None, an int seed or a numpy.random.Generator, "
        f"got {type_name(rng)}"
    )
