"""Batch and layer normalisation, forward and backward."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlbook._checks import check_array, check_number

__all__ = [
    "batch_norm",
    "batch_norm_forward",
    "batch_norm_backward",
    "layer_norm",
    "layer_norm_forward",
    "layer_norm_backward",
]


def _normalize_backward(
    grad_x_hat: np.ndarray, x_hat: np.ndarray, inv_std: np.ndarray, axes: tuple[int, ...]
) -> np.ndarray:
    # The gradient through x_hat = (x - mean) * inv_std when mean and variance (biased) are
    # computed from x itself over `axes`: the two sums remove the parts of the upstream
    # gradient that the normalisation cannot pass on (a shift and a rescaling).
    mean_grad = grad_x_hat.mean(axis=axes, keepdims=True)
    mean_grad_x_hat = (grad_x_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (grad_x_hat - mean_grad - x_hat * mean_grad_x_hat)


def _channel_shape(x: np.ndarray) -> tuple[int, ...]:
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def batch_norm(
    x: np.ndarray,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> np.ndarray:
    """Batch normalisation, with ``torch.nn.functional.batch_norm``'s argument order.

    See :func:`batch_norm_forward` for the computation.

    Examples
    --------
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> batch_norm(x, None, None, training=True, eps=0.0)
    array([[-1., -1.],
           [ 1.,  1.]])

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    return batch_norm_forward(x, weight, bias, running_mean, running_var, training,
                              momentum, eps)[0]


