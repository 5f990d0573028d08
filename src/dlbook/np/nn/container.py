"""Containers: modules that hold other modules (Sequential) or nothing at all (Identity)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from dlbook._checks import type_name
from dlbook.np.nn.module import Module

__all__ = ["Sequential", "Identity"]


class Sequential(Module):
    """Modules applied one after another; ``backward`` runs them in reverse.

    Sub-modules are named ``"0"``, ``"1"``, ... as in torch, so a ``torch.nn.Sequential``
    ``state_dict`` loads directly. Supports ``len``, iteration, indexing and slicing.

    Examples
    --------
    >>> from dlbook.np.nn import Linear, ReLU
    >>> net = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=0))
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    >>> len(net), type(net[1]).__name__, len(net[:2])
    (3, 'ReLU', 2)

    Introduced in :doc:`/book/foundations/backprop`.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: expected a dlbook.np.nn.Module, got {type_name(module)}")
        self._modules[str(len(self._modules))] = module
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __getitem__(self, index: int | slice) -> Module:
        modules = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*modules[index])
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"Sequential: expected an int or slice index, "
                            f"got {type_name(index)}")
        if not -len(modules) <= index < len(modules):
            raise IndexError(f"Sequential: index {index} is out of range for {len(modules)} "
                             f"modules")
        return modules[index]

    def forward(self, x: Any) -> Any:
        for module in self:
            x = module(x)
        return x

    def backward(self, grad_output: Any) -> Any:
        for module in reversed(list(self)):
            grad_output = module.backward(grad_output)
        return grad_output


class Identity(Module):
    """Return the input unchanged (a placeholder layer), as ``torch.nn.Identity``.

    >>> Identity()(np.array([1.0, 2.0]))
    array([1., 2.])

    Introduced in :doc:`/book/foundations/architectures`.
    """

    def forward(self, x: Any) -> Any:
        return x

    def backward(self, grad_output: Any) -> Any:
        return grad_output
