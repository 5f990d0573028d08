"""Constructor checks shared by the NumPy and PyTorch twins of a layer.

``dlbook.np.nn.BatchNorm1d`` and ``dlbook.torch.nn.BatchNorm1d`` (likewise ``LayerNorm`` and
``Embedding``) take the same arguments with torch's names and defaults and refuse the same bad
values with the same messages; the checks live here, on the shared floor, so that the two halves
cannot drift apart. Each function returns the checked (and normalised) values.
"""

from __future__ import annotations

import numbers
from typing import Any

from dlbook._checks import check_int, check_number, check_positive_int, check_type

__all__ = ["check_batch_norm_args", "check_embedding_args", "check_layer_norm_args"]


def check_batch_norm_args(num_features: Any, eps: Any, momentum: Any, affine: Any,
                          track_running_stats: Any, bias: Any, *, caller: str
                          ) -> tuple[int, float, float | None, bool, bool]:
    """``(num_features, eps, momentum, affine, track_running_stats)`` of a BatchNorm, checked.

    >>> check_batch_norm_args(4, 1e-5, None, True, True, True, caller="BatchNorm1d")
    (4, 1e-05, None, True, True)
    """
    check_type(bias, "bias", bool, caller=caller)
    num_features = check_positive_int(num_features, "num_features", caller=caller)
    # eps = 0 turns any channel that is constant over the batch into 0 / 0 (torch refuses it
    # when training)
    eps = check_number(eps, "eps", caller=caller, low=0.0, low_inclusive=False)
    if momentum is not None:
        momentum = check_number(momentum, "momentum", caller=caller, low=0.0, high=1.0)
    affine = check_type(affine, "affine", bool, caller=caller)
    track_running_stats = check_type(track_running_stats, "track_running_stats", bool,
                                     caller=caller)
    return num_features, eps, momentum, affine, track_running_stats


def check_layer_norm_args(normalized_shape: Any, eps: Any, elementwise_affine: Any, bias: Any,
                          *, caller: str = "LayerNorm",
                          sequence_types: tuple[type, ...] = (tuple, list)
                          ) -> tuple[tuple[int, ...], float, bool]:
    """``(normalized_shape, eps, elementwise_affine)`` of a LayerNorm, checked.

    An integer ``normalized_shape`` stands for the one-entry tuple, as in torch; otherwise it is
    one of ``sequence_types`` (the PyTorch twin adds ``torch.Size``) of positive integers.

    >>> check_layer_norm_args(8, 1e-5, True, True)
    ((8,), 1e-05, True)
    """
    if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    check_type(normalized_shape, "normalized_shape", sequence_types, caller=caller)
    shape = tuple(check_positive_int(size, "normalized_shape entry", caller=caller)
                  for size in normalized_shape)
    if not shape:
        raise ValueError(f"{caller}: expected a non-empty normalized_shape, got ()")
    # eps = 0 divides by zero on any constant sample (torch allows it and gives NaN)
    eps = check_number(eps, "eps", caller=caller, low=0.0, low_inclusive=False)
    elementwise_affine = check_type(elementwise_affine, "elementwise_affine", bool,
                                    caller=caller)
    check_type(bias, "bias", bool, caller=caller)
    return shape, eps, elementwise_affine


def check_embedding_args(num_embeddings: Any, embedding_dim: Any, padding_idx: Any, *,
                         caller: str = "Embedding") -> tuple[int, int, int | None]:
    """``(num_embeddings, embedding_dim, padding_idx)`` of an Embedding, checked.

    A negative ``padding_idx`` counts from the end, as in torch, and is returned non-negative.

    >>> check_embedding_args(10, 3, -1)
    (10, 3, 9)
    """
    num_embeddings = check_positive_int(num_embeddings, "num_embeddings", caller=caller)
    embedding_dim = check_positive_int(embedding_dim, "embedding_dim", caller=caller)
    if padding_idx is not None:
        check_int(padding_idx, "padding_idx", caller=caller)
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(f"{caller}: expected padding_idx in [-{num_embeddings}, "
                             f"{num_embeddings}) (within num_embeddings), got {padding_idx}")
        padding_idx = padding_idx % num_embeddings
    return num_embeddings, embedding_dim, padding_idx
