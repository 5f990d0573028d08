"""The embedding layer: a trainable lookup table from token indices to vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import as_caller, check_float_dtype
from dlbook._layer_checks import check_embedding_args
from dlbook.np.nn.functional.embedding import embedding_backward, embedding_forward
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng

__all__ = ["Embedding"]


class Embedding(Module):
    """Lookup table ``weight[input]``, as ``torch.nn.Embedding``.

    Parameters
    ----------
    num_embeddings : int
        Size of the vocabulary (rows of the table).
    embedding_dim : int
        Length of each vector.
    padding_idx : int or None
        A row (negative counts from the end, as in torch) that starts at zero and never
        receives a gradient, for the padding token.
    dtype, rng : keyword-only
        Parameter dtype (float32) and the source of the initial table, drawn from
        :math:`N(0, 1)` as in torch.

    Notes
    -----
    ``backward(grad_output)`` adds the table's gradient to ``weight.grad`` and returns
    ``None``: integer indices have no gradient. torch's ``max_norm``, ``scale_grad_by_freq``
    and ``sparse`` are not implemented.

    Examples
    --------
    >>> emb = Embedding(10, 3, padding_idx=0, rng=0)
    >>> out = emb(np.array([[0, 4, 4], [1, 2, 0]])); out.shape
    (2, 3, 3)
    >>> emb.backward(np.ones_like(out)); emb.weight.grad[[0, 4]].tolist()
    [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]]

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 *, dtype: Any = np.float32, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        caller = "Embedding"
        self.num_embeddings, self.embedding_dim, padding_idx = check_embedding_args(
            num_embeddings, embedding_dim, padding_idx)
        self.padding_idx = padding_idx
        dtype = check_float_dtype(dtype, caller=caller)
        generator = resolve_rng(rng, caller=caller)
        table = generator.standard_normal((num_embeddings, embedding_dim)).astype(dtype)
        if padding_idx is not None:
            table[padding_idx] = 0
        self.weight = Parameter(table)
        self._cache = None

    def forward(self, input: np.ndarray) -> np.ndarray:
        """Return ``weight[input]``, shape ``(*input.shape, embedding_dim)``."""
        with as_caller("Embedding", "embedding_forward"):
            out, self._cache = embedding_forward(input, self.weight.data, self.padding_idx)
        return out

    def backward(self, grad_output: np.ndarray) -> None:
        """Add the table's gradient to ``weight.grad`` (zero at ``padding_idx``); return None."""
        cache = self._require_cache(self._cache)
        with as_caller("Embedding.backward", "embedding_backward"):
            self.weight.grad += embedding_backward(grad_output, cache)
        return None

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
