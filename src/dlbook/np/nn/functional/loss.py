"""Loss functions, forward and backward, with torch's formulas and reductions.

``*_forward(input, target, ...)`` returns ``(loss, cache)`` with ``loss`` a Python float;
``*_backward(grad_output, cache)`` returns ``dL/dinput`` where ``grad_output`` is the
derivative of the final objective with respect to the loss (1.0 when the loss *is* the
objective). ``reduction`` is ``"mean"`` (torch's default) or ``"sum"``.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import (
    check_array,
    check_in,
    check_labels,
    check_number,
    check_same_shape,
    check_shape,
)
from dlbook.np.nn.functional.activation import log_softmax_backward, log_softmax_forward

__all__ = [
    "mse_loss", "mse_loss_forward", "mse_loss_backward",
    "l1_loss", "l1_loss_forward", "l1_loss_backward",
    "cross_entropy", "cross_entropy_forward", "cross_entropy_backward",
    "binary_cross_entropy", "binary_cross_entropy_forward", "binary_cross_entropy_backward",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_forward",
    "binary_cross_entropy_with_logits_backward",
]

REDUCTIONS = ("mean", "sum")


def _check_pair(input: np.ndarray, target: np.ndarray, reduction: str, caller: str) -> float:
    """Validate an element-wise loss's arguments; return the reduction's scale factor."""
    check_array(input, "input", caller=caller, kind="float")
    check_array(target, "target", caller=caller, kind="number")
    check_same_shape(input, target, ("input", "target"), caller=caller)
    check_in(reduction, "reduction", REDUCTIONS, caller=caller)
    if input.size == 0:
        raise ValueError(f"{caller}: expected a non-empty input, got shape {input.shape}")
    return 1.0 / input.size if reduction == "mean" else 1.0


def _check_weight(
    weight: np.ndarray | None, name: str, shape: tuple[int, ...], caller: str
) -> None:
    """A per-element weight must broadcast to the input's shape."""
    if weight is None:
        return
    check_array(weight, name, caller=caller, kind="float")
    if weight.ndim > len(shape) or any(w not in (1, n) for w, n in
                                       zip(weight.shape[::-1], shape[::-1], strict=False)):
        raise ValueError(
            f"{caller}: expected {name} broadcastable to the input's shape {shape}, "
            f"got {weight.shape}"
        )


def _check_unit_interval(values: np.ndarray, name: str, caller: str) -> None:
    """Every entry in [0, 1], NaN refused (torch raises for both)."""
    nan = bool(np.isnan(values).any())
    finite = values[~np.isnan(values)]
    if nan or (finite.size and (finite.min() < 0 or finite.max() > 1)):
        span = (f"values in [{finite.min()}, {finite.max()}]" if finite.size else "only NaN")
        raise ValueError(f"{caller}: expected {name} in [0, 1], got {span}"
                         + (" and NaN" if nan and finite.size else ""))


def _grad_scale(grad_output: float, caller: str) -> float:
    return check_number(grad_output, "grad_output", caller=caller)  # a number: the loss is 0-d


def mse_loss_forward(
    input: np.ndarray, target: np.ndarray, reduction: str = "mean"
) -> tuple[float, tuple]:
    """Mean (or sum) of squared differences ``(input - target)**2``.

    >>> mse_loss_forward(np.array([1.0, 2.0]), np.array([0.0, 0.0]))[0]
    2.5

    Introduced in :doc:`/book/foundations/training`.
    """
    scale = _check_pair(input, target, reduction, "mse_loss_forward")
    diff = input - target
    return float((diff * diff).sum() * scale), (diff, scale, input.dtype)


