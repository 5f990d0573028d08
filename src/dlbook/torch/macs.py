"""Counting the multiply-accumulates (MACs) of one forward pass."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from itertools import chain

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlbook._checks import check_type, type_name

__all__ = ["count_macs"]


def count_macs(model: nn.Module, input_shape: Sequence[int]) -> int:
    """Multiply-accumulates of one forward pass of ``model`` on one input of ``input_shape``.

    PyTorch's ``torch.utils.flop_counter.FlopCounterMode`` counts the floating-point
    operations of the matrix products and convolutions the forward pass runs, two per
    multiply-accumulate, so the result is its total divided by two. As usual, biases,
    activations, pooling and normalisation are not counted. The input is a tensor of zeros of
    shape ``(1, *input_shape)`` on the device of the model's parameters (so a model built on
    the ``"meta"`` device costs no memory), run without gradients and in evaluation mode (a
    batch-normalisation layer cannot normalise a batch of one); the model's training mode is
    restored afterwards.

    Parameters
    ----------
    model
        A :class:`torch.nn.Module`.
    input_shape
        The shape of one input, without the batch dimension, e.g. ``(1, 8, 8)`` for a
        one-channel 8 x 8 image.

    Returns
    -------
    int
        MACs per input: :math:`C_\\text{out} C_\\text{in} k^2 H_\\text{out} W_\\text{out}` for a
        convolution, ``in_features * out_features`` for a linear layer, summed over layers.

    Examples
    --------
    >>> count_macs(torch.nn.Linear(3, 2), (3,))  # each of the 6 weights used once
    6
    >>> count_macs(torch.nn.Conv2d(1, 4, 3, padding=1), (1, 8, 8))  # 4 * 1 * 9 weights x 64
    2304

    Introduced in :doc:`/book/cnn/limitations`.
    """
    caller = "count_macs"
    check_type(model, "model", nn.Module, caller=caller)
    if (isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence)
            or not input_shape):
        raise TypeError(f"{caller}: expected input_shape to be a non-empty tuple of positive "
                        f"ints (one input, without the batch dimension), got "
                        f"{type_name(input_shape)} {input_shape!r}")
    for size in input_shape:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"{caller}: expected input_shape of positive ints, got "
                             f"{tuple(input_shape)!r}")
    first = next(chain(model.parameters(), model.buffers()), None)
    device = first.device if first is not None else torch.device("cpu")
    dtype = first.dtype if first is not None and first.is_floating_point() else None
    modes = {module: module.training for module in model.modules()}
    model.eval()
    try:
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model(torch.zeros(1, *(int(size) for size in input_shape), device=device,
                              dtype=dtype))
    finally:
        for module, training in modes.items():
            module.training = training
    return int(counter.get_total_flops()) // 2
