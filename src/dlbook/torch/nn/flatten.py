"""Flattening feature maps into feature vectors, with torch operations."""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import check_int, type_name

__all__ = ["Flatten"]


class Flatten(nn.Module):
    """Merge dimensions ``start_dim`` to ``end_dim``, a twin of :class:`torch.nn.Flatten`.

    >>> Flatten()(torch.zeros(2, 3, 4, 5)).shape
    torch.Size([2, 60])

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = check_int(start_dim, "start_dim", caller="Flatten")
        self.end_dim = check_int(end_dim, "end_dim", caller="Flatten")

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Return ``input`` with dimensions ``start_dim`` to ``end_dim`` merged (a view)."""
        if not isinstance(input, torch.Tensor):
            raise TypeError(f"Flatten: expected input to be a torch.Tensor, got "
                            f"{type_name(input)}")
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
