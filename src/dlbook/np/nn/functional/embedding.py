"""Embedding lookup: a table of vectors indexed by integer tokens, forward and backward."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array

__all__ = ["embedding", "embedding_forward", "embedding_backward"]


def embedding_forward(
    indices: np.ndarray, weight: np.ndarray, padding_idx: int | None = None
) -> tuple[np.ndarray, tuple]:
    """Rows of ``weight`` picked by ``indices``: ``out[..., :] = weight[indices[...], :]``.

    Parameters
    ----------
    indices : numpy.ndarray
        Integer array of any shape with values in ``[0, num_embeddings)``.
    weight : numpy.ndarray
        The table, ``(num_embeddings, embedding_dim)``.
    padding_idx : int or None
        A row that receives no gradient (already non-negative).

    Returns
    -------
    out : numpy.ndarray
        ``(*indices.shape, embedding_dim)``.
    cache : tuple

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    check_array(weight, "weight", caller="embedding_forward", ndim=2, kind="float")
    check_array(indices, "input", caller="embedding_forward", kind="int")
    num_embeddings = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= num_embeddings):
        raise IndexError(f"embedding_forward: expected indices in [0, {num_embeddings}) "
                         f"(num_embeddings), got values in [{indices.min()}, {indices.max()}]")
    return weight[indices], (indices, weight.shape, padding_idx)


def embedding_backward(grad_output: np.ndarray, cache: tuple) -> np.ndarray:
    """Gradient of the table: each row gets the sum of ``grad_output`` wherever it was picked.

    A row picked twice gets both contributions (``np.add.at`` accumulates repeated indices,
    where ``grad[indices] += ...`` would keep only one); the ``padding_idx`` row gets zero.

    >>> out, cache = embedding_forward(np.array([1, 1, 0]), np.zeros((3, 2)), padding_idx=0)
    >>> embedding_backward(np.ones((3, 2)), cache)
    array([[0., 0.],
           [2., 2.],
           [0., 0.]])

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    indices, shape, padding_idx = cache
    check_array(grad_output, "grad_output", caller="embedding_backward",
                shape=indices.shape + (shape[1],), hint="the shape of the output")
    grad_weight = np.zeros(shape, dtype=grad_output.dtype)
    np.add.at(grad_weight, indices.reshape(-1), grad_output.reshape(-1, shape[1]))
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight


def embedding(indices: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``weight[indices]``, as ``torch.nn.functional.embedding``.

    >>> embedding(np.array([[2, 0]]), np.arange(6.0).reshape(3, 2))
    array([[[4., 5.],
            [0., 1.]]])

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    return embedding_forward(indices, weight)[0]
