"""The affine map ``y = x W^T + b``, forward and backward."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_shape

__all__ = ["linear", "linear_forward", "linear_backward"]


def _check_linear_args(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, caller: str
) -> None:
    check_array(weight, "weight", caller=caller, ndim=2, kind="float")
    out_features, in_features = weight.shape
    check_array(x, "x", caller=caller, kind="float")
    if x.ndim == 0 or x.shape[-1] != in_features:
        raise ValueError(
            f"{caller}: expected x of shape (*, {in_features}) (last dimension = "
            f"weight.shape[1]), got {x.shape}"
        )
    if bias is not None:
        check_array(bias, "bias", caller=caller, kind="float", shape=(out_features,),
                    hint="weight.shape[0]")


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Return ``x @ weight.T + bias``, as ``torch.nn.functional.linear``.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(*, in_features)``.
    weight : numpy.ndarray
        Weights of shape ``(out_features, in_features)`` (torch's layout).
    bias : numpy.ndarray or None
        Bias of shape ``(out_features,)``.

    Returns
    -------
    numpy.ndarray
        Output of shape ``(*, out_features)``.

    Examples
    --------
    >>> linear(np.array([[1.0, 2.0]]), np.array([[1.0, 1.0], [0.0, -1.0]]), np.array([0.5, 0.0]))
    array([[ 3.5, -2. ]])

    Introduced in :doc:`/book/foundations/neuron`.
    """
    return linear_forward(x, weight, bias)[0]


def linear_forward(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
) -> tuple[np.ndarray, tuple]:
    """Forward pass of :func:`linear`; also returns the cache the backward pass needs.

    Returns
    -------
    out : numpy.ndarray
        ``x @ weight.T + bias``, shape ``(*, out_features)``.
    cache : tuple
        ``(x, weight, has_bias)``.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_linear_args(x, weight, bias, "linear_forward")
    out = x @ weight.T  # (*, out)
    if bias is not None:
        out = out + bias  # (*, out)
    return out, (x, weight, bias is not None)


def linear_backward(
    grad_output: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Backward pass of :func:`linear`.

    With ``out = x W^T + b``: ``dL/dx = dL/dout W``, ``dL/dW = dL/dout^T x`` and
    ``dL/db`` is ``dL/dout`` summed over every leading dimension (the batch).

    Parameters
    ----------
    grad_output : numpy.ndarray
        ``dL/dout``, shape ``(*, out_features)``.
    cache : tuple
        What :func:`linear_forward` returned.

    Returns
    -------
    grad_x, grad_weight, grad_bias : numpy.ndarray
        Gradients with the shapes of ``x``, ``weight`` and ``bias`` (``None`` without bias).

    Examples
    --------
    >>> x, w, b = np.ones((4, 2)), np.ones((3, 2)), np.zeros(3)
    >>> out, cache = linear_forward(x, w, b)
    >>> [g.shape for g in linear_backward(np.ones_like(out), cache)]
    [(4, 2), (3, 2), (3,)]

    Introduced in :doc:`/book/foundations/backprop`.
    """
    x, weight, has_bias = cache
    check_array(grad_output, "grad_output", caller="linear_backward")
    check_shape(grad_output, "grad_output", x.shape[:-1] + (weight.shape[0],),
                caller="linear_backward", hint="the shape of the forward output")
    grad_x = grad_output @ weight  # (*, in)
    grad_2d = grad_output.reshape(-1, weight.shape[0])  # (N, out), N = product of leading dims
    grad_weight = grad_2d.T @ x.reshape(-1, weight.shape[1])  # (out, in)
    grad_bias = grad_2d.sum(axis=0) if has_bias else None  # (out,)
    return grad_x, grad_weight, grad_bias
