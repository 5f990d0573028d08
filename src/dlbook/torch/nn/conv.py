"""2-D convolution from ``unfold`` and one matrix product, named and initialised as torch's."""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from dlbook._checks import check_positive_int, check_type
from dlbook.shapes import pair
from dlbook.torch.nn._checks import check_tensor

__all__ = ["Conv2d"]


def check_input(input: object, caller: str, like: torch.Tensor | None = None) -> torch.Tensor:
    """Check a 4-D ``(N, C, H, W)`` floating-point tensor (of ``like``'s dtype); return it."""
    check_tensor(input, "input", caller=caller, like=like)
    if input.ndim != 4:
        raise ValueError(f"{caller}: expected input of shape (N, C, H, W), got "
                         f"{tuple(input.shape)}")
    return input


def output_size(input: torch.Tensor, kernel_size, stride, padding, dilation, caller: str):
    """``(H_out, W_out)``, or a clear error when the kernel does not fit the padded input."""
    sizes = []
    for axis in range(2):
        padded = input.shape[2 + axis] + 2 * padding[axis]
        extent = dilation[axis] * (kernel_size[axis] - 1) + 1
        if extent > padded:
            raise ValueError(
                f"{caller}: kernel of effective size {extent} along axis {2 + axis} "
                f"(dilation * (kernel_size - 1) + 1) is larger than the padded input "
                f"{padded} (input {tuple(input.shape)} + 2 * padding)"
            )
        sizes.append((padded - extent) // stride[axis] + 1)
    return tuple(sizes)


class Conv2d(nn.Module):
    """2-D convolution by im2col: ``unfold`` the receptive fields, then one matrix product.

    A drop-in twin of :class:`torch.nn.Conv2d` (without ``groups`` and ``padding_mode``):
    the same arguments, parameter names, layouts and initialisation, so ``load_state_dict``
    works both ways and, after the same ``torch.manual_seed``, both hold the same weights.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output.
    kernel_size : int or (int, int)
        Kernel height and width.
    stride, padding, dilation : int or (int, int), default 1, 0, 1
        As in torch (zero padding on both sides).
    bias : bool, default True
        Learn one bias per output channel.
    device, dtype
        Where and in what precision to create the parameters.

    Attributes
    ----------
    weight : torch.nn.Parameter
        Shape (out_channels, in_channels, kH, kW), ``kaiming_uniform_(a=sqrt(5))``, that is
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels * kH * kW.
    bias : torch.nn.Parameter or None
        Shape (out_channels,), U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> layer = Conv2d(3, 8, 3, padding=1)
    >>> layer(torch.ones(2, 3, 5, 5)).shape
    torch.Size([2, 8, 5, 5])
    >>> _ = torch.manual_seed(0)
    >>> bool(torch.equal(layer.weight, torch.nn.Conv2d(3, 8, 3, padding=1).weight))
    True

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
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
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
        factory = {"device": device, "dtype": dtype}
        shape = (out_channels, in_channels, *self.kernel_size)
        self.weight = nn.Parameter(torch.empty(shape, **factory))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights exactly as ``torch.nn.Conv2d`` does (same calls, same order)."""
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # bound 1/sqrt(fan_in)
        if self.bias is not None:
            fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
            bound = 1.0 / math.sqrt(fan_in)
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Convolve ``input`` (N, in_channels, H, W) into (N, out_channels, H_out, W_out)."""
        check_input(input, "Conv2d", like=self.weight)
        if input.shape[1] != self.in_channels:
            raise ValueError(f"Conv2d: expected input of shape (N, {self.in_channels}, H, W) "
                             f"(C = in_channels), got {tuple(input.shape)}")
        h_out, w_out = output_size(input, self.kernel_size, self.stride, self.padding,
                                   self.dilation, "Conv2d")
        cols = F.unfold(input, self.kernel_size, self.dilation, self.padding,
                        self.stride)  # (N, C*kH*kW, H_out*W_out)
        output = self.weight.reshape(self.out_channels, -1) @ cols  # (N, F, H_out*W_out)
        if self.bias is not None:
            output = output + self.bias[:, None]
        return output.reshape(input.shape[0], self.out_channels, h_out, w_out)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text
