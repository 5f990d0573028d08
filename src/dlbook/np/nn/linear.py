"""The fully connected layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import (
    as_caller,
    check_array,
    check_float_dtype,
    check_positive_int,
    check_type,
)
from dlbook.np.nn.functional.linear import linear_backward, linear_forward
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng

__all__ = ["Linear"]


class Linear(Module):
    r"""Affine layer ``y = x W^T + b``, as ``torch.nn.Linear``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool, default True
        Whether to learn the additive bias ``b``.
    dtype : numpy dtype, default numpy.float32
        Floating-point dtype of the parameters (keyword-only).
    rng : numpy.random.Generator, int or None
        Source of the initial weights (keyword-only): a generator, a seed, or ``None`` for
        the global generator of :mod:`dlbook.random`.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in_features)`` (torch's layout), initialised as torch does
        from :math:`U(-1/\sqrt{in}, 1/\sqrt{in})`.
    bias : Parameter or None
        Shape ``(out_features,)``, same initial distribution.

    Examples
    --------
    >>> layer = Linear(3, 2, rng=0)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    >>> x = np.ones((4, 3), dtype=np.float32)
    >>> out = layer(x); out.shape
    (4, 2)
    >>> layer.backward(np.ones_like(out)).shape
    (4, 3)

    Introduced in :doc:`/book/foundations/neuron`.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: Any = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features", caller="Linear")
        self.out_features = check_positive_int(out_features, "out_features", caller="Linear")
        check_type(bias, "bias", bool, caller="Linear")
        dtype = check_float_dtype(dtype, caller="Linear")
        generator = resolve_rng(rng, caller="Linear")
        bound = 1 / np.sqrt(in_features)
        shape = (out_features, in_features)
        self.weight = Parameter(generator.uniform(-bound, bound, size=shape).astype(dtype))
        if bias:
            self.bias = Parameter(generator.uniform(-bound, bound, size=out_features).astype(dtype))
        else:
            self.bias = None
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x @ weight.T + bias`` for ``x`` of shape ``(*, in_features)``."""
        check_array(x, "input", caller="Linear", kind="float")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear: expected input of shape (*, {self.in_features}) "
                f"(last dimension = in_features), got {x.shape}"
            )
        bias = None if self.bias is None else self.bias.data
        with as_caller("Linear", "linear_forward"):
            out, self._cache = linear_forward(x, self.weight.data, bias)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/dx``; add ``dL/dW`` and ``dL/db`` to the parameters' ``.grad``."""
        cache = self._require_cache(self._cache)
        with as_caller("Linear.backward", "linear_backward"):
            grad_x, grad_weight, grad_bias = linear_backward(grad_output, cache)
        self.weight.grad += grad_weight
        if self.bias is not None:
            self.bias.grad += grad_bias
        return grad_x

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
