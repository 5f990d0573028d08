"""Max and average pooling written with ``unfold``, as twins of torch's layers."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from dlbook._checks import check_type
from dlbook.shapes import pair
from dlbook.torch.nn.conv import check_input, output_size

__all__ = ["MaxPool2d", "AvgPool2d"]


def _windows(input, kernel_size, stride, padding, dilation, caller: str, fill: float):
    """Every window as a column: (N, C, kH*kW, H_out*W_out), padded with ``fill``."""
    check_input(input, caller)
    if padding[0] > kernel_size[0] // 2 or padding[1] > kernel_size[1] // 2:
        raise ValueError(f"{caller}: expected padding at most half of the kernel size "
                         f"{kernel_size}, got padding {padding}")
    h_out, w_out = output_size(input, kernel_size, stride, padding, dilation, caller)
    ph, pw = padding
    padded = F.pad(input, (pw, pw, ph, ph), value=fill)  # unfold itself only pads with zeros
    cols = F.unfold(padded, kernel_size, dilation, 0, stride)  # (N, C*kH*kW, L)
    n, c = input.shape[:2]
    return cols.reshape(n, c, kernel_size[0] * kernel_size[1], h_out * w_out), (h_out, w_out)


class MaxPool2d(nn.Module):
    """The maximum of each window: ``unfold`` the windows, then ``max`` over each one.

    A twin of :class:`torch.nn.MaxPool2d` (without ``ceil_mode``). Autograd differentiates
    ``max``, which sends each window's gradient to the position of its maximum (the first
    one on ties, as torch's own layer does).

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; ``None`` means ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit ``-inf`` padding, at most half the kernel size.
    dilation : int or (int, int), default 1
        Spacing between the elements of a window.
    return_indices : bool, default False
        Also return where each maximum is, as an index into the flattened ``H * W`` plane
        of its channel (torch's convention, what ``MaxUnpool2d`` takes).

    Examples
    --------
    >>> MaxPool2d(2)(torch.arange(16.0).reshape(1, 1, 4, 4))
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False) -> None:
        super().__init__()
        caller = "MaxPool2d"
        pair(kernel_size, "kernel_size", caller=caller, minimum=1)
        if stride is not None:
            pair(stride, "stride", caller=caller, minimum=1)
        pair(padding, "padding", caller=caller, minimum=0)
        pair(dilation, "dilation", caller=caller, minimum=1)
        check_type(return_indices, "return_indices", bool, caller=caller)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices

    def forward(self, input: torch.Tensor):
        """Pool ``input`` (N, C, H, W); also return the indices if ``return_indices``."""
        kernel = pair(self.kernel_size, "kernel_size", caller="MaxPool2d", minimum=1)
        stride, padding = pair(self.stride, "stride", caller="MaxPool2d", minimum=1), \
            pair(self.padding, "padding", caller="MaxPool2d", minimum=0)
        dilation = pair(self.dilation, "dilation", caller="MaxPool2d", minimum=1)
        windows, (h_out, w_out) = _windows(input, kernel, stride, padding, dilation,
                                           "MaxPool2d", float("-inf"))  # (N, C, K, L)
        values, local = windows.max(dim=2)  # (N, C, L) each
        n, c = input.shape[:2]
        output = values.reshape(n, c, h_out, w_out)
        if not self.return_indices:
            return output
        # Where each window starts, plus where its maximum sits inside it, in input pixels.
        positions = torch.arange(h_out * w_out, device=input.device)  # (L,)
        row = (positions // w_out) * stride[0] - padding[0] + (local // kernel[1]) * dilation[0]
        col = (positions % w_out) * stride[1] - padding[1] + (local % kernel[1]) * dilation[1]
        indices = row * input.shape[3] + col  # (N, C, L)
        return output, indices.reshape(n, c, h_out, w_out)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}")


class AvgPool2d(nn.Module):
    """The mean of each window: ``unfold`` the windows, then average each one.

    A twin of :class:`torch.nn.AvgPool2d` (without ``ceil_mode`` and ``divisor_override``).

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; ``None`` means ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit zero padding, at most half the kernel size.
    count_include_pad : bool, default True
        Count the padding zeros in each window's divisor.

    Examples
    --------
    >>> AvgPool2d(2)(torch.arange(16.0).reshape(1, 1, 4, 4))
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, kernel_size, stride=None, padding=0,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        caller = "AvgPool2d"
        pair(kernel_size, "kernel_size", caller=caller, minimum=1)
        if stride is not None:
            pair(stride, "stride", caller=caller, minimum=1)
        pair(padding, "padding", caller=caller, minimum=0)
        check_type(count_include_pad, "count_include_pad", bool, caller=caller)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.count_include_pad = count_include_pad

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Pool ``input`` (N, C, H, W)."""
        caller = "AvgPool2d"
        kernel = pair(self.kernel_size, "kernel_size", caller=caller, minimum=1)
        stride = pair(self.stride, "stride", caller=caller, minimum=1)
        padding = pair(self.padding, "padding", caller=caller, minimum=0)
        windows, (h_out, w_out) = _windows(input, kernel, stride, padding, (1, 1), caller,
                                           0.0)  # (N, C, K, L)
        if self.count_include_pad:
            output = windows.mean(dim=2)  # (N, C, L)
        else:  # divide by the number of real (unpadded) elements in each window
            ones = torch.ones(1, 1, *input.shape[2:], dtype=input.dtype, device=input.device)
            counts = _windows(ones, kernel, stride, padding, (1, 1), caller, 0.0)[0]  # (1, 1, K, L)
            output = windows.sum(dim=2) / counts.sum(dim=2)  # (N, C, L)
        return output.reshape(*input.shape[:2], h_out, w_out)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
