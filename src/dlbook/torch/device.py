"""Choosing a device, so that the same code runs on a laptop and on a GPU."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import torch

ENV_VAR = "DLBOOK_DEVICE"
_KNOWN = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def _available(kind: str) -> bool:
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    return _mps_available()


def default_device() -> torch.device:
    """The device to compute on: ``$DLBOOK_DEVICE`` if set, else CUDA, then MPS, then CPU.

    The environment variable ``DLBOOK_DEVICE`` may be ``"cpu"``, ``"cuda"`` (or ``"cuda:1"``
    and so on) or ``"mps"``; it forces that device and raises if the device is not there, so a
    run meant for a GPU never falls back to the CPU unnoticed.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If ``DLBOOK_DEVICE`` names no known device.
    RuntimeError
        If it names a device this machine does not have.

    Examples
    --------
    >>> default_device().type in ("cpu", "cuda", "mps")
    True

    Introduced in :doc:`/book/foundations/digits`.
    """
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced:
        kind, _, index = forced.partition(":")
        if kind not in _KNOWN or (index and (kind != "cuda" or not index.isdigit())):
            raise ValueError(
                f"default_device: expected {ENV_VAR} to be one of 'cpu', 'cuda', 'cuda:N', "
                f"'mps', got {forced!r}"
            )
        if not _available(kind):
            raise RuntimeError(
                f"default_device: {ENV_VAR}={forced!r} but {kind.upper()} is not available on "
                f"this machine (unset {ENV_VAR} to pick the best device present)"
            )
        if index and int(index) >= torch.cuda.device_count():
            raise RuntimeError(
                f"default_device: {ENV_VAR}={forced!r} but only {torch.cuda.device_count()} "
                f"CUDA device(s) are present"
            )
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_tensor(
    array: Any, device: torch.device | str | None = None, dtype: torch.dtype | None = None
) -> torch.Tensor:
    """Turn a NumPy array (or a tensor, or a nested list) into a tensor on ``device``.

    Parameters
    ----------
    array
        The data. A NumPy array keeps its dtype unless ``dtype`` is given (float64 stays
        float64; note that MPS has no float64). On the CPU, the tensor may share memory with
        the array.
    device
        Where to put it; :func:`default_device` by default.
    dtype
        A torch dtype to convert to.

    Returns
    -------
    torch.Tensor

    Examples
    --------
    >>> to_tensor(np.arange(3.0), device="cpu")
    tensor([0., 1., 2.], dtype=torch.float64)
    >>> to_tensor(np.arange(3.0), device="cpu", dtype=torch.float32)
    tensor([0., 1., 2.])

    Introduced in :doc:`/book/foundations/digits`.
    """
    if dtype is not None and not isinstance(dtype, torch.dtype):
        raise TypeError(f"to_tensor: expected dtype to be a torch.dtype, got {dtype!r}")
    if device is None:
        device = default_device()
    if isinstance(array, np.ndarray) and array.dtype.kind not in "biuf":
        raise TypeError(f"to_tensor: expected a numeric array, got dtype {array.dtype}")
    return torch.as_tensor(array, dtype=dtype, device=device)
