"""The focal loss of Lin et al. (2017), written with torch operations."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from dlbook._checks import check_in, check_number, type_name
from dlbook.torch.nn._checks import check_tensor

__all__ = ["FocalLoss"]


class FocalLoss(nn.Module):
    r"""Multi-class focal loss on logits and integer labels (Lin et al., 2017).

    For a sample with logits :math:`z` (shape (C,)) and true class :math:`t`, let
    :math:`p_t = \mathrm{softmax}(z)_t`. The loss is

    .. math::

        \mathrm{FL}(p_t) = -\alpha_t\,(1 - p_t)^\gamma \log p_t .

    The factor :math:`(1 - p_t)^\gamma` shrinks the loss of samples the model already gets
    right with confidence (:math:`p_t` near 1), so that the many easy samples of the common
    classes do not swamp the gradient of the rare, hard ones. With ``gamma=0`` and
    ``alpha=None`` it is the cross-entropy, :class:`torch.nn.CrossEntropyLoss` (inputs as
    there: logits of shape (N, C), labels of shape (N,)).

    Parameters
    ----------
    gamma
        The focusing parameter :math:`\gamma \ge 0`; Lin et al. use 2 (also the default of
        Keras's ``CategoricalFocalCrossentropy``).
    alpha
        ``None`` (:math:`\alpha_t = 1`) or one non-negative weight per class, shape (C,):
        :math:`\alpha_t` is the weight of the sample's true class. In the paper's binary form
        :math:`\alpha_t` is :math:`\alpha` for the positive class and :math:`1 - \alpha` for the
        negative one (``alpha=[1 - a, a]`` here). Keras's
        ``CategoricalFocalCrossentropy(alpha=0.25)`` scales every class alike: ``alpha=[0.25] * C``
        here (its list form is this ``alpha``).
    reduction
        ``"mean"`` (the plain mean over the N samples: unlike
        ``CrossEntropyLoss(weight=...)``, it is *not* divided by the sum of the weights),
        ``"sum"`` or ``"none"`` (the (N,) per-sample losses).

    Examples
    --------
    >>> logits, labels = torch.tensor([[2.0, 0.0], [0.0, 2.0]]), torch.tensor([0, 0])
    >>> FocalLoss(gamma=2.0, reduction="none")(logits, labels)  # easy sample, hard sample
    tensor([0.0018, 1.6501])
    >>> bool(torch.isclose(FocalLoss(gamma=0.0)(logits, labels),
    ...                    nn.functional.cross_entropy(logits, labels)))
    True

    Introduced in :doc:`/book/optimisation/losses`.
    """

    def __init__(self, gamma: float = 2.0, alpha: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.gamma = check_number(gamma, "gamma", caller="FocalLoss", low=0.0)
        self.reduction = check_in(reduction, "reduction", ("mean", "sum", "none"),
                                  caller="FocalLoss")
        if alpha is None:
            self.alpha: torch.Tensor | None = None
        else:
            if isinstance(alpha, (str, bytes)) or not hasattr(alpha, "__len__"):
                raise TypeError(f"FocalLoss: expected alpha to be None or one weight per class "
                                f"(a sequence or tensor), got {type_name(alpha)}")
            weights = torch.as_tensor(alpha, dtype=torch.float64)
            if weights.ndim != 1 or weights.numel() == 0:
                raise ValueError(f"FocalLoss: expected alpha of shape (C,), got shape "
                                 f"{tuple(weights.shape)}")
            if not torch.isfinite(weights).all() or (weights < 0).any():
                raise ValueError(f"FocalLoss: expected finite, non-negative alpha, got "
                                 f"{weights.tolist()}")
            self.alpha = weights

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The focal loss of logits ``input`` (N, C) against integer labels ``target`` (N,)."""
        check_tensor(input, "input", caller="FocalLoss")
        if not isinstance(target, torch.Tensor):
            raise TypeError(f"FocalLoss: expected target to be a torch.Tensor, got "
                            f"{type_name(target)}")
        if input.ndim != 2:
            raise ValueError(f"FocalLoss: expected input of shape (N, C) logits, got shape "
                             f"{tuple(input.shape)}")
        if target.is_floating_point() or target.dtype == torch.bool:
            raise TypeError(f"FocalLoss: expected integer class labels in target, got "
                            f"{target.dtype} (one-hot or probability targets are not supported)")
        n, classes = input.shape
        if target.shape != (n,):
            raise ValueError(f"FocalLoss: expected target of shape ({n},) for input of shape "
                             f"{tuple(input.shape)}, got {tuple(target.shape)}")
        if n and (int(target.min()) < 0 or int(target.max()) >= classes):
            raise ValueError(f"FocalLoss: expected labels in [0, {classes}), got labels from "
                             f"{int(target.min())} to {int(target.max())}")
        if self.alpha is not None and self.alpha.numel() != classes:
            raise ValueError(f"FocalLoss: expected alpha with one weight per class ({classes}), "
                             f"got {self.alpha.numel()}")
        log_p = torch.log_softmax(input, dim=1)  # (N, C)
        log_pt = log_p.gather(1, target.long()[:, None]).squeeze(1)  # (N,) log p_t
        loss = -log_pt if self.gamma == 0 else -((1 - log_pt.exp()) ** self.gamma) * log_pt
        if self.alpha is not None:
            loss = loss * self.alpha.to(device=input.device, dtype=input.dtype)[target.long()]
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss

    def extra_repr(self) -> str:
        alpha = None if self.alpha is None else self.alpha.tolist()
        return f"gamma={self.gamma}, alpha={alpha}, reduction={self.reduction!r}"
