"""Activation layers: thin modules over :mod:`dlbook.np.nn.functional.activation`."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_number, type_name
from dlbook.np.nn.functional import activation as F
from dlbook.np.nn.module import Module

__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax"]


class _Activation(Module):
    """Keeps the cache of the functional forward until ``backward``.

    The module checks its arguments itself, so that a message names the layer the reader
    used (``ReLU: ...``), not the functional core underneath.
    """

    def __init__(self) -> None:
        super().__init__()
        self._cache = None
        self._shape: tuple[int, ...] | None = None

    def _forward(self, x: np.ndarray) -> tuple:
        raise NotImplementedError

    def _backward(self, grad_output: np.ndarray, cache: object) -> np.ndarray:
        raise NotImplementedError

    def forward(self, input: np.ndarray) -> np.ndarray:
        check_array(input, "input", caller=type(self).__name__, kind="float")
        out, self._cache = self._forward(input)
        self._shape = out.shape
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        cache = self._require_cache(self._cache)
        check_array(grad_output, "grad_output", caller=type(self).__name__, shape=self._shape,
                    hint="the shape of the forward output")
        return self._backward(grad_output, cache)


class ReLU(_Activation):
    """``max(x, 0)`` element-wise, as ``torch.nn.ReLU`` (derivative 0 at 0, NaN kept as NaN).

    >>> ReLU()(np.array([-1.0, 0.5]))
    array([0. , 0.5])

    Introduced in :doc:`/book/foundations/activations`.
    """

    def _forward(self, x):
        return F.relu_forward(x)

    def _backward(self, grad_output, cache):
        return F.relu_backward(grad_output, cache)


class LeakyReLU(_Activation):
    """``x`` for ``x > 0``, else ``negative_slope * x``, as ``torch.nn.LeakyReLU``.

    >>> LeakyReLU(0.1)(np.array([-1.0, 0.5]))
    array([-0.1,  0.5])

    Introduced in :doc:`/book/foundations/activations`.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_number(negative_slope, "negative_slope", caller="LeakyReLU")

    def _forward(self, x):
        return F.leaky_relu_forward(x, self.negative_slope)

    def _backward(self, grad_output, cache):
        return F.leaky_relu_backward(grad_output, cache)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Sigmoid(_Activation):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

    >>> Sigmoid()(np.array([0.0]))
    array([0.5])

    Introduced in :doc:`/book/foundations/activations`.
    """

    def _forward(self, x):
        return F.sigmoid_forward(x)

    def _backward(self, grad_output, cache):
        return F.sigmoid_backward(grad_output, cache)


class Tanh(_Activation):
    """Hyperbolic tangent, as ``torch.nn.Tanh``.

    >>> Tanh()(np.array([0.0]))
    array([0.])

    Introduced in :doc:`/book/foundations/activations`.
    """

    def _forward(self, x):
        return F.tanh_forward(x)

    def _backward(self, grad_output, cache):
        return F.tanh_backward(grad_output, cache)


class Softmax(_Activation):
    """Softmax along ``dim`` (default -1, the class dimension of ``(N, C)`` logits).

    torch's ``nn.Softmax`` has no default ``dim``; -1 is what is almost always meant.

    >>> Softmax()(np.array([[0.0, 0.0]]))
    array([[0.5, 0.5]])

    Introduced in :doc:`/book/foundations/activations`.
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Softmax: expected dim to be an int, got {type_name(dim)}")
        self.dim = int(dim)

    def _forward(self, x):
        F._check_dim(x, self.dim, "Softmax")
        return F.softmax_forward(x, self.dim)

    def _backward(self, grad_output, cache):
        return F.softmax_backward(grad_output, cache)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