def batch_norm_forward(
    x: np.ndarray,
    weight: np.ndarray | None,
    bias: np.ndarray | None,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    training: bool,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> tuple[np.ndarray, tuple]:
    r"""Normalise each channel of ``x`` (shape ``(N, C, *)``), then scale and shift.

    .. math::

        y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}\, \gamma + \beta

    In training mode (or when no running statistics are given) :math:`\mu` and
    :math:`\sigma^2` are the mean and the *biased* variance of each channel over the batch
    and every position (axes 0, 2, 3, ...). In training mode the running statistics, when
    given, are updated in place with torch's convention
    ``running = (1 - momentum) * running + momentum * batch_statistic``, where the variance
    that enters ``running_var`` is the *unbiased* one (divided by ``count - 1``). In
    evaluation mode the running statistics are used and left unchanged.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C)`` or ``(N, C, *)``.
    weight, bias : numpy.ndarray or None
        :math:`\gamma` and :math:`\beta`, shape ``(C,)``; ``None`` for 1 and 0.
    running_mean, running_var : numpy.ndarray or None
        Running statistics, shape ``(C,)``, updated in place in training mode.
    training : bool
        Use (and record) the batch statistics rather than the running ones.
    momentum : float
        Weight of the new batch statistic in the running average.
    eps : float
        Added to the variance for numerical stability.

    Returns
    -------
    out : numpy.ndarray
        Same shape as ``x``.
    cache : tuple
        What :func:`batch_norm_backward` needs.

    Examples
    --------
    >>> x = np.array([[1.0], [3.0]])
    >>> mean, var = np.zeros(1), np.ones(1)
    >>> out, _ = batch_norm_forward(x, None, None, mean, var, True, momentum=0.5)
    >>> mean, var  # halfway to the batch mean 2 and the unbiased variance 2
    (array([1.]), array([1.5]))

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    caller = "batch_norm_forward"
    check_array(x, "x", caller=caller, kind="float")
    if x.ndim < 2:
        raise ValueError(f"{caller}: expected x of shape (N, C, *) with at least 2 dimensions, "
                         f"got {x.shape}")
    channels = x.shape[1]
    for name, value in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                        ("running_var", running_var)):
        if value is not None:
            check_array(value, name, caller=caller, kind="float", shape=(channels,),
                        hint="x.shape[1], the number of channels")
    check_number(momentum, "momentum", caller=caller, low=0.0, high=1.0)
    check_number(eps, "eps", caller=caller, low=0.0)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = _channel_shape(x)
    use_batch_stats = training or running_mean is None or running_var is None
    if use_batch_stats:
        count = x.size // channels
        if training and count <= 1:
            raise ValueError(f"{caller}: expected more than 1 value per channel when "
                             f"training, got input of shape {x.shape}")
        mean = x.mean(axis=axes)  # (C,)
        var = x.var(axis=axes)  # (C,), biased: the one that normalises
        if training and running_mean is not None and running_var is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
            running_var *= 1 - momentum
            running_var += momentum * var * count / (count - 1)  # unbiased, as torch
    else:
        mean, var = running_mean, running_var
    inv_std = (1.0 / np.sqrt(var + eps)).reshape(shape)  # (1, C, 1, ...)
    x_hat = (x - mean.reshape(shape)) * inv_std  # (N, C, *)
    out = x_hat if weight is None else x_hat * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    out = out.astype(x.dtype, copy=False)
    return out, (x_hat, inv_std, weight, bias is not None, axes, use_batch_stats)


def batch_norm_backward(
    grad_output: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    r"""Backward pass of :func:`batch_norm_forward`.

    With batch statistics the mean and variance depend on ``x`` too, which gives

    .. math::

        \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
        \left(g - \overline{g} - \hat x\, \overline{g \hat x}\right),
        \qquad g = \gamma \frac{\partial L}{\partial y},

    the bars being means over the batch and positions of each channel. With running
    statistics (evaluation mode) the layer is affine and ``dL/dx = g / sqrt(var + eps)``.

    Returns
    -------
    grad_x, grad_weight, grad_bias : numpy.ndarray
        ``grad_weight`` and ``grad_bias`` are ``None`` where the forward had none.

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal((4, 3))
    >>> out, cache = batch_norm_forward(x, np.ones(3), np.zeros(3), None, None, True)
    >>> [g.shape for g in batch_norm_backward(np.ones_like(out), cache)]
    [(4, 3), (3,), (3,)]

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    x_hat, inv_std, weight, has_bias, axes, use_batch_stats = cache
    check_array(grad_output, "grad_output", caller="batch_norm_backward",
                shape=x_hat.shape, hint="the shape of the forward output")
    shape = inv_std.shape
    grad_x_hat = grad_output if weight is None else grad_output * weight.reshape(shape)
    if use_batch_stats:
        grad_x = _normalize_backward(grad_x_hat, x_hat, inv_std, axes)
    else:
        grad_x = grad_x_hat * inv_std
    grad_weight = None if weight is None else (grad_output * x_hat).sum(axis=axes)  # (C,)
    grad_bias = grad_output.sum(axis=axes) if has_bias else None  # (C,)
    return grad_x.astype(grad_output.dtype, copy=False), grad_weight, grad_bias


def layer_norm(
    x: np.ndarray,
    normalized_shape: Sequence[int],
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    eps: float = 1e-5,
) -> np.ndarray:
    """Layer normalisation, as ``torch.nn.functional.layer_norm``.

    Examples
    --------
    >>> layer_norm(np.array([[1.0, 3.0], [0.0, 10.0]]), (2,), eps=0.0)
    array([[-1.,  1.],
           [-1.,  1.]])

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    return layer_norm_forward(x, normalized_shape, weight, bias, eps)[0]


def layer_norm_forward(
    x: np.ndarray,
    normalized_shape: Sequence[int],
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    eps: float = 1e-5,
) -> tuple[np.ndarray, tuple]:
    r"""Normalise each sample over its last ``len(normalized_shape)`` dimensions.

    The mean and (biased) variance are taken over the trailing dimensions, which must equal
    ``normalized_shape``; there are no running statistics, so training and evaluation
    compute the same thing. ``weight`` and ``bias`` have shape ``normalized_shape``.

    Returns
    -------
    out : numpy.ndarray
        Same shape as ``x``.
    cache : tuple
        What :func:`layer_norm_backward` needs.

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    caller = "layer_norm_forward"
    check_array(x, "x", caller=caller, kind="float")
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    if k == 0 or x.ndim < k or x.shape[x.ndim - k:] != normalized_shape:
        trailing = ", ".join(map(str, normalized_shape))
        raise ValueError(f"{caller}: expected x of shape (*, {trailing}) (trailing dimensions "
                         f"= normalized_shape), got {x.shape}")
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None:
            check_array(value, name, caller=caller, kind="float", shape=normalized_shape,
                        hint="normalized_shape")
    check_number(eps, "eps", caller=caller, low=0.0)
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)  # (*, 1, ..., 1)
    inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)  # (*, 1, ..., 1)
    x_hat = (x - mean) * inv_std  # same shape as x
    out = x_hat if weight is None else x_hat * weight
    if bias is not None:
        out = out + bias
    return out.astype(x.dtype, copy=False), (x_hat, inv_std, weight, bias is not None, axes)


def layer_norm_backward(
    grad_output: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Backward pass of :func:`layer_norm_forward`.

    The same formula as :func:`batch_norm_backward`, with the means taken over the
    normalised (trailing) dimensions of each sample; the parameter gradients are summed
    over the leading dimensions.

    Examples
    --------
    >>> x = np.random.default_rng(0).standard_normal((4, 3))
    >>> out, cache = layer_norm_forward(x, (3,), np.ones(3), np.zeros(3))
    >>> [g.shape for g in layer_norm_backward(np.ones_like(out), cache)]
    [(4, 3), (3,), (3,)]

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    x_hat, inv_std, weight, has_bias, axes = cache
    check_array(grad_output, "grad_output", caller="layer_norm_backward",
                shape=x_hat.shape, hint="the shape of the forward output")
    grad_x_hat = grad_output if weight is None else grad_output * weight
    grad_x = _normalize_backward(grad_x_hat, x_hat, inv_std, axes)
    leading = tuple(range(x_hat.ndim - len(axes)))
    grad_weight = None if weight is None else (grad_output * x_hat).sum(axis=leading)
    grad_bias = grad_output.sum(axis=leading) if has_bias else None
    return grad_x.astype(grad_output.dtype, copy=False), grad_weight, grad_bias
