"""Element-wise activations and softmax, forward and backward.

Each ``*_forward(x)`` returns ``(out, cache)`` and each ``*_backward(grad_output, cache)``
returns ``dL/dx``; the plain functions (``relu(x)``, ...) return only the output.
Derivatives at kinks follow torch: ReLU's derivative at 0 is 0, LeakyReLU's is
``negative_slope``. NaN propagates as in torch: every forward maps NaN to NaN, and where the
input is NaN ReLU passes the upstream gradient through (torch's backward zeroes the gradient
only where ``x <= 0``, which NaN is not), LeakyReLU scales it by ``negative_slope`` (torch
passes it only where ``x > 0``), and the smooth functions give NaN.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_number, check_shape, type_name

__all__ = [
    "relu", "relu_forward", "relu_backward",
    "leaky_relu", "leaky_relu_forward", "leaky_relu_backward",
    "sigmoid", "sigmoid_forward", "sigmoid_backward",
    "tanh", "tanh_forward", "tanh_backward",
    "softmax", "softmax_forward", "softmax_backward",
    "log_softmax", "log_softmax_forward", "log_softmax_backward",
]


def _check_input(x: np.ndarray, caller: str) -> np.ndarray:
    return check_array(x, "x", caller=caller, kind="float")


def _check_grad(grad_output: np.ndarray, shape: tuple[int, ...], caller: str) -> None:
    check_array(grad_output, "grad_output", caller=caller)
    check_shape(grad_output, "grad_output", shape, caller=caller,
                hint="the shape of the forward output")


def _check_dim(x: np.ndarray, dim: int, caller: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{caller}: expected x with at least 1 dimension, got shape ()")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{caller}: expected dim to be an int, got {type_name(dim)}")
    if not -x.ndim <= dim < x.ndim:
        raise ValueError(
            f"{caller}: expected dim in [{-x.ndim}, {x.ndim - 1}] for x of shape {x.shape}, "
            f"got {dim}"
        )
    return int(dim)


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``max(x, 0)``, NaN kept as NaN (as ``torch.relu``); the cache is the mask ``~(x <= 0)``.

    The mask is ``x > 0`` for every number, and also true where ``x`` is NaN, because
    torch's backward zeroes the gradient only where ``x <= 0``.

    >>> relu_forward(np.array([-1.0, 0.0, 2.0, np.nan]))[0]
    array([ 0.,  0.,  2., nan])

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_input(x, "relu_forward")
    passed = ~(x <= 0)  # x > 0, or NaN
    return np.where(passed, x, np.zeros((), dtype=x.dtype)), passed


def relu_backward(grad_output: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Pass the gradient where ``x > 0`` (so the derivative at 0 is 0, as in torch).

    Where ``x`` was NaN the gradient passes too, as torch's autograd does.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_grad(grad_output, cache.shape, "relu_backward")
    return np.where(cache, grad_output, np.zeros((), dtype=grad_output.dtype))


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(x, 0)`` (NaN stays NaN, as ``torch.relu``).

    Introduced in :doc:`/book/foundations/neuron`.
    """
    _check_input(x, "relu")
    return relu_forward(x)[0]


def leaky_relu_forward(
    x: np.ndarray, negative_slope: float = 0.01
) -> tuple[np.ndarray, tuple[np.ndarray, float]]:
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    >>> leaky_relu_forward(np.array([-2.0, 3.0]), 0.1)[0]
    array([-0.2,  3. ])

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "leaky_relu_forward")
    slope = check_number(negative_slope, "negative_slope", caller="leaky_relu_forward")
    positive = x > 0
    return np.where(positive, x, x * slope), (positive, slope)


