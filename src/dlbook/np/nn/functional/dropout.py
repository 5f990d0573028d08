"""Inverted dropout, forward and backward."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_probability, check_shape, check_type
from dlbook.random import resolve_rng

__all__ = ["dropout", "dropout_forward", "dropout_backward"]


def dropout_forward(
    x: np.ndarray,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    r"""Zero each element with probability ``p`` and scale the survivors by ``1 / (1 - p)``.

    Scaling at training time ("inverted" dropout) keeps the expected value of every element
    unchanged, :math:`\mathbb{E}[\mathrm{out}] = (1 - p)\,x / (1 - p) = x`, so evaluation needs
    no rescaling: with ``training=False`` the input comes back unchanged. With ``p = 1``
    every element is zeroed, as in torch.

    Parameters
    ----------
    x : numpy.ndarray
        Input of any shape.
    p : float, default 0.5
        Probability of zeroing an element, in ``[0, 1]``.
    training : bool, default True
        Drop only in training; otherwise return ``x`` itself.
    rng : numpy.random.Generator, int or None
        Source of the mask: a generator, a seed, or ``None`` for the global generator of
        :mod:`dlbook.random`.

    Returns
    -------
    out : numpy.ndarray
        Same shape and dtype as ``x``.
    cache : numpy.ndarray or None
        The scaled mask (``0`` or ``1 / (1 - p)`` per element), ``None`` when nothing was
        dropped (evaluation): the backward pass multiplies by the same mask.

    Examples
    --------
    >>> out, mask = dropout_forward(np.ones(8), p=0.5, rng=0)
    >>> out
    array([2., 0., 0., 0., 2., 2., 2., 2.])
    >>> dropout_forward(np.ones(3), p=0.5, training=False)[0]
    array([1., 1., 1.])

    Introduced in :doc:`/book/cnn/layers`.
    """
    caller = "dropout_forward"
    check_array(x, "x", caller=caller, kind="float")
    p = check_probability(p, "p", caller=caller)
    check_type(training, "training", bool, caller=caller)
    generator = resolve_rng(rng, caller=caller)
    if not training or p == 0.0:
        return x, None
    keep = generator.random(x.shape) >= p  # True with probability 1 - p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = keep.astype(x.dtype) * x.dtype.type(scale)  # 0 or 1 / (1 - p)
    return x * mask, mask


def dropout_backward(grad_output: np.ndarray, cache: np.ndarray | None) -> np.ndarray:
    """Backward pass of :func:`dropout`: the same mask, the same scale.

    Introduced in :doc:`/book/cnn/layers`.
    """
    check_array(grad_output, "grad_output", caller="dropout_backward")
    if cache is None:
        return grad_output
    check_shape(grad_output, "grad_output", cache.shape, caller="dropout_backward",
                hint="the shape of the forward output")
    return grad_output * cache


def dropout(
    x: np.ndarray,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """Inverted dropout, as ``torch.nn.functional.dropout`` (see :func:`dropout_forward`).

    >>> dropout(np.ones((2, 3)), p=0.0)
    array([[1., 1., 1.],
           [1., 1., 1.]])

    Introduced in :doc:`/book/cnn/layers`.
    """
    return dropout_forward(x, p, training, rng)[0]
