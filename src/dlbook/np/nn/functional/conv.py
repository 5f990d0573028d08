"""Two-dimensional convolution (cross-correlation, as in torch), forward and backward, by im2col.

The forward pass copies every receptive field of the (padded) input into a column of one
matrix, ``cols`` of shape ``(C*kH*kW, N*H_out*W_out)`` (the whole batch side by side), and
computes every output with ONE matrix product ``weight (F, C*kH*kW) @ cols``. The backward pass
reuses ``cols`` for the weight gradient and scatters the column gradients back onto the input
("col2im") with one strided addition per kernel offset: ``kH*kW`` vectorised additions, never
a loop over pixels or samples.

Why this layout: one large product keeps the BLAS library busy (a batch of 64 small products
ran about 3 times slower in ``benchmarks/conv2d.py``), and copying windows into rows of length
``W_out`` reads the input contiguously.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlbook._checks import check_array, check_shape
from dlbook.shapes import conv_output_size, pair

__all__ = ["conv2d", "conv2d_forward", "conv2d_backward", "conv2d_output_size"]


def conv2d_output_size(
    size: int | tuple[int, int],
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> int | tuple[int, int]:
    r"""The output size of a convolution or pooling along each spatial axis.

    .. math::

        H_{out} = \left\lfloor \frac{H + 2p - d\,(k - 1) - 1}{s} \right\rfloor + 1

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int or (int, int)
        The input size and the hyperparameters, as ``torch.nn.Conv2d`` takes them.

    Returns
    -------
    int or (int, int)
        An int when every argument is an int, else a pair ``(H_out, W_out)``.

    Examples
    --------
    >>> conv2d_output_size(28, 3), conv2d_output_size(28, 3, padding=1)
    (26, 28)
    >>> conv2d_output_size((32, 17), (5, 3), stride=2, padding=(2, 1), dilation=(1, 2))
    (16, 8)

    Introduced in :doc:`/book/cnn/convolution`.
    """
    caller = "conv2d_output_size"
    args = (size, kernel_size, stride, padding, dilation)
    out = conv_output_size(
        pair(size, "size", caller=caller, minimum=1),
        pair(kernel_size, "kernel_size", caller=caller, minimum=1),
        pair(stride, "stride", caller=caller, minimum=1),
        pair(padding, "padding", caller=caller, minimum=0),
        pair(dilation, "dilation", caller=caller, minimum=1),
        caller=caller,
    )
    return out if any(isinstance(a, (tuple, list)) for a in args) else out[0]


def _pad(x: np.ndarray, padding: tuple[int, int], value: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) with ``padding`` rows/columns of ``value`` on each side."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    padded = np.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    return padded


def _windows(
    padded: np.ndarray, kernel_size: tuple[int, int], stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """A view (N, C, kH, kW, H_out, W_out) of every receptive field; nothing is copied."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    extent = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = sliding_window_view(padded, extent, axis=(2, 3))  # (N, C, Hp-eH+1, Wp-eW+1, eH, eW)
    view = view[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, H_out, W_out, kH, kW)
    return view.transpose(0, 1, 4, 5, 2, 3)  # (N, C, kH, kW, H_out, W_out)


