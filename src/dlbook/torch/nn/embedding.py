"""The embedding layer written from torch operations: a trainable table indexed by tokens."""

from __future__ import annotations

import torch
from torch import nn

from dlbook._checks import type_name
from dlbook._layer_checks import check_embedding_args

__all__ = ["Embedding"]


class Embedding(nn.Module):
    """Lookup table ``weight[input]``, a twin of :class:`torch.nn.Embedding`.

    Indexing the table with integer tensors gathers one row per token; autograd sends each
    token's gradient back to its row (rows used twice add up). The ``padding_idx`` row is
    read like any other but never receives a gradient, so it stays where it started: zero.

    Parameters
    ----------
    num_embeddings : int
        Size of the vocabulary (rows of the table).
    embedding_dim : int
        Length of each vector.
    padding_idx : int or None
        The padding token's row (negative counts from the end and is stored as the positive
        index, as in torch); it starts at zero and gets no gradient.
    device, dtype : keyword-only
        Where and in what precision to create the table, drawn from :math:`N(0, 1)` by
        ``torch.nn.init.normal_`` as torch does, so after the same ``torch.manual_seed``
        both layers hold the same table.

    Notes
    -----
    torch's ``max_norm``, ``norm_type``, ``scale_grad_by_freq`` and ``sparse`` are not
    implemented.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> out = emb(torch.tensor([[0, 4, 4], [1, 2, 0]])); out.shape
    torch.Size([2, 3, 3])
    >>> out.sum().backward(); emb.weight.grad[[0, 4]].tolist()
    [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]]
    >>> _ = torch.manual_seed(0)
    >>> bool(torch.equal(emb.weight, torch.nn.Embedding(10, 3, padding_idx=0).weight))
    True

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 *, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim, padding_idx = check_embedding_args(
            num_embeddings, embedding_dim, padding_idx)
        self.padding_idx = padding_idx
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim, device=device,
                                               dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw a fresh table from N(0, 1), with the padding row zeroed, as torch does."""
        nn.init.normal_(self.weight)
        if self.padding_idx is not None:
            with torch.no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Return ``weight[input]``, of shape ``(*input.shape, embedding_dim)``."""
        if not isinstance(input, torch.Tensor):
            raise TypeError(f"Embedding: expected input to be a torch.Tensor of token indices, "
                            f"got {type_name(input)}")
        if input.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"Embedding: expected input of dtype torch.int64 or torch.int32 "
                            f"(token indices), got {input.dtype}")
        if input.device != self.weight.device:
            raise ValueError(f"Embedding: expected input on device {self.weight.device} (where "
                             f"the table is), got {input.device}")
        if input.numel() and (int(input.min()) < 0 or int(input.max()) >= self.num_embeddings):
            raise ValueError(f"Embedding: expected indices in [0, {self.num_embeddings}) "
                             f"(num_embeddings rows), got values in [{int(input.min())}, "
                             f"{int(input.max())}]")
        rows = self.weight[input]  # (*input.shape, embedding_dim)
        if self.padding_idx is None:
            return rows
        # the padding row is read from a detached table, so no gradient reaches it
        padding = (input == self.padding_idx).unsqueeze(-1)  # (*input.shape, 1)
        return torch.where(padding, rows.detach(), rows)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else text + f", padding_idx={self.padding_idx}"
