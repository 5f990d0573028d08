"""Max and average pooling over 2-D windows, forward and backward.

Both look at the same windows as a convolution (a strided view of the padded input, no
copy until the reduction) and send gradients back with the same per-kernel-offset scatter
(:func:`dlbook.np.nn.functional.conv._scatter_windows`).

Ties in max pooling follow torch: the whole gradient of a window goes to the *first*
maximum in the window, scanning rows top to bottom and each row left to right (what
``numpy.argmax`` returns on the flattened window, and what torch's CPU kernel picks).
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_shape, check_type
from dlbook.np.nn.functional.conv import _pad, _scatter_windows, _unpad, _windows
from dlbook.shapes import conv_output_size, pair

__all__ = [
    "max_pool2d", "max_pool2d_forward", "max_pool2d_backward",
    "avg_pool2d", "avg_pool2d_forward", "avg_pool2d_backward",
]


def _pool_args(x, kernel_size, stride, padding, dilation, *, caller: str, input_name: str = "x"):
    """Check a pooling call; return the hyperparameters as pairs and the output size."""
    check_array(x, input_name, caller=caller, kind="float")
    check_shape(x, input_name, ("N", "C", "H", "W"), caller=caller)
    kernel = pair(kernel_size, "kernel_size", caller=caller, minimum=1)
    stride = kernel if stride is None else pair(stride, "stride", caller=caller, minimum=1)
    padding = pair(padding, "padding", caller=caller, minimum=0)
    dilation = pair(dilation, "dilation", caller=caller, minimum=1)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        # torch's rule; it keeps a window from holding nothing but padding.
        raise ValueError(f"{caller}: expected padding at most half of the kernel size "
                         f"{kernel}, got padding {padding}")
    size = conv_output_size(x.shape[2:], kernel, stride, padding, dilation, caller=caller)
    return kernel, stride, padding, dilation, size


def _check_grad(grad_output: np.ndarray, shape: tuple[int, ...], caller: str) -> None:
    check_array(grad_output, "grad_output", caller=caller)
    check_shape(grad_output, "grad_output", shape, caller=caller,
                hint="the shape of the forward output")


def max_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of :func:`max_pool2d`; the cache holds where each maximum was.

    Returns
    -------
    out : numpy.ndarray
        Shape ``(N, C, H_out, W_out)``.
    cache : tuple
        ``(argmax, x_shape, kernel_size, stride, padding, dilation)``; ``argmax`` is the
        position of the maximum inside each flattened window, shape ``(N, C, H_out, W_out)``.

    Introduced in :doc:`/book/cnn/layers`.
    """
    return _max_pool2d_forward(x, kernel_size, stride, padding, dilation,
                               caller="max_pool2d_forward")


def _max_pool2d_forward(x, kernel_size, stride, padding, dilation, *, caller: str,
                        input_name: str = "x") -> tuple[np.ndarray, tuple]:
    kernel, stride, padding, dilation, (h_out, w_out) = _pool_args(
        x, kernel_size, stride, padding, dilation, caller=caller, input_name=input_name)
    n, c = x.shape[:2]
    padded = _pad(x, padding, value=-np.inf)  # padding never wins a max
    windows = _windows(padded, kernel, stride, dilation)  # (N, C, kH, kW, Ho, Wo), a view
    windows = windows.reshape(n, c, kernel[0] * kernel[1], h_out, w_out)  # (N, C, K, Ho, Wo)
    argmax = windows.argmax(axis=2)  # (N, C, Ho, Wo), the first maximum on ties
    out = np.take_along_axis(windows, argmax[:, :, None], axis=2)[:, :, 0]  # (N, C, Ho, Wo)
    return out, (argmax, x.shape, kernel, stride, padding, dilation)


