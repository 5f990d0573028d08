"""Shape arithmetic shared by both halves: hyperparameter pairs and convolution output sizes.

Framework-free, so ``dlbook.np`` and ``dlbook.torch`` compute their shapes with the same
code and the same error messages.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook._checks import check_in, check_positive_int

__all__ = ["pair", "conv_output_size", "course_cnn_feature_size"]


def pair(value: Any, name: str, *, caller: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, each at least ``minimum``, as a pair (torch's ``_pair``).

    >>> pair(3, "kernel_size", caller="Conv2d", minimum=1), pair((1, 2), "stride", caller="f",
    ...                                                           minimum=1)
    ((3, 3), (1, 2))
    >>> pair(0, "stride", caller="Conv2d", minimum=1)
    Traceback (most recent call last):
        ...
    ValueError: Conv2d: expected stride >= 1, got 0

    Introduced in :doc:`/book/cnn/convolution`.
    """
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral)
                              for v in items):
        raise TypeError(f"{caller}: expected {name} to be an int or a pair of ints, "
                        f"got {value!r}")
    if min(items) < minimum:
        raise ValueError(f"{caller}: expected {name} >= {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def conv_output_size(
    size: tuple[int, int], kernel_size: tuple[int, int], stride: tuple[int, int],
    padding: tuple[int, int], dilation: tuple[int, int], *, caller: str,
) -> tuple[int, int]:
    """``floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1`` per axis.

    Every argument is already a pair (see :func:`pair`); a kernel that does not fit the
    padded input is an error that names both.

    >>> conv_output_size((28, 28), (3, 3), (1, 1), (1, 1), (1, 1), caller="Conv2d")
    (28, 28)

    Introduced in :doc:`/book/cnn/convolution`.
    """
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation, strict=True))
    padded = tuple(s + 2 * p for s, p in zip(size, padding, strict=True))
    if extent[0] > padded[0] or extent[1] > padded[1]:
        raise ValueError(
            f"{caller}: kernel of effective size {extent} (dilation * (kernel_size - 1) + 1) "
            f"is larger than the padded input {padded} (input {tuple(size)} + 2 * padding)"
        )
    return tuple((p - e) // s + 1 for p, e, s in zip(padded, extent, stride, strict=True))


def course_cnn_feature_size(image_size: int, padding: int = 1, *, caller: str = "CourseCNN"
                            ) -> int:
    """Side of the feature maps that reach ``Flatten`` in :class:`dlbook.torch.models.CourseCNN`.

    Each 3 x 3 convolution changes the side ``s`` into ``s - 2 + 2 * padding`` and each
    2 x 2 max pooling into ``s // 2`` (PyTorch drops an odd last row and column).

    >>> course_cnn_feature_size(8, padding=1), course_cnn_feature_size(28, padding=0)
    (2, 5)
    >>> course_cnn_feature_size(8, padding=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: CourseCNN: image_size 8 is too small for padding=0: ... 8 -> 6 -> 3 -> 1 -> 0 ...

    Introduced in :doc:`/book/cnn/course-cnn`.
    """
    side = check_positive_int(image_size, "image_size", caller=caller)
    check_in(padding, "padding", (0, 1), caller=caller)
    sides = [side]
    for _ in range(2):
        sides.append(sides[-1] - 2 + 2 * padding)  # 3 x 3 convolution, stride 1
        sides.append(max(sides[-1], 0) // 2)  # 2 x 2 max pooling, stride 2
    if min(sides) < 1:
        path = " -> ".join(str(max(s, 0)) for s in sides)
        raise ValueError(f"{caller}: image_size {image_size} is too small for padding={padding}: "
                         f"the sides shrink {path} (conv, pool, conv, pool); use a larger image"
                         + (" or padding=1" if padding == 0 else ""))
    return sides[-1]
