"""Adam: momentum on the gradient, steps scaled by its running second moment."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from dlbook._checks import check_type
from dlbook.np.optim._checks import check_betas, check_common
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam, exactly as ``torch.optim.Adam`` documents it.

    For each parameter :math:`\theta` with gradient :math:`g_t` at step :math:`t`:

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat v_t &= \max(\hat v_{t-1}, v_t) \ \text{(amsgrad)}, \qquad
        \hat v_t = v_t \ \text{(otherwise)} \\
        \theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t} \, m_t \Big/
        \left(\frac{\sqrt{\hat v_t}}{\sqrt{1 - \beta_2^t}} + \epsilon\right)

    ``weight_decay`` here is an L2 penalty added to the gradient, so it is rescaled by
    the adaptive denominator; :class:`AdamW` decouples it.

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma`.
    betas : tuple of float, default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)` of the first and second moments.
    eps : float, default 1e-8
        Added to the denominator, outside the square root.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    amsgrad : bool, default False
        Divide by the running maximum of the second moment (AMSGrad).
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> opt.zero_grad(); w.grad += 2 * w.data; opt.step()
    >>> np.round(w.data, 4)  # the first step has length lr, whatever the gradient's scale
    array([0.9])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_common(group, self._name, ("lr", "eps", "weight_decay"))
        check_betas(group["betas"], self._name)
        check_type(group["amsgrad"], "amsgrad", bool, caller=self._name)

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0, "exp_avg": np.zeros_like(param.data),
                 "exp_avg_sq": np.zeros_like(param.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(param.data)
        return state

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            lr, eps = group["lr"], group["eps"]
            beta1, beta2 = group["betas"]
            for param, grad, state in self.gradients(group):
                state["step"] += 1
                step = state["step"]
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg += (1 - beta1) * (grad - exp_avg)
                exp_avg_sq *= beta2
                exp_avg_sq += (1 - beta2) * grad * grad
                if group["amsgrad"]:
                    np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
                    second = state["max_exp_avg_sq"]
                else:
                    second = exp_avg_sq
                denom = np.sqrt(second) / math.sqrt(1 - beta2**step) + eps
                param.data -= lr / (1 - beta1**step) * exp_avg / denom