def mse_loss_backward(grad_output: float, cache: tuple) -> np.ndarray:
    """``2 (input - target)`` times the reduction's scale and ``grad_output``.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    diff, scale, dtype = cache
    grad = diff * (2 * scale * _grad_scale(grad_output, "mse_loss_backward"))
    return grad.astype(dtype, copy=False)  # the input's dtype, whatever the target's


def mse_loss(input: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """Mean squared error, as ``torch.nn.functional.mse_loss``.

    Introduced in :doc:`/book/foundations/training`.
    """
    return mse_loss_forward(input, target, reduction)[0]


def l1_loss_forward(
    input: np.ndarray, target: np.ndarray, reduction: str = "mean"
) -> tuple[float, tuple]:
    """Mean (or sum) of absolute differences ``|input - target|``.

    Introduced in :doc:`/book/foundations/training`.
    """
    scale = _check_pair(input, target, reduction, "l1_loss_forward")
    diff = input - target
    return float(np.abs(diff).sum() * scale), (diff, scale, input.dtype)


def l1_loss_backward(grad_output: float, cache: tuple) -> np.ndarray:
    """``sign(input - target)`` times the scale; 0 where they are equal, as in torch.

    Introduced in :doc:`/book/foundations/training`.
    """
    diff, scale, dtype = cache
    grad = np.sign(diff) * (scale * _grad_scale(grad_output, "l1_loss_backward"))
    return grad.astype(dtype, copy=False)


def l1_loss(input: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """Mean absolute error, as ``torch.nn.functional.l1_loss``.

    Introduced in :doc:`/book/foundations/training`.
    """
    return l1_loss_forward(input, target, reduction)[0]


def cross_entropy_forward(
    input: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
) -> tuple[float, tuple]:
    r"""Cross-entropy of logits ``input`` (N, C) against class indices ``target`` (N,).

    ``loss_n = -w[y_n] log softmax(input_n)[y_n]``; ``"mean"`` divides the sum by
    ``sum_n w[y_n]`` (by N without weights), as torch does. Computed through
    ``log_softmax``, so logits of size 1e4 give finite, exact values.

    >>> logits = np.array([[1e4, -1e4], [0.0, 0.0]])
    >>> round(cross_entropy_forward(logits, np.array([1, 0]))[0], 4)
    10000.3466

    Introduced in :doc:`/book/foundations/backprop`.
    """
    caller = "cross_entropy_forward"
    check_array(input, "input", caller=caller, ndim=2, kind="float")
    check_shape(target, "target", (input.shape[0],), caller=caller, hint="one class index per row")
    check_labels(target, "target", input.shape[1], caller=caller)
    if weight is not None:
        check_array(weight, "weight", caller=caller, kind="float", shape=(input.shape[1],),
                    hint="one weight per class")
    check_in(reduction, "reduction", REDUCTIONS, caller=caller)
    if input.shape[0] == 0:
        raise ValueError(f"{caller}: expected a non-empty input, got shape {input.shape}")
    log_probs, softmax_cache = log_softmax_forward(input, dim=1)  # (N, C)
    rows = np.arange(input.shape[0])
    sample_weight = (np.ones(input.shape[0], dtype=input.dtype) if weight is None
                     else weight[target])  # (N,)
    total = -(log_probs[rows, target] * sample_weight).sum()
    denominator = sample_weight.sum() if reduction == "mean" else 1.0
    return float(total / denominator), (softmax_cache, target, sample_weight, denominator)


def cross_entropy_backward(grad_output: float, cache: tuple) -> np.ndarray:
    """``(softmax(input) - onehot(target))`` weighted and scaled by the reduction.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    softmax_cache, target, sample_weight, denominator = cache
    scale = _grad_scale(grad_output, "cross_entropy_backward") / denominator
    grad_log_probs = np.zeros_like(softmax_cache[0])  # (N, C)
    grad_log_probs[np.arange(target.shape[0]), target] = -sample_weight * scale
    return log_softmax_backward(grad_log_probs, softmax_cache)


def cross_entropy(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    reduction: str = "mean",
) -> float:
    """Cross-entropy from logits, as ``torch.nn.functional.cross_entropy``.

    Introduced in :doc:`/book/foundations/backprop`.
    """
    return cross_entropy_forward(input, target, weight, reduction)[0]


