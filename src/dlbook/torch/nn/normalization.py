"""Batch and layer normalisation written from torch operations, as twins of torch's layers."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlbook._layer_checks import check_batch_norm_args, check_layer_norm_args
from dlbook.torch.nn._checks import check_tensor

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


class _BatchNorm(nn.Module):
    """Shared code of the batch-normalisation layers (only the accepted input shapes differ)."""

    _allowed_ndim: tuple[int, ...] = ()
    _shape_text = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        caller = type(self).__name__
        (self.num_features, self.eps, self.momentum, self.affine,
         self.track_running_stats) = check_batch_norm_args(
            num_features, eps, momentum, affine, track_running_stats, bias, caller=caller)
        factory = {"device": device, "dtype": dtype}
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features, **factory))
            if bias:
                self.bias = nn.Parameter(torch.zeros(num_features, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features, **factory))
            self.register_buffer("running_var", torch.ones(num_features, **factory))
            # an integer count whatever the parameters' dtype, as in torch
            self.register_buffer("num_batches_tracked",
                                 torch.tensor(0, dtype=torch.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        """Set the running mean to 0, the running variance to 1 and the count to 0."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running statistics, ``weight`` to 1 and ``bias`` to 0, as torch does."""
        self.reset_running_stats()
        with torch.no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()

    def _check_input(self, input: object) -> torch.Tensor:
        caller = type(self).__name__
        like = self.weight if self.affine else self.running_mean
        check_tensor(input, "input", caller=caller, like=like)
        if input.ndim not in self._allowed_ndim or input.shape[1] != self.num_features:
            raise ValueError(f"{caller}: expected input of shape {self._shape_text} with "
                             f"C = num_features = {self.num_features}, got "
                             f"{tuple(input.shape)}")
        return input

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalise ``input``: batch statistics in training mode, running ones in eval mode.

        Without running statistics (``track_running_stats=False``) the batch statistics are
        used in both modes, as in torch.
        """
        caller = type(self).__name__
        self._check_input(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # torch: a cumulative average of all batches so far
                momentum = 1.0 / float(self.num_batches_tracked)
        # one statistic per channel, over the batch and every position: all axes but 1
        axes = (0, *range(2, input.ndim))
        broadcast = (1, self.num_features) + (1,) * (input.ndim - 2)  # (1, C, 1, ...)
        use_batch_stats = self.training or not self.track_running_stats
        if use_batch_stats:
            count = input.numel() // self.num_features  # values per channel
            if count <= 1:
                raise ValueError(f"{caller}: expected more than 1 value per channel when "
                                 f"training, got input of shape {tuple(input.shape)}")
            var, mean = torch.var_mean(input, dim=axes, correction=0)  # (C,) each
            if self.training and self.track_running_stats:
                with torch.no_grad():  # the running averages use the unbiased variance
                    unbiased = var * (count / (count - 1))  # (C,)
                    self.running_mean.mul_(1 - momentum).add_(momentum * mean)
                    self.running_var.mul_(1 - momentum).add_(momentum * unbiased)
        else:
            mean, var = self.running_mean, self.running_var  # (C,) each
        scale = torch.rsqrt(var + self.eps)  # (C,)
        if self.weight is not None:
            scale = scale * self.weight  # (C,)
        output = (input - mean.reshape(broadcast)) * scale.reshape(broadcast)  # like input
        if self.bias is not None:
            output = output + self.bias.reshape(broadcast)
        return output

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation over ``(N, C)`` or ``(N, C, L)`` inputs, a twin of
    :class:`torch.nn.BatchNorm1d`.

    In training mode each of the ``C`` features is normalised with the mean and biased
    variance of the batch (and of the ``L`` positions), then scaled by ``weight``
    (:math:`\gamma`, initially 1) and shifted by ``bias`` (:math:`\beta`, initially 0); the
    buffers ``running_mean`` and ``running_var`` move towards the batch's mean and
    *unbiased* variance (``running = (1 - momentum) * running + momentum * batch``) and
    ``num_batches_tracked`` counts the steps. Evaluation mode normalises with the running
    statistics. Autograd differentiates through the batch statistics.

    Parameters
    ----------
    num_features : int
        ``C``.
    eps : float, default 1e-5
        Added to the variance; must be > 0 (with 0 a channel constant over the batch would
        be 0 / 0).
    momentum : float or None, default 0.1
        Weight of each new batch in the running averages, in [0, 1]; ``None`` for a plain
        average of all batches so far.
    affine : bool, default True
        Learn ``weight`` and ``bias``.
    track_running_stats : bool, default True
        Keep running statistics; without them the batch statistics are used in both modes.
    device, dtype
        Where and in what precision to create the parameters and running statistics
        (``num_batches_tracked`` is always ``torch.long``).
    bias : bool, default True
        With ``affine``, learn the shift too (keyword-only, as in torch).

    Examples
    --------
    >>> bn = BatchNorm1d(2, dtype=torch.float64)
    >>> bn(torch.tensor([[1.0, 10.0], [3.0, 30.0]], dtype=torch.float64)).detach()
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], dtype=torch.float64)
    >>> bn.running_mean
    tensor([0.2000, 2.0000], dtype=torch.float64)
    >>> list(bn.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    _allowed_ndim = (2, 3)
    _shape_text = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over ``(N, C, H, W)`` inputs, a twin of :class:`torch.nn.BatchNorm2d`.

    Each channel's statistics are taken over the batch and every pixel; otherwise as
    :class:`BatchNorm1d` (the same arguments, buffers and train/eval behaviour).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> bn = BatchNorm2d(3)
    >>> out = bn(torch.randn(4, 3, 5, 5))
    >>> out.mean(dim=(0, 2, 3)).abs().max() < 1e-6, out.std(dim=(0, 2, 3), correction=0)
    (tensor(True), tensor([1.0000, 1.0000, 1.0000], grad_fn=<StdBackward0>))

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    _allowed_ndim = (4,)
    _shape_text = "(N, C, H, W)"


class LayerNorm(nn.Module):
    r"""Layer normalisation, a twin of :class:`torch.nn.LayerNorm`.

    Each sample is normalised over its last ``len(normalized_shape)`` dimensions (the mean
    and biased variance of that sample alone), then scaled by ``weight`` and shifted by
    ``bias``, both of shape ``normalized_shape``. Nothing depends on the other samples, so
    training and evaluation mode compute the same thing and there are no buffers.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The trailing shape to normalise over.
    eps : float, default 1e-5
        Added to the variance; must be > 0 (torch accepts 0, which turns a constant sample
        into NaN).
    elementwise_affine : bool, default True
        Learn ``weight`` (initially 1) and, if ``bias``, ``bias`` (initially 0).
    bias : bool, default True
        Learn the shift (only with ``elementwise_affine``).
    device, dtype
        Where and in what precision to create the parameters.

    Examples
    --------
    >>> ln = LayerNorm(2, dtype=torch.float64)
    >>> ln(torch.tensor([[1.0, 3.0], [0.0, 10.0]], dtype=torch.float64)).detach()
    tensor([[-1.0000,  1.0000],
            [-1.0000,  1.0000]], dtype=torch.float64)

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.normalized_shape, self.eps, self.elementwise_affine = check_layer_norm_args(
            normalized_shape, eps, elementwise_affine, bias,
            sequence_types=(tuple, list, torch.Size))
        factory = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape, **factory))
            if bias:
                self.bias = nn.Parameter(torch.zeros(self.normalized_shape, **factory))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        """Set ``weight`` to 1 and ``bias`` to 0, as torch does."""
        with torch.no_grad():
            if self.weight is not None:
                self.weight.fill_(1)
            if self.bias is not None:
                self.bias.zero_()

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Normalise each sample of ``input``, of shape ``(*, *normalized_shape)``."""
        check_tensor(input, "input", caller="LayerNorm", like=self.weight)
        k = len(self.normalized_shape)
        if input.ndim < k or tuple(input.shape[input.ndim - k:]) != self.normalized_shape:
            raise ValueError(f"LayerNorm: expected input of shape (*, "
                             f"{', '.join(map(str, self.normalized_shape))}) (trailing "
                             f"dimensions = normalized_shape), got {tuple(input.shape)}")
        axes = tuple(range(input.ndim - k, input.ndim))
        var, mean = torch.var_mean(input, dim=axes, correction=0, keepdim=True)  # (*, 1, ..., 1)
        output = (input - mean) * torch.rsqrt(var + self.eps)  # like input
        if self.weight is not None:
            output = output * self.weight
        if self.bias is not None:
            output = output + self.bias
        return output

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")
