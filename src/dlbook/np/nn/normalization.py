"""Normalisation layers: BatchNorm1d, BatchNorm2d and LayerNorm."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dlbook._checks import (
    as_caller,
    check_array,
    check_float_dtype,
)
from dlbook._layer_checks import check_batch_norm_args, check_layer_norm_args
from dlbook.np.nn.functional.normalization import (
    batch_norm_backward,
    batch_norm_forward,
    layer_norm_backward,
    layer_norm_forward,
)
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


class _BatchNorm(Module):
    """Shared code of the batch-normalisation layers (the dimension check differs)."""

    _allowed_ndim: tuple[int, ...] = ()
    _shape_text = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        caller = type(self).__name__
        (self.num_features, self.eps, self.momentum, self.affine,
         self.track_running_stats) = check_batch_norm_args(
            num_features, eps, momentum, affine, track_running_stats, bias, caller=caller)
        dtype = check_float_dtype(dtype, caller=caller)
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype)) if bias else None
        else:
            self.weight = None
            self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self._cache = None

    def reset_running_stats(self) -> None:
        """Set the running mean to 0, the running variance to 1 and the count to 0."""
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Normalise ``x``: batch statistics in training mode, running ones in eval mode."""
        caller = type(self).__name__
        check_array(x, "input", caller=caller, kind="float")
        if x.ndim not in self._allowed_ndim or x.shape[1] != self.num_features:
            raise ValueError(f"{caller}: expected input of shape {self._shape_text} with "
                             f"C = num_features = {self.num_features}, got {x.shape}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # torch: a cumulative average of all batches so far
                momentum = 1.0 / float(self.num_batches_tracked)
        weight = None if self.weight is None else self.weight.data
        bias = None if self.bias is None else self.bias.data
        # Without running statistics the batch statistics are used in both modes, as in torch.
        with as_caller(caller, "batch_norm_forward"):
            out, self._cache = batch_norm_forward(
                x, weight, bias, self.running_mean, self.running_var,
                self.training or not self.track_running_stats, momentum, self.eps)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/dx``; add ``dL/dweight`` and ``dL/dbias`` to the parameters' ``.grad``."""
        cache = self._require_cache(self._cache)
        with as_caller(f"{type(self).__name__}.backward", "batch_norm_backward"):
            grad_x, grad_weight, grad_bias = batch_norm_backward(grad_output, cache)
        if self.weight is not None:
            self.weight.grad += grad_weight
        if self.bias is not None:
            self.bias.grad += grad_bias
        return grad_x

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation over ``(N, C)`` or ``(N, C, L)`` inputs, as ``torch.nn.BatchNorm1d``.

    Each of the ``C`` features is normalised with the mean and biased variance of the batch
    (and of the ``L`` positions), then scaled by ``weight`` (:math:`\gamma`, initially 1) and
    shifted by ``bias`` (:math:`\beta`, initially 0). Training mode also updates the
    buffers ``running_mean`` and ``running_var`` (``running = (1 - momentum) * running +
    momentum * batch_statistic``, the unbiased variance) and counts ``num_batches_tracked``;
    evaluation mode normalises with the running statistics. See
    :func:`~dlbook.np.nn.functional.batch_norm_forward`.

    Parameters
    ----------
    num_features : int
        ``C``.
    eps : float, default 1e-5
        Added to the variance; must be > 0, checked in the constructor (torch's
        ``batch_norm`` refuses ``eps <= 0`` too, at the first training step: with 0 any
        channel that is constant over the batch would be 0 / 0).
    momentum : float or None, default 0.1
        Weight of each new batch in the running averages; ``None`` for a plain average of
        all batches so far.
    affine : bool, default True
        Learn ``weight`` and ``bias``.
    track_running_stats : bool, default True
        Keep running statistics; without them batch statistics are used in both modes.
    bias : bool, default True
        With ``affine``, learn the shift too (keyword-only, as in torch).
    dtype : numpy dtype, default numpy.float32
        Of the parameters and running statistics (keyword-only).

    Examples
    --------
    >>> bn = BatchNorm1d(2, dtype=np.float64)
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> bn(x).round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean, list(bn.state_dict())
    (array([0.2, 2. ]), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'])

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    _allowed_ndim = (2, 3)
    _shape_text = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over ``(N, C, H, W)`` inputs, as ``torch.nn.BatchNorm2d``.

    The statistics of each channel are taken over the batch and every pixel; otherwise as
    :class:`BatchNorm1d` (same arguments, buffers and train/eval behaviour).

    Examples
    --------
    >>> bn = BatchNorm2d(3, dtype=np.float64)
    >>> out = bn(np.random.default_rng(0).standard_normal((4, 3, 5, 5)))
    >>> out.mean(axis=(0, 2, 3)).round(6) + 0.0, out.std(axis=(0, 2, 3)).round(3)
    (array([0., 0., 0.]), array([1., 1., 1.]))

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    _allowed_ndim = (4,)
    _shape_text = "(N, C, H, W)"


class LayerNorm(Module):
    r"""Layer normalisation, as ``torch.nn.LayerNorm``.

    Each sample is normalised over its last ``len(normalized_shape)`` dimensions (mean and
    biased variance of that sample alone), then scaled by ``weight`` and shifted by ``bias``
    (both of shape ``normalized_shape``). Nothing depends on the other samples in the
    batch, so training and evaluation mode compute the same thing and there are no buffers.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The trailing shape to normalise over.
    eps : float, default 1e-5
        Added to the variance; must be > 0 (torch accepts 0, which turns any constant sample
        into NaN).
    elementwise_affine : bool, default True
        Learn ``weight`` (initially 1) and, if ``bias``, ``bias`` (initially 0).
    bias : bool, default True
        Learn the shift (only with ``elementwise_affine``).
    dtype : numpy dtype, default numpy.float32
        Of the parameters (keyword-only).

    Examples
    --------
    >>> ln = LayerNorm(2, dtype=np.float64)
    >>> ln(np.array([[1.0, 3.0], [0.0, 10.0]])).round(3)
    array([[-1.,  1.],
           [-1.,  1.]])

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        self.normalized_shape, self.eps, self.elementwise_affine = check_layer_norm_args(
            normalized_shape, eps, elementwise_affine, bias)
        dtype = check_float_dtype(dtype, caller="LayerNorm")
        self.weight = (Parameter(np.ones(self.normalized_shape, dtype=dtype))
                       if elementwise_affine else None)
        self.bias = (Parameter(np.zeros(self.normalized_shape, dtype=dtype))
                     if elementwise_affine and bias else None)
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Normalise each sample of ``x`` (shape ``(*, *normalized_shape)``)."""
        check_array(x, "input", caller="LayerNorm", kind="float")
        k = len(self.normalized_shape)
        if x.ndim < k or x.shape[x.ndim - k:] != self.normalized_shape:
            raise ValueError(f"LayerNorm: expected input of shape (*, "
                             f"{', '.join(map(str, self.normalized_shape))}) (trailing "
                             f"dimensions = normalized_shape), got {x.shape}")
        weight = None if self.weight is None else self.weight.data
        bias = None if self.bias is None else self.bias.data
        out, self._cache = layer_norm_forward(x, self.normalized_shape, weight, bias, self.eps)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/dx``; add the parameters' gradients to their ``.grad``."""
        cache = self._require_cache(self._cache)
        with as_caller("LayerNorm.backward", "layer_norm_backward"):
            grad_x, grad_weight, grad_bias = layer_norm_backward(grad_output, cache)
        if self.weight is not None:
            self.weight.grad += grad_weight
        if self.bias is not None:
            self.bias.grad += grad_bias
        return grad_x

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