def binary_cross_entropy_forward(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    reduction: str = "mean",
) -> tuple[float, tuple]:
    """``-w [y log p + (1 - y) log(1 - p)]`` for probabilities ``p``; logs clamped at -100.

    The clamp is torch's: ``p = 0`` or ``1`` gives a loss of 100, not infinity. As torch does
    (``all elements of input should be between 0 and 1``, and the same for the target), a
    ``ValueError`` is raised when a probability or a target lies outside [0, 1] or is NaN.

    >>> binary_cross_entropy_forward(np.array([0.0, 1.0]), np.array([1.0, 1.0]))[0]
    50.0
    >>> binary_cross_entropy_forward(np.array([0.5]), np.array([2.0]))
    Traceback (most recent call last):
        ...
    ValueError: binary_cross_entropy_forward: expected target in [0, 1], got values in [2.0, 2.0]

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "binary_cross_entropy_forward"
    scale = _check_pair(input, target, reduction, caller)
    _check_weight(weight, "weight", input.shape, caller)
    _check_unit_interval(input, "input probabilities", caller)
    _check_unit_interval(target, "target", caller)
    with np.errstate(divide="ignore"):  # log(0) = -inf is then clamped, as in torch
        log_p = np.maximum(np.log(input), -100)
        log_not_p = np.maximum(np.log(1 - input), -100)
    losses = -(target * log_p + (1 - target) * log_not_p)
    if weight is not None:
        losses = losses * weight
    return float(losses.sum() * scale), (input, target, weight, scale)


def binary_cross_entropy_backward(grad_output: float, cache: tuple) -> np.ndarray:
    """``(p - y) / max(p (1 - p), 1e-12)``, weighted and scaled (torch's formula).

    Introduced in :doc:`/book/foundations/training`.
    """
    input, target, weight, scale = cache
    grad = (input - target) / np.maximum((1 - input) * input, 1e-12)
    if weight is not None:
        grad = grad * weight
    grad = grad * (scale * _grad_scale(grad_output, "binary_cross_entropy_backward"))
    return grad.astype(input.dtype, copy=False)


def binary_cross_entropy(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    reduction: str = "mean",
) -> float:
    """Binary cross-entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Introduced in :doc:`/book/foundations/training`.
    """
    return binary_cross_entropy_forward(input, target, weight, reduction)[0]


def binary_cross_entropy_with_logits_forward(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    reduction: str = "mean", pos_weight: np.ndarray | None = None,
) -> tuple[float, tuple]:
    """``-w [q y log s(x) + (1 - y) log(1 - s(x))]`` from logits ``x``, computed stably.

    ``q`` is ``pos_weight`` (broadcast along the last dimension), ``s`` the sigmoid.
    ``-log s(x) = softplus(-x) = log1p(exp(-|x|)) + max(-x, 0)`` never overflows.

    >>> round(binary_cross_entropy_with_logits_forward(np.array([1e4, -1e4]),
    ...                                                 np.array([0.0, 1.0]))[0], 3)
    10000.0

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "binary_cross_entropy_with_logits_forward"
    scale = _check_pair(input, target, reduction, caller)
    _check_weight(weight, "weight", input.shape, caller)
    _check_weight(pos_weight, "pos_weight", input.shape, caller)
    softplus_neg = np.log1p(np.exp(-np.abs(input))) + np.maximum(-input, 0)  # -log s(x)
    log_weight = 1.0 if pos_weight is None else 1 + (pos_weight - 1) * target
    losses = (1 - target) * input + log_weight * softplus_neg
    if weight is not None:
        losses = losses * weight
    return float(losses.sum() * scale), (input, target, weight, pos_weight, scale)


def binary_cross_entropy_with_logits_backward(grad_output: float, cache: tuple) -> np.ndarray:
    """``(1 + (q - 1) y) s(x) - q y`` (``s(x) - y`` without ``pos_weight``), scaled.

    Introduced in :doc:`/book/foundations/training`.
    """
    input, target, weight, pos_weight, scale = cache
    small = np.exp(-np.abs(input))
    prob = np.where(input >= 0, 1 / (1 + small), small / (1 + small))  # sigmoid, stably
    if pos_weight is None:
        grad = prob - target
    else:
        weighted_target = pos_weight * target
        grad = (weighted_target + 1 - target) * prob - weighted_target
    if weight is not None:
        grad = grad * weight
    grad = grad * (scale * _grad_scale(grad_output, "binary_cross_entropy_with_logits_backward"))
    return grad.astype(input.dtype, copy=False)


def binary_cross_entropy_with_logits(
    input: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
    reduction: str = "mean", pos_weight: np.ndarray | None = None,
) -> float:
    """Binary cross-entropy from logits, as ``torch.nn.functional`` does it.

    Introduced in :doc:`/book/foundations/training`.
    """
    return binary_cross_entropy_with_logits_forward(input, target, weight, reduction,
                                                    pos_weight)[0]