def max_pool2d_backward(grad_output: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of :func:`max_pool2d`: each window's gradient goes to its maximum.

    Overlapping windows (stride below the kernel size) that share a maximum add up there.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [2.0, 0.0]]]])
    >>> out, cache = max_pool2d_forward(x, 2)
    >>> max_pool2d_backward(np.ones_like(out), cache)
    array([[[[0., 1.],
             [0., 0.]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """
    argmax, x_shape, kernel, stride, padding, dilation = cache
    _check_grad(grad_output, argmax.shape, "max_pool2d_backward")
    n, c, h_out, w_out = argmax.shape
    offsets = np.arange(kernel[0] * kernel[1]).reshape(1, 1, -1, 1, 1)
    winners = argmax[:, :, None] == offsets  # (N, C, K, Ho, Wo), one True per window
    grad_windows = np.where(winners, grad_output[:, :, None], 0).astype(grad_output.dtype)
    grad_windows = grad_windows.reshape(n, c, *kernel, h_out, w_out)
    padded_shape = (n, c, x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1])
    return _unpad(_scatter_windows(grad_windows, padded_shape, stride, dilation), padding)


def max_pool2d(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """The maximum of each window, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C, H, W)``.
    kernel_size : int or (int, int)
        Window size.
    stride : int or (int, int), optional
        Step between windows; ``None`` (the default) means ``kernel_size``.
    padding : int or (int, int)
        Implicit ``-inf`` padding on both sides, at most half the kernel size.
    dilation : int or (int, int)
        Spacing between the elements of a window.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)
    array([[[[ 5.,  7.],
             [13., 15.]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """
    return max_pool2d_forward(x, kernel_size, stride, padding, dilation)[0]


def avg_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    count_include_pad: bool = True,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of :func:`avg_pool2d`; the cache holds the divisor of each window.

    Introduced in :doc:`/book/cnn/layers`.
    """
    return _avg_pool2d_forward(x, kernel_size, stride, padding, count_include_pad,
                               caller="avg_pool2d_forward")


def _avg_pool2d_forward(x, kernel_size, stride, padding, count_include_pad, *, caller: str,
                        input_name: str = "x") -> tuple[np.ndarray, tuple]:
    check_type(count_include_pad, "count_include_pad", bool, caller=caller)
    kernel, stride, padding, dilation, (h_out, w_out) = _pool_args(
        x, kernel_size, stride, padding, 1, caller=caller, input_name=input_name)
    windows = _windows(_pad(x, padding), kernel, stride, dilation)  # (N, C, kH, kW, Ho, Wo)
    if count_include_pad:
        divisor = np.asarray(kernel[0] * kernel[1], dtype=x.dtype)
    else:  # how many real (unpadded) elements each window holds
        ones = _pad(np.ones((1, 1, *x.shape[2:]), dtype=x.dtype), padding)
        divisor = _windows(ones, kernel, stride, dilation).sum(axis=(2, 3))[0, 0]  # (Ho, Wo)
    out = windows.sum(axis=(2, 3)) / divisor  # (N, C, Ho, Wo)
    return out, (divisor, x.shape, kernel, stride, padding)


def avg_pool2d_backward(grad_output: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of :func:`avg_pool2d`: each window shares its gradient out evenly.

    Examples
    --------
    >>> out, cache = avg_pool2d_forward(np.ones((1, 1, 2, 4)), 2)
    >>> avg_pool2d_backward(np.array([[[[1.0, 2.0]]]]), cache)
    array([[[[0.25, 0.25, 0.5 , 0.5 ],
             [0.25, 0.25, 0.5 , 0.5 ]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """
    divisor, x_shape, kernel, stride, padding = cache
    n, c = x_shape[:2]
    h_out, w_out = conv_output_size(x_shape[2:], kernel, stride, padding, (1, 1),
                                caller="avg_pool2d_backward")
    _check_grad(grad_output, (n, c, h_out, w_out), "avg_pool2d_backward")
    share = grad_output / divisor  # (N, C, Ho, Wo)
    grad_windows = np.broadcast_to(share[:, :, None, None], (n, c, *kernel, h_out, w_out))
    padded_shape = (n, c, x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1])
    return _unpad(_scatter_windows(grad_windows, padded_shape, stride, (1, 1)), padding)


def avg_pool2d(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    count_include_pad: bool = True,
) -> np.ndarray:
    """The mean of each window, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C, H, W)``.
    kernel_size, stride, padding : int or (int, int)
        As in :func:`max_pool2d` (zero padding, at most half the kernel size).
    count_include_pad : bool, default True
        Count the padding zeros in the divisor; otherwise divide by the number of real
        elements in each window.

    Examples
    --------
    >>> avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2)
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])

    Introduced in :doc:`/book/cnn/layers`.
    """
    return avg_pool2d_forward(x, kernel_size, stride, padding, count_include_pad)[0]
