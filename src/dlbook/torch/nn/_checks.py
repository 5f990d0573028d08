"""Input checks shared by the :mod:`dlbook.torch.nn` layers.

torch's own errors for a tensor of the wrong dtype or device name neither the layer nor the
fix (``mat1 and mat2 must have the same dtype``); these say which layer, what it expected
and what it got, for example::

    LSTM: expected input of dtype torch.float32 (the weights'), got torch.float64
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from dlbook._checks import type_name

__all__ = ["check_tensor", "check_lengths"]


def _autocasting(device: torch.device) -> bool:
    """Whether autocast is on for ``device``: then torch itself mixes float dtypes."""
    return bool(torch.is_autocast_enabled(device.type))


def check_tensor(value: Any, name: str, *, caller: str, like: torch.Tensor | None = None,
                 floating: bool = True) -> torch.Tensor:
    """Check a tensor argument: a ``torch.Tensor``, floating point, on ``like``'s dtype and device.

    ``like`` is the layer's weight: the input must have its dtype (any floating dtype under
    ``torch.autocast``, which casts for the layer) and live on its device.

    >>> check_tensor(torch.zeros(2, dtype=torch.float64), "input", caller="Linear",
    ...              like=torch.zeros(1))
    Traceback (most recent call last):
        ...
    TypeError: Linear: expected input of dtype torch.float32 (the weights'), got torch.float64
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{caller}: expected {name} to be a torch.Tensor, got {type_name(value)}")
    if like is not None:
        if value.dtype != like.dtype and not (value.is_floating_point()
                                              and _autocasting(value.device)):
            raise TypeError(f"{caller}: expected {name} of dtype {like.dtype} (the weights'), "
                            f"got {value.dtype}")
        if value.device != like.device:
            raise ValueError(f"{caller}: expected {name} on device {like.device} (where the "
                             f"weights are), got {value.device}")
    elif floating and not value.is_floating_point():
        raise TypeError(f"{caller}: expected {name} with a floating-point dtype, got "
                        f"{value.dtype}")
    return value


def check_lengths(lengths: Any, batch: int, seq_len: int, *, caller: str,
                  device: torch.device) -> torch.Tensor:
    """Sequence lengths: ``batch`` integers in ``[1, seq_len]``, as an int64 tensor on ``device``.

    A list, a NumPy array or a tensor of integers is accepted; floats are refused rather than
    rounded, since a fractional length has no meaning.

    >>> check_lengths([3.0, 2.5], 2, 3, caller="LSTM", device=torch.device("cpu"))
    Traceback (most recent call last):
        ...
    TypeError: LSTM: expected lengths to be integers (one per sequence), got float64 ...
    """
    if isinstance(lengths, torch.Tensor):
        values = lengths.detach()
        dtype = values.dtype
        integral = not (values.is_floating_point() or values.is_complex()
                        or dtype == torch.bool)
        shown = values.reshape(-1)[:8].tolist()
    else:
        array = np.asarray(lengths)
        dtype = array.dtype
        integral = array.dtype.kind in "iu"
        shown = array.reshape(-1)[:8].tolist()
        values = torch.as_tensor(array) if integral else None
    if not integral:
        raise TypeError(f"{caller}: expected lengths to be integers (one per sequence), got "
                        f"{dtype} values {shown}")
    values = values.to(device=device, dtype=torch.int64)
    if tuple(values.shape) != (batch,):
        raise ValueError(f"{caller}: expected lengths of shape ({batch},) (one per sequence), "
                         f"got {tuple(values.shape)}")
    if batch and (int(values.min()) < 1 or int(values.max()) > seq_len):
        raise ValueError(f"{caller}: expected lengths in [1, {seq_len}] (the sequence length), "
                         f"got values in [{int(values.min())}, {int(values.max())}]")
    return values
