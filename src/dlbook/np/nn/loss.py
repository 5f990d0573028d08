"""Loss modules: ``loss = loss_fn(input, target)`` then ``grad_input = loss_fn.backward()``."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import as_caller, check_array, check_in
from dlbook.np.nn.functional import loss as F
from dlbook.np.nn.module import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    """Shared machinery: the reduction, and the cache kept from forward to backward.

    Calling the module returns the loss as a Python float. ``backward()`` takes no
    argument (the loss is the end of the graph) and returns the gradient with respect
    to ``input``, so that a training step reads ``model.backward(loss_fn.backward())``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_in(reduction, "reduction", F.REDUCTIONS, caller=type(self).__name__)
        self._cache = None

    def _forward(self, input: np.ndarray, target: np.ndarray) -> tuple[float, Any]:
        raise NotImplementedError

    def _backward(self, grad_output: float, cache: Any) -> np.ndarray:
        raise NotImplementedError

    #: The functional core's name, replaced by the module's in error messages.
    _core = ""

    def forward(self, input: np.ndarray, target: np.ndarray) -> float:
        """Return the loss of ``input`` against ``target`` as a float."""
        with as_caller(type(self).__name__, f"{self._core}_forward"):
            loss, self._cache = self._forward(input, target)
        return loss

    def backward(self, grad_output: float = 1.0) -> np.ndarray:
        """Return ``d loss / d input`` for the last call (times ``grad_output``)."""
        cache = self._require_cache(self._cache)
        with as_caller(f"{type(self).__name__}.backward", f"{self._core}_backward"):
            return self._backward(grad_output, cache)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


def _optional_weight(weight: Any, name: str, caller: str) -> np.ndarray | None:
    if weight is None:
        return None
    return check_array(weight, name, caller=caller, kind="float")


class MSELoss(_Loss):
    """Mean squared error, as ``torch.nn.MSELoss``.

    >>> loss_fn = MSELoss()
    >>> loss_fn(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    5.0
    >>> loss_fn.backward()
    array([1., 3.])

    Introduced in :doc:`/book/foundations/training`.
    """

    _core = "mse_loss"

    def _forward(self, input, target):
        return F.mse_loss_forward(input, target, self.reduction)

    def _backward(self, grad_output, cache):
        return F.mse_loss_backward(grad_output, cache)


class L1Loss(_Loss):
    """Mean absolute error, as ``torch.nn.L1Loss`` (gradient 0 where input equals target).

    >>> L1Loss(reduction="sum")(np.array([1.0, -3.0]), np.array([0.0, 0.0]))
    4.0

    Introduced in :doc:`/book/foundations/training`.
    """

    _core = "l1_loss"

    def _forward(self, input, target):
        return F.l1_loss_forward(input, target, self.reduction)

    def _backward(self, grad_output, cache):
        return F.l1_loss_backward(grad_output, cache)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits ``(N, C)`` against integer class indices ``(N,)``.

    Equivalent to ``torch.nn.CrossEntropyLoss(weight, reduction=...)`` with class-index
    targets; stable for very large logits. The optional per-class ``weight`` (C,) is a
    buffer, so it is saved in ``state_dict`` as in torch.

    >>> loss_fn = CrossEntropyLoss()
    >>> round(loss_fn(np.array([[2.0, 0.0], [0.0, 0.0]]), np.array([0, 1])), 4)
    0.41
    >>> np.round(loss_fn.backward(), 3)
    array([[-0.06,  0.06],
           [ 0.25, -0.25]])

    Introduced in :doc:`/book/foundations/training`.
    """

    _core = "cross_entropy"

    def __init__(self, weight: np.ndarray | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _optional_weight(weight, "weight", "CrossEntropyLoss"))

    def _forward(self, input, target):
        return F.cross_entropy_forward(input, target, self.weight, self.reduction)

    def _backward(self, grad_output, cache):
        return F.cross_entropy_backward(grad_output, cache)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1]; logs clamped at -100 as in torch.

    As ``torch.nn.BCELoss`` does, a probability or a target outside [0, 1] (or NaN) raises
    a ``ValueError``; use :class:`BCEWithLogitsLoss` on logits.

    >>> round(BCELoss()(np.array([0.5, 0.5]), np.array([1.0, 0.0])), 4)
    0.6931

    Introduced in :doc:`/book/foundations/training`.
    """

    _core = "binary_cross_entropy"

    def __init__(self, weight: np.ndarray | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _optional_weight(weight, "weight", "BCELoss"))

    def _forward(self, input, target):
        return F.binary_cross_entropy_forward(input, target, self.weight, self.reduction)

    def _backward(self, grad_output, cache):
        return F.binary_cross_entropy_backward(grad_output, cache)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid plus binary cross-entropy in one stable step, as ``torch.nn.BCEWithLogitsLoss``.

    ``pos_weight`` (broadcast along the last dimension, one value per output) multiplies
    the positive term, trading recall against precision.

    >>> round(BCEWithLogitsLoss()(np.array([0.0, 0.0]), np.array([1.0, 0.0])), 4)
    0.6931

    Introduced in :doc:`/book/foundations/neuron`.
    """

    _core = "binary_cross_entropy_with_logits"

    def __init__(
        self,
        weight: np.ndarray | None = None,
        reduction: str = "mean",
        pos_weight: np.ndarray | None = None,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _optional_weight(weight, "weight", "BCEWithLogitsLoss"))
        self.register_buffer(
            "pos_weight", _optional_weight(pos_weight, "pos_weight", "BCEWithLogitsLoss")
        )

    def _forward(self, input, target):
        return F.binary_cross_entropy_with_logits_forward(
            input, target, self.weight, self.reduction, self.pos_weight
        )

    def _backward(self, grad_output, cache):
        return F.binary_cross_entropy_with_logits_backward(grad_output, cache)
