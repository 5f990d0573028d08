"""Comparing with PyTorch: the parity helpers of :mod:`dlbook.testing`.

They live here to keep each file small; import them from :mod:`dlbook.testing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlbook._checks import type_name

__all__ = ["assert_close", "torch_state_to_numpy", "torch_to_numpy_state", "numpy_state_to_torch"]


def _to_numpy(value: Any) -> np.ndarray:
    """An ndarray from an array, a number or a torch tensor (on any device)."""
    if hasattr(value, "detach"):  # a torch tensor; checked this way to avoid importing torch
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def assert_close(ours: Any, theirs: Any, rtol: float = 1e-7, atol: float = 1e-12,
                 name: str = "") -> None:
    """Assert ``|ours - theirs| <= atol + rtol * |theirs|`` everywhere, showing both if not.

    ``theirs`` is usually torch's result: tensors (on any device) are accepted on either
    side. Shapes must match exactly. NaNs never match; equal infinities do. The default
    ``atol`` only forgives round-off on entries that should be (nearly) zero.

    >>> from dlbook.testing import assert_close
    >>> assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    >>> assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.1]), name="Linear output")
    Traceback (most recent call last):
        ...
    AssertionError: Linear output: ours and theirs differ (rtol=1e-07, atol=1e-12) at 1 of 2 ...
    ...largest |ours - theirs| = 0.1 at index (1,): ours 2.0, theirs 2.1
    ours:
    [1. 2.]
    theirs:
    [1.  2.1]

    Introduced in :doc:`/book/foundations/backprop`.
    """
    label = f"{name}: " if name else ""
    a, b = _to_numpy(ours), _to_numpy(theirs)
    if a.shape != b.shape:
        raise AssertionError(f"{label}shapes differ: ours {a.shape}, theirs {b.shape}")
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf is nan here, and handled below
        diff = np.abs(a64 - b64)
    infinite = np.isinf(a64) | np.isinf(b64)
    close = np.where(infinite, a64 == b64, diff <= atol + rtol * np.abs(b64))  # NaN: False
    bad = ~close
    if not bad.any():
        return
    masked = np.where(bad, np.nan_to_num(diff, nan=np.inf), -1.0)
    worst = np.unravel_index(int(np.argmax(masked)), a.shape) if a.ndim else ()
    options = {"precision": 10, "threshold": 60, "edgeitems": 3}
    where = tuple(int(i) for i in worst)
    raise AssertionError(
        f"{label}ours and theirs differ (rtol={rtol:g}, atol={atol:g}) at {int(bad.sum())} "
        f"of {a.size} elements; largest |ours - theirs| = {diff[worst]:.3g} at index "
        f"{where}: ours {float(a64[worst])!r}, theirs {float(b64[worst])!r}\n"
        f"ours:\n{np.array2string(a, **options)}\ntheirs:\n{np.array2string(b, **options)}"
    )


def torch_state_to_numpy(state_dict: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Copy a torch ``state_dict`` into NumPy arrays, to load into a ``dlbook.np`` module.

    >>> import torch
    >>> sd = torch_state_to_numpy(torch.nn.Linear(3, 2).state_dict())
    >>> {k: v.shape for k, v in sd.items()}
    {'weight': (2, 3), 'bias': (2,)}

    Introduced in :doc:`/book/foundations/backprop`.
    """
    _check_mapping(state_dict, "torch_state_to_numpy")
    return {name: _to_numpy(value).copy() for name, value in state_dict.items()}


def _check_mapping(state_dict: Any, caller: str) -> None:
    if not isinstance(state_dict, Mapping):
        hint = " (pass module.state_dict())" if hasattr(state_dict, "state_dict") else ""
        raise TypeError(f"{caller}: expected a state_dict mapping names to arrays, got "
                        f"{type_name(state_dict)}{hint}")


#: The same function under the name used in the project's overview.
torch_to_numpy_state = torch_state_to_numpy


def numpy_state_to_torch(state_dict: Mapping[str, Any], device: Any = None) -> dict[str, Any]:
    """Copy a NumPy ``state_dict`` into torch tensors (on ``device``), the reverse direction.

    >>> import torch
    >>> layer = torch.nn.Linear(3, 2)
    >>> layer.load_state_dict(numpy_state_to_torch({"weight": np.zeros((2, 3), np.float32),
    ...                                             "bias": np.ones(2, np.float32)}))
    <All keys matched successfully>

    Introduced in :doc:`/book/foundations/backprop`.
    """
    import torch

    _check_mapping(state_dict, "numpy_state_to_torch")
    return {name: torch.as_tensor(np.array(value), device=device)
            for name, value in state_dict.items()}