def leaky_relu_backward(grad_output: np.ndarray, cache: tuple[np.ndarray, float]) -> np.ndarray:
    """Gradient of :func:`leaky_relu_forward`; at ``x = 0`` the slope is ``negative_slope``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    positive, slope = cache
    _check_grad(grad_output, positive.shape, "leaky_relu_backward")
    return np.where(positive, grad_output, grad_output * slope)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU, as ``torch.nn.functional.leaky_relu``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "leaky_relu")
    check_number(negative_slope, "negative_slope", caller="leaky_relu")
    return leaky_relu_forward(x, negative_slope)[0]


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logistic sigmoid ``1 / (1 + exp(-x))`` without overflow; the cache is the output.

    ``exp`` is only ever taken of ``-|x|``, so it never overflows for large ``|x|``.

    >>> np.round(sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))[0], 3)
    array([0. , 0.5, 1. ])

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "sigmoid_forward")
    small = np.exp(-np.abs(x))  # in (0, 1]
    out = np.where(x >= 0, 1 / (1 + small), small / (1 + small))
    return out, out


def sigmoid_backward(grad_output: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``grad_output * s * (1 - s)`` where ``s`` is the forward output.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_grad(grad_output, cache.shape, "sigmoid_backward")
    return grad_output * (1 - cache) * cache


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, computed stably.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "sigmoid")
    return sigmoid_forward(x)[0]


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hyperbolic tangent; the cache is the output.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "tanh_forward")
    out = np.tanh(x)
    return out, out


def tanh_backward(grad_output: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``grad_output * (1 - tanh(x)**2)``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_grad(grad_output, cache.shape, "tanh_backward")
    return grad_output * (1 - cache * cache)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "tanh")
    return tanh_forward(x)[0]


def softmax_forward(x: np.ndarray, dim: int = -1) -> tuple[np.ndarray, tuple[np.ndarray, int]]:
    """``exp(x) / sum(exp(x))`` along ``dim``, after subtracting the maximum (stability).

    >>> np.round(softmax_forward(np.array([[1.0, 1.0], [0.0, 1000.0]]))[0], 3)
    array([[0.5, 0.5],
           [0. , 1. ]])

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "softmax_forward")
    dim = _check_dim(x, dim, "softmax_forward")
    exps = np.exp(x - x.max(axis=dim, keepdims=True))  # largest entry is exp(0) = 1
    out = exps / exps.sum(axis=dim, keepdims=True)
    return out, (out, dim)


def softmax_backward(grad_output: np.ndarray, cache: tuple[np.ndarray, int]) -> np.ndarray:
    """Jacobian-vector product of softmax: ``s * (g - sum(g * s))`` along ``dim``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    out, dim = cache
    _check_grad(grad_output, out.shape, "softmax_backward")
    return out * (grad_output - (grad_output * out).sum(axis=dim, keepdims=True))


def softmax(x: np.ndarray, dim: int = -1) -> np.ndarray:
    """Softmax along ``dim``, as ``torch.softmax``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    _check_input(x, "softmax")
    _check_dim(x, dim, "softmax")
    return softmax_forward(x, dim)[0]


def log_softmax_forward(
    x: np.ndarray, dim: int = -1
) -> tuple[np.ndarray, tuple[np.ndarray, int]]:
    """``x - logsumexp(x)`` along ``dim``, finite even for logits of size 1e4.

    >>> log_softmax_forward(np.array([1e4, -1e4]))[0]
    array([     0., -20000.])

    Introduced in :doc:`/book/foundations/training`.
    """
    _check_input(x, "log_softmax_forward")
    dim = _check_dim(x, dim, "log_softmax_forward")
    shifted = x - x.max(axis=dim, keepdims=True)  # <= 0, so exp cannot overflow
    out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
    return out, (out, dim)


def log_softmax_backward(grad_output: np.ndarray, cache: tuple[np.ndarray, int]) -> np.ndarray:
    """``g - softmax(x) * sum(g)`` along ``dim``.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    out, dim = cache
    _check_grad(grad_output, out.shape, "log_softmax_backward")
    return grad_output - np.exp(out) * grad_output.sum(axis=dim, keepdims=True)


def log_softmax(x: np.ndarray, dim: int = -1) -> np.ndarray:
    """Logarithm of the softmax along ``dim``, computed stably.

    Introduced in :doc:`/book/foundations/digits`.
    """
    _check_input(x, "log_softmax")
    _check_dim(x, dim, "log_softmax")
    return log_softmax_forward(x, dim)[0]
