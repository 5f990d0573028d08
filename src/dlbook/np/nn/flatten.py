"""The layer that turns feature maps into feature vectors."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_int, check_shape
from dlbook.np.nn.module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Merge dimensions ``start_dim`` to ``end_dim`` into one, as ``torch.nn.Flatten``.

    The default keeps the batch dimension: ``(N, C, H, W)`` becomes ``(N, C*H*W)``, what a
    :class:`~dlbook.np.nn.Linear` layer after the convolutions needs. ``backward`` reshapes
    the gradient back; nothing is copied either way.

    Parameters
    ----------
    start_dim : int, default 1
        First dimension to merge.
    end_dim : int, default -1
        Last dimension to merge (negative counts from the end).

    Examples
    --------
    >>> flatten = Flatten()
    >>> flatten(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    >>> flatten.backward(np.zeros((2, 60))).shape
    (2, 3, 4, 5)

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = check_int(start_dim, "start_dim", caller="Flatten")
        self.end_dim = check_int(end_dim, "end_dim", caller="Flatten")
        self._shapes: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x`` with dimensions ``start_dim`` to ``end_dim`` merged."""
        check_array(x, "input", caller="Flatten")
        ndim = max(x.ndim, 1)  # torch treats a 0-d tensor as 1-d here
        start, end = self.start_dim, self.end_dim
        if not (-ndim <= start < ndim and -ndim <= end < ndim):
            raise ValueError(f"Flatten: expected start_dim and end_dim in [{-ndim}, {ndim - 1}] "
                             f"for input of shape {x.shape}, got {start} and {end}")
        start, end = start % ndim, end % ndim
        if start > end:
            raise ValueError(f"Flatten: expected start_dim <= end_dim, got {self.start_dim} "
                             f"(dimension {start}) and {self.end_dim} (dimension {end})")
        shape = x.shape if x.ndim else (1,)
        merged = int(np.prod(shape[start:end + 1]))
        out = x.reshape(*shape[:start], merged, *shape[end + 1:])
        self._shapes = (x.shape, out.shape)
        return out

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Reshape ``grad_output`` to the shape of the last input."""
        input_shape, output_shape = self._require_cache(self._shapes)
        check_array(grad_output, "grad_output", caller="Flatten")
        check_shape(grad_output, "grad_output", output_shape, caller="Flatten",
                    hint="the shape of the forward output")
        return grad_output.reshape(input_shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
