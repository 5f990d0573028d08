"""Input checks and the fuzz factor shared by the Keras rules."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_int, type_name

__all__ = ["EPSILON"]


EPSILON = 1e-7
"""Keras's fuzz factor, ``keras.config.epsilon()``: probabilities are clipped to
``[EPSILON, 1 - EPSILON]`` before a logarithm."""


def _as_float_array(x: Any, name: str, *, caller: str) -> np.ndarray:
    """``x`` (an array, a list, a number) as a float64 array; a TypeError if it is not numeric."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got "
                        f"{type_name(x)}")
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got "
                        f"{type_name(x)}") from error
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got dtype "
                        f"{array.dtype}")
    return array.astype(np.float64)


def _check_axis(axis: Any, ndim: int, *, caller: str) -> int:
    axis = check_int(axis, "axis", caller=caller)
    if ndim < 1 or not -ndim <= axis < ndim:
        raise ValueError(f"{caller}: expected axis in [-{ndim}, {ndim}) for y_pred with "
                         f"{ndim} dimensions, got {axis}")
    return axis % ndim


def _check_same_shape(y_true: np.ndarray, y_pred: np.ndarray, *, caller: str) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{caller}: expected y_true and y_pred of the same shape, got "
                         f"y_true {y_true.shape} and y_pred {y_pred.shape}")
