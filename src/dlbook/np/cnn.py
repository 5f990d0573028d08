"""The course's convolutional network in NumPy, twin of :class:`dlbook.torch.models.CourseCNN`."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_float_dtype, check_in, check_number, check_positive_int
from dlbook.np.nn.activation import ReLU
from dlbook.np.nn.container import Sequential
from dlbook.np.nn.conv import Conv2d
from dlbook.np.nn.dropout import Dropout
from dlbook.np.nn.flatten import Flatten
from dlbook.np.nn.linear import Linear
from dlbook.np.nn.pooling import MaxPool2d
from dlbook.random import resolve_rng
from dlbook.shapes import course_cnn_feature_size  # re-exported: its home was here

__all__ = ["course_cnn", "course_cnn_feature_size"]


def course_cnn(
    in_channels: int = 1,
    num_classes: int = 10,
    image_size: int = 8,
    channels: tuple[int, int] = (32, 64),
    hidden_size: int = 128,
    dropout: float = 0.5,
    padding: int = 1,
    *,
    dtype: Any = np.float32,
    rng: np.random.Generator | int | None = None,
) -> Sequential:
    """The course's CNN from :mod:`dlbook.np.nn` layers, layer for layer as ``CourseCNN``.

    Conv(32, 3 x 3) ReLU MaxPool(2), Conv(64, 3 x 3) ReLU MaxPool(2), Flatten, Linear(128)
    ReLU Dropout(0.5), Linear(10); the output is logits for
    :class:`~dlbook.np.nn.CrossEntropyLoss`. The arguments and the reason for ``padding=1``
    on 8 x 8 images are those of :class:`dlbook.torch.models.CourseCNN`; the parameters have
    the same names (``0.*``, ``3.*``, ``7.*``, ``10.*``), so the PyTorch model's
    ``state_dict`` loads here and this model's loads there.

    Parameters
    ----------
    in_channels, num_classes, image_size, channels, hidden_size, dropout, padding
        As :class:`dlbook.torch.models.CourseCNN`.
    dtype : numpy dtype, default numpy.float32
        Parameter dtype.
    rng : numpy.random.Generator, int or None
        One generator shared by the layers: their initial weights, then the dropout masks.

    Returns
    -------
    Sequential

    Examples
    --------
    >>> model = course_cnn(rng=0)
    >>> model(np.zeros((5, 1, 8, 8), dtype=np.float32)).shape
    (5, 10)
    >>> [name for name, _ in model.named_parameters()][::2]
    ['0.weight', '3.weight', '7.weight', '10.weight']

    Introduced in :doc:`/book/cnn/course-cnn`.
    """
    caller = "course_cnn"
    check_positive_int(in_channels, "in_channels", caller=caller)
    check_positive_int(num_classes, "num_classes", caller=caller)
    check_positive_int(hidden_size, "hidden_size", caller=caller)
    check_number(dropout, "dropout", caller=caller, low=0.0, high=1.0)
    if not isinstance(channels, (tuple, list)) or len(channels) != 2:
        raise ValueError(f"{caller}: expected channels to hold 2 sizes, got {channels!r}")
    first, second = (check_positive_int(c, "channels[i]", caller=caller) for c in channels)
    check_in(padding, "padding", (0, 1), caller=caller)
    side = course_cnn_feature_size(image_size, padding, caller=caller)
    dtype = check_float_dtype(dtype, caller=caller)
    generator = resolve_rng(rng, caller=caller)
    return Sequential(
        Conv2d(in_channels, first, 3, padding=padding, dtype=dtype, rng=generator),  # 0
        ReLU(),
        MaxPool2d(2),
        Conv2d(first, second, 3, padding=padding, dtype=dtype, rng=generator),  # 3
        ReLU(),
        MaxPool2d(2),
        Flatten(),  # (N, second * side * side)
        Linear(second * side * side, hidden_size, dtype=dtype, rng=generator),  # 7
        ReLU(),
        Dropout(dropout, rng=generator),
        Linear(hidden_size, num_classes, dtype=dtype, rng=generator),  # 10
    )
