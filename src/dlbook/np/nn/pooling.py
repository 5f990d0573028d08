"""Pooling layers: thin modules over :mod:`dlbook.np.nn.functional.pooling`."""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_caller, check_type
from dlbook.np.nn.functional.pooling import (
    _avg_pool2d_forward,
    _max_pool2d_forward,
    avg_pool2d_backward,
    max_pool2d_backward,
)
from dlbook.np.nn.module import Module
from dlbook.shapes import pair

__all__ = ["MaxPool2d", "AvgPool2d"]


class MaxPool2d(Module):
    """The maximum over each window of each channel, as ``torch.nn.MaxPool2d``.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; ``None`` (the default) means ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit ``-inf`` padding, at most half the kernel size.
    dilation : int or (int, int), default 1
        Spacing between the elements of a window.

    Notes
    -----
    On ties the gradient goes to the first maximum of the window (row by row), as torch's.
    With dilation a window can hold nothing but padding; its output is ``-inf`` (as torch's)
    and its gradient is dropped (torch sends it to an input element of its choice).

    Examples
    --------
    >>> pool = MaxPool2d(2)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4))
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    >>> pool
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
    ) -> None:
        super().__init__()
        caller = "MaxPool2d"
        pair(kernel_size, "kernel_size", caller=caller, minimum=1)
        if stride is not None:
            pair(stride, "stride", caller=caller, minimum=1)
        pair(padding, "padding", caller=caller, minimum=0)
        pair(dilation, "dilation", caller=caller, minimum=1)
        # Kept as given (an int or a pair), as torch keeps them.
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Pool ``x`` of shape ``(N, C, H, W)``."""
        out, self._cache = _max_pool2d_forward(x, self.kernel_size, self.stride, self.padding,
                                               self.dilation, caller="MaxPool2d",
                                               input_name="input")
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Send each window's gradient to its maximum; return ``dL/dx``."""
        cache = self._require_cache(self._cache)
        with as_caller("MaxPool2d.backward", "max_pool2d_backward"):
            return max_pool2d_backward(grad_output, cache)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}")


class AvgPool2d(Module):
    """The mean over each window of each channel, as ``torch.nn.AvgPool2d``.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; ``None`` (the default) means ``kernel_size``.
    padding : int or (int, int), default 0
        Implicit zero padding, at most half the kernel size.
    count_include_pad : bool, default True
        Count the padding zeros in each window's divisor.

    Examples
    --------
    >>> AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
        count_include_pad: bool = True,
    ) -> None:
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
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Pool ``x`` of shape ``(N, C, H, W)``."""
        out, self._cache = _avg_pool2d_forward(x, self.kernel_size, self.stride, self.padding,
                                               self.count_include_pad, caller="AvgPool2d",
                                               input_name="input")
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Share each window's gradient evenly among its elements; return ``dL/dx``."""
        cache = self._require_cache(self._cache)
        with as_caller("AvgPool2d.backward", "avg_pool2d_backward"):
            return avg_pool2d_backward(grad_output, cache)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
