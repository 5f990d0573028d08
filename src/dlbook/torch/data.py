"""Mini-batches of tensors that are already in memory, for :func:`dlbook.torch.train.fit`."""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from typing import Any

import torch

from dlbook._checks import check_positive_int, check_type, type_name

__all__ = ["TensorLoader"]


class TensorLoader:
    """Iterate over rows of several tensors at once, in mini-batches, reshuffled every epoch.

    ``TensorLoader(x, y, extra, batch_size=32, shuffle=True, rng=0)`` yields
    ``(x[i], y[i], extra[i])`` for consecutive slices ``i`` of an order drawn with
    :func:`torch.randperm` at the start of every epoch, the triples :func:`~dlbook.torch.train.fit`
    passes on as ``model(xb, extra)``. It is ``torch.utils.data.DataLoader(TensorDataset(...),
    shuffle=True)`` made simple: the order is one ``randperm`` per epoch from the loader's own
    generator (torch's loader also draws a worker seed from it, and a second permutation at
    the end of each epoch), the tensors stay on their device, and a batch is one indexing
    operation per tensor rather than one per row.

    Parameters
    ----------
    *tensors
        Tensors with the same length ``N`` along their first dimension.
    batch_size
        Rows per batch (the last batch of an epoch may be smaller).
    shuffle
        Draw a new order every epoch; ``False`` keeps the rows in order.
    rng
        Seed of the loader's :class:`torch.Generator`, or a generator to use; ``None`` draws
        the orders from torch's global generator, as ``torch.randperm(N)`` does.

    Examples
    --------
    >>> x, y = torch.arange(10.0).reshape(5, 2), torch.arange(5)
    >>> loader = TensorLoader(x, y, batch_size=2)
    >>> len(loader), [yb.tolist() for _, yb in loader]
    (3, [[0, 1], [2, 3], [4]])
    >>> shuffled = TensorLoader(x, y, batch_size=5, shuffle=True, rng=0)
    >>> [yb.tolist() for _, yb in shuffled] == [torch.randperm(
    ...     5, generator=torch.Generator().manual_seed(0)).tolist()]
    True

    Introduced in :doc:`/book/sequences/patterns`.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = False,
                 rng: int | torch.Generator | None = None) -> None:
        caller = "TensorLoader"
        if not tensors:
            raise TypeError(f"{caller}: expected at least one tensor, got none")
        for index, tensor in enumerate(tensors):
            check_type(tensor, f"tensors[{index}]", torch.Tensor, caller=caller)
            if tensor.ndim == 0:
                raise ValueError(f"{caller}: expected tensors of shape (N, ...), got a 0-d "
                                 f"tensors[{index}]")
        lengths = [len(tensor) for tensor in tensors]
        if len(set(lengths)) != 1 or lengths[0] == 0:
            raise ValueError(f"{caller}: expected tensors with the same number N >= 1 of rows, "
                             f"got {lengths}")
        self.batch_size = check_positive_int(batch_size, "batch_size", caller=caller)
        self.shuffle = check_type(shuffle, "shuffle", bool, caller=caller)
        if isinstance(rng, torch.Generator) or rng is None:
            self.generator = rng
        elif isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
            self.generator = torch.Generator().manual_seed(int(rng))
        else:
            raise TypeError(f"{caller}: expected rng to be a non-negative int (a seed), a "
                            f"torch.Generator or None, got {type_name(rng)} {rng!r}")
        self.tensors = tensors

    def __len__(self) -> int:
        """Batches per epoch: ``ceil(N / batch_size)``."""
        return -(-len(self.tensors[0]) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        n_rows = len(self.tensors[0])
        if self.shuffle:
            order = torch.randperm(n_rows, generator=self.generator)
            for rows in order.split(self.batch_size):
                yield tuple(tensor[rows.to(tensor.device)] for tensor in self.tensors)
        else:
            for start in range(0, n_rows, self.batch_size):
                yield tuple(tensor[start:start + self.batch_size] for tensor in self.tensors)

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(tensor.shape)) for tensor in self.tensors)
        return f"TensorLoader({shapes}, batch_size={self.batch_size}, shuffle={self.shuffle})"
