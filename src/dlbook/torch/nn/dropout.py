"""Inverted dropout written with torch operations."""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import check_probability
from dlbook.torch.nn._checks import check_tensor

__all__ = ["Dropout"]


class Dropout(nn.Module):
    """Inverted dropout, a twin of :class:`torch.nn.Dropout` (without ``inplace``).

    In training mode each element is kept with probability ``1 - p`` (a Bernoulli mask
    drawn on the input's device) and the survivors are scaled by ``1 / (1 - p)``; in
    evaluation mode (``.eval()``) the input is returned unchanged. Autograd multiplies
    the gradient by the same mask.

    Examples
    --------
    >>> drop = Dropout(0.25)
    >>> x = torch.ones(10_000)
    >>> drop(x).unique()  # dropped, or kept and scaled by 1 / (1 - p)
    tensor([0.0000, 1.3333])
    >>> bool(torch.equal(drop.eval()(x), x))
    True

    Introduced in :doc:`/book/cnn/layers`.
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = check_probability(p, "p", caller="Dropout")

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Drop and rescale in training; the identity in evaluation."""
        check_tensor(input, "input", caller="Dropout", floating=False)
        if not self.training or self.p == 0.0:
            return input
        if not input.is_floating_point():  # torch refuses too: the scaled result is not an int
            raise TypeError(f"Dropout: expected input with a floating-point dtype in training "
                            f"mode, got {input.dtype}")
        if self.p == 1.0:
            return input * torch.zeros_like(input)
        keep = torch.empty_like(input).bernoulli_(1 - self.p)  # 1 with probability 1 - p
        # Multiplying by the scale (not dividing by 1 - p) rounds as torch does: bit-equal.
        return input * keep * (1.0 / (1.0 - self.p))

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False"
