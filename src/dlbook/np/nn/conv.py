"""The 2-D convolutional layer."""

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
from dlbook.np.nn.functional.conv import _conv2d_forward, conv2d_backward
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng
from dlbook.shapes import pair

__all__ = ["Conv2d"]


class Conv2d(Module):
    r"""2-D convolution over ``(N, C, H, W)`` inputs, as ``torch.nn.Conv2d``.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output (the number of kernels).
    kernel_size : int or (int, int)
        Kernel height and width.
    stride, padding, dilation : int or (int, int), default 1, 0, 1
        As in torch; ``padding`` adds zeros on both sides of each spatial axis.
    bias : bool, default True
        Whether to learn one additive bias per output channel.
    dtype : numpy dtype, default numpy.float32
        Floating-point dtype of the parameters (keyword-only).
    rng : numpy.random.Generator, int or None
        Source of the initial weights (keyword-only): a generator, a seed, or ``None`` for
        the global generator of :mod:`dlbook.random`.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels, kH, kW)`` (torch's layout), drawn as torch's
        ``kaiming_uniform_(a=sqrt(5))`` draws it: :math:`U(-1/\sqrt{k}, 1/\sqrt{k})` with
        ``k = in_channels * kH * kW`` (the fan-in).
    bias : Parameter or None
        Shape ``(out_channels,)``, same initial distribution.

    Examples
    --------
    >>> layer = Conv2d(3, 8, 3, padding=1, rng=0)
    >>> layer.weight.shape
    (8, 3, 3, 3)
    >>> out = layer(np.ones((2, 3, 5, 5), dtype=np.float32)); out.shape
    (2, 8, 5, 5)
    >>> layer.backward(np.ones_like(out)).shape
    (2, 3, 5, 5)

    Introduced in :doc:`/book/cnn/convolution`.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        bias: bool = True,
        *,
        dtype: Any = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        caller = "Conv2d"
        self.in_channels = check_positive_int(in_channels, "in_channels", caller=caller)
        self.out_channels = check_positive_int(out_channels, "out_channels", caller=caller)
        self.kernel_size = pair(kernel_size, "kernel_size", caller=caller, minimum=1)
        self.stride = pair(stride, "stride", caller=caller, minimum=1)
        self.padding = pair(padding, "padding", caller=caller, minimum=0)
        self.dilation = pair(dilation, "dilation", caller=caller, minimum=1)
        check_type(bias, "bias", bool, caller=caller)
        dtype = check_float_dtype(dtype, caller=caller)
        generator = resolve_rng(rng, caller=caller)
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = 1 / np.sqrt(fan_in)
        shape = (out_channels, in_channels, *self.kernel_size)
        self.weight = Parameter(generator.uniform(-bound, bound, size=shape).astype(dtype))
        if bias:
            self.bias = Parameter(generator.uniform(-bound, bound, size=out_channels).astype(dtype))
        else:
            self.bias = None
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Convolve ``x`` (N, in_channels, H, W) into (N, out_channels, H_out, W_out)."""
        check_array(x, "input", caller="Conv2d", kind="float")
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2d: expected input of shape (N, {self.in_channels}, H, W) "
                f"(C = in_channels), got {x.shape}"
            )
        bias = None if self.bias is None else self.bias.data
        out, self._cache = _conv2d_forward(x, self.weight.data, bias, self.stride, self.padding,
                                           self.dilation, caller="Conv2d")
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/dx``; add ``dL/dW`` and ``dL/db`` to the parameters' ``.grad``."""
        cache = self._require_cache(self._cache)
        with as_caller("Conv2d.backward", "conv2d_backward"):
            grad_x, grad_weight, grad_bias = conv2d_backward(grad_output, cache)
        self.weight.grad += grad_weight
        if self.bias is not None:
            self.bias.grad += grad_bias
        return grad_x

    def extra_repr(self) -> str:
        # torch's wording, so that repr(ours) == repr(theirs)
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text