def _scatter_windows(
    grad_windows: np.ndarray, padded_shape: tuple[int, ...], stride: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """The adjoint of :func:`_windows`: add each window's gradient back onto the padded input.

    One strided addition per kernel offset (``kH*kW`` of them, each over the whole batch).
    """
    _, _, kh, kw, h_out, w_out = grad_windows.shape
    (sh, sw), (dh, dw) = stride, dilation
    grad_padded = np.zeros(padded_shape, dtype=grad_windows.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (h_out - 1) + 1, sh)
        for j in range(kw):
            columns = slice(j * dw, j * dw + sw * (w_out - 1) + 1, sw)
            grad_padded[:, :, rows, columns] += grad_windows[:, :, i, j]
    return grad_padded


def _unpad(grad_padded: np.ndarray, padding: tuple[int, int]) -> np.ndarray:
    ph, pw = padding
    h, w = grad_padded.shape[2] - 2 * ph, grad_padded.shape[3] - 2 * pw
    return grad_padded[:, :, ph:ph + h, pw:pw + w]


def conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> tuple[np.ndarray, tuple]:
    """Forward pass of :func:`conv2d`; also returns the cache the backward pass needs.

    Returns
    -------
    out : numpy.ndarray
        Shape ``(N, F, H_out, W_out)``.
    cache : tuple
        ``(cols, x_shape, weight, has_bias, stride, padding, dilation)``, where ``cols``
        ``(C*kH*kW, N*H_out*W_out)`` holds every receptive field (reused by the backward pass).

    Introduced in :doc:`/book/cnn/convolution`.
    """
    caller = "conv2d_forward"
    check_array(weight, "weight", caller=caller, ndim=4, kind="float")
    out_channels, in_channels, kh, kw = weight.shape
    check_array(x, "x", caller=caller, kind="float")
    check_shape(x, "x", ("N", in_channels, "H", "W"), caller=caller, hint="C = weight.shape[1]")
    if bias is not None:
        check_array(bias, "bias", caller=caller, kind="float", shape=(out_channels,),
                    hint="weight.shape[0]")
    stride = pair(stride, "stride", caller=caller, minimum=1)
    padding = pair(padding, "padding", caller=caller, minimum=0)
    dilation = pair(dilation, "dilation", caller=caller, minimum=1)
    return _conv2d_forward(x, weight, bias, stride, padding, dilation, caller=caller)


def _conv2d_forward(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: tuple[int, int],
    padding: tuple[int, int], dilation: tuple[int, int], *, caller: str,
) -> tuple[np.ndarray, tuple]:
    """:func:`conv2d_forward` on checked arguments (``caller`` names the public entry point)."""
    n, c, h, w = x.shape
    out_channels, _, kh, kw = weight.shape
    h_out, w_out = conv_output_size((h, w), (kh, kw), stride, padding, dilation, caller=caller)
    windows = _windows(_pad(x, padding), (kh, kw), stride, dilation)  # (N, C, kH, kW, Ho, Wo)
    cols = windows.transpose(1, 2, 3, 0, 4, 5).reshape(c * kh * kw, n * h_out * w_out)  # (K, NP)
    out_2d = weight.reshape(out_channels, -1) @ cols  # (F, N*Ho*Wo): the one product
    out_fn = out_2d.reshape(out_channels, n, h_out, w_out).transpose(1, 0, 2, 3)  # a view
    out = np.empty((n, out_channels, h_out, w_out), dtype=out_2d.dtype)  # (N, F, Ho, Wo)
    if bias is not None:
        np.add(out_fn, bias[:, None, None], out=out)  # bias and layout change in one pass
    else:
        out[...] = out_fn
    return out, (cols, x.shape, weight, bias is not None, stride, padding, dilation)


def conv2d_backward(
    grad_output: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    r"""Backward pass of :func:`conv2d`.

    With ``out = W cols + b`` (all samples side by side): ``dL/dW = dout cols^T``,
    ``dL/db`` sums ``dout`` over the batch and the positions, and ``dL/dx`` scatters the
    columns of ``W^T dout`` back onto the input (the adjoint of im2col).

    Parameters
    ----------
    grad_output : numpy.ndarray
        ``dL/dout``, shape ``(N, F, H_out, W_out)``.
    cache : tuple
        What :func:`conv2d_forward` returned.

    Returns
    -------
    grad_x, grad_weight, grad_bias : numpy.ndarray
        Gradients with the shapes of ``x``, ``weight`` and ``bias`` (``None`` without bias).

    Examples
    --------
    >>> x, w, b = np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3)), np.zeros(4)
    >>> out, cache = conv2d_forward(x, w, b, padding=1)
    >>> [g.shape for g in conv2d_backward(np.ones_like(out), cache)]
    [(2, 3, 5, 5), (4, 3, 3, 3), (4,)]

    Introduced in :doc:`/book/cnn/convolution`.
    """
    cols, x_shape, weight, has_bias, stride, padding, dilation = cache
    n, c, h, w = x_shape
    out_channels, _, kh, kw = weight.shape
    h_out, w_out = conv_output_size((h, w), (kh, kw), stride, padding, dilation,
                                caller="conv2d_backward")
    check_array(grad_output, "grad_output", caller="conv2d_backward")
    check_shape(grad_output, "grad_output", (n, out_channels, h_out, w_out),
                caller="conv2d_backward", hint="the shape of the forward output")
    grad_2d = grad_output.transpose(1, 0, 2, 3).reshape(out_channels, -1)  # (F, N*Ho*Wo)
    weight_2d = weight.reshape(out_channels, -1)  # (F, K)
    # (cols @ grad^T)^T rather than grad @ cols^T: the same numbers, but BLAS is several
    # times faster with the long dimension N*Ho*Wo inside than outside.
    grad_weight = (cols @ grad_2d.T).T  # (F, K)
    grad_bias = grad_output.sum(axis=(0, 2, 3)) if has_bias else None  # (F,)
    grad_cols = weight_2d.T @ grad_2d  # (K, N*Ho*Wo)
    grad_windows = grad_cols.reshape(c, kh, kw, n, h_out, w_out).transpose(3, 0, 1, 2, 4, 5)
    padded_shape = (n, c, h + 2 * padding[0], w + 2 * padding[1])
    grad_x = _unpad(_scatter_windows(grad_windows, padded_shape, stride, dilation), padding)
    return grad_x, grad_weight.reshape(weight.shape), grad_bias


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    r"""2-D convolution of ``x`` with ``weight``, as ``torch.nn.functional.conv2d``.

    Like torch (and every deep-learning library) it computes a cross-correlation, the kernel
    is not flipped:
    :math:`\mathrm{out}[n, f, i, j] = b_f + \sum_{c, u, v} w[f, c, u, v]\,
    x_{pad}[n, c, s_h i + d_h u, s_w j + d_w v]`.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C, H, W)``.
    weight : numpy.ndarray
        Kernels of shape ``(F, C, kH, kW)`` (torch's layout).
    bias : numpy.ndarray or None
        Shape ``(F,)``.
    stride, padding, dilation : int or (int, int)
        As in torch; ``padding`` adds zeros on both sides.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, F, H_out, W_out)``, sizes given by :func:`conv2d_output_size`.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)  # sums of 2 x 2 blocks
    array([[[[10., 18.],
             [42., 50.]]]])

    Introduced in :doc:`/book/cnn/convolution`.
    """
    return conv2d_forward(x, weight, bias, stride, padding, dilation)[0]
