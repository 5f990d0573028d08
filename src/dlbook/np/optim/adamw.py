"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dlbook.np.optim.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""AdamW, exactly as ``torch.optim.AdamW`` documents it.

    Before the :class:`Adam` step (which then sees the raw gradient), each parameter is
    shrunk: :math:`\theta \leftarrow \theta (1 - \gamma\lambda)`. The decay is thus not
    divided by the adaptive denominator, unlike Adam's L2 penalty (Loshchilov and Hutter,
    *Decoupled Weight Decay Regularization*, 2019).

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma`.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates of the first and second moments.
    eps : float, default 1e-8
        Added to the denominator, outside the square root.
    weight_decay : float, default 1e-2
        Decoupled weight decay :math:`\lambda` (note the non-zero default, as in torch).
    amsgrad : bool, default False
        Divide by the running maximum of the second moment (AMSGrad).
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> opt.zero_grad(); w.grad += 2 * w.data; opt.step()
    >>> np.round(w.data, 4)  # 1 * (1 - 0.1 * 0.5) - 0.1
    array([0.85])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)

    def _decouples_weight_decay(self, group: dict[str, Any]) -> bool:
        return True
