"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dlbook.np.optim._checks import check_betas, check_common
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax, exactly as ``torch.optim.Adamax`` documents it.

    For each parameter :math:`\theta` with gradient :math:`g_t` at step :math:`t`:

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \, \frac{m_t}{u_t}

    Note that :math:`\epsilon` sits *inside* the maximum, as in torch, so :math:`u_t`
    is never zero.

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 2e-3
        Learning rate :math:`\gamma`.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)` of the first moment and the infinity norm.
    eps : float, default 1e-8
        Added to :math:`|g_t|` inside the maximum.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = Adamax([w], lr=0.1)
    >>> opt.zero_grad(); w.grad += 2 * w.data; opt.step()
    >>> np.round(w.data, 4)
    array([0.9])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_common(group, "Adamax", ("lr", "eps", "weight_decay"))
        check_betas(group["betas"], "Adamax")

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "exp_avg": np.zeros_like(param.data),
                "exp_inf": np.zeros_like(param.data)}

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for param, grad, state in self.gradients(group):
                state["step"] += 1
                exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                exp_avg += (1 - beta1) * (grad - exp_avg)
                exp_inf *= beta2
                np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
                param.data -= group["lr"] / (1 - beta1 ** state["step"]) * exp_avg / exp_inf
