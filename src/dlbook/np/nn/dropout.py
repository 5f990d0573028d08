"""The dropout layer."""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_caller, check_probability
from dlbook.np.nn.functional.dropout import dropout_backward, dropout_forward
from dlbook.np.nn.module import Module
from dlbook.random import resolve_rng

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout, as ``torch.nn.Dropout``: active in training, the identity in eval.

    In training each element is zeroed with probability ``p`` and the survivors are scaled
    by ``1 / (1 - p)``; ``backward`` multiplies by the same mask. After ``eval()`` the input
    passes unchanged.

    Parameters
    ----------
    p : float, default 0.5
        Probability of zeroing an element.
    rng : numpy.random.Generator, int or None
        Source of the masks (keyword-only): a generator, a seed, or ``None`` for the global
        generator of :mod:`dlbook.random`.

    Examples
    --------
    >>> drop = Dropout(0.5, rng=0)
    >>> drop(np.ones(8))
    array([2., 0., 0., 0., 2., 2., 2., 2.])
    >>> drop.backward(np.ones(8))  # the same mask
    array([2., 0., 0., 0., 2., 2., 2., 2.])
    >>> drop.eval()(np.ones(3))
    array([1., 1., 1.])

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        self.p = check_probability(p, "p", caller="Dropout")
        self.rng = resolve_rng(rng, caller="Dropout")
        self._cache = None
        self._forward_done = False

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Drop (in training) or pass ``x`` through (in evaluation)."""
        with as_caller("Dropout", "dropout_forward"):
            out, self._cache = dropout_forward(x, self.p, self.training, self.rng)
        self._forward_done = True
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/dx``: ``grad_output`` times the mask of the last forward pass."""
        if not self._forward_done:
            raise RuntimeError("Dropout: backward called before forward")
        with as_caller("Dropout.backward", "dropout_backward"):
            return dropout_backward(grad_output, self._cache)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False"
