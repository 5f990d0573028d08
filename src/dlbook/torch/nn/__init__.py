"""Layers written from torch operations, with the names and parameters of :mod:`torch.nn`."""

from dlbook.torch.nn.linear import Linear

__all__ = ["Linear"]
