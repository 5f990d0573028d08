"""RAdam: Adam whose adaptive step is switched on only once its variance is tractable."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from dlbook._checks import check_type
from dlbook.np.optim._checks import check_betas, check_common
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""Rectified Adam, exactly as ``torch.optim.RAdam`` documents it.

    With :math:`m_t, v_t` Adam's moments and
    :math:`\rho_\infty = 2 / (1 - \beta_2) - 1`,
    :math:`\rho_t = \rho_\infty - 2 t \beta_2^t / (1 - \beta_2^t)`:

    .. math::

        \hat m_t &= m_t / (1 - \beta_1^t) \\
        \theta_t &= \theta_{t-1} - \gamma \hat m_t \, r_t
        \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon} \quad \text{if } \rho_t > 5,
        \qquad r_t = \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_\infty}
        {(\rho_\infty - 4)(\rho_\infty - 2)\rho_t}} \\
        \theta_t &= \theta_{t-1} - \gamma \hat m_t \quad \text{otherwise (plain momentum)}

    So the first few steps (about five) are SGD with momentum, whatever :math:`\beta_2`.

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
        Weight decay :math:`\lambda`: an L2 penalty added to the gradient, or, with
        ``decoupled_weight_decay``, :math:`\theta \leftarrow \theta(1 - \gamma\lambda)`
        as in AdamW.
    decoupled_weight_decay : bool, default False
        Decouple the weight decay from the gradient.
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = RAdam([w], lr=0.1)
    >>> opt.zero_grad(); w.grad += 2 * w.data; opt.step()
    >>> np.round(w.data, 4)  # rho_1 = 1 <= 5: a plain step of lr * gradient
    array([0.8])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_common(group, "RAdam", ("lr", "eps", "weight_decay"))
        check_betas(group["betas"], "RAdam")
        check_type(group["decoupled_weight_decay"], "decoupled_weight_decay", bool,
                   caller="RAdam")

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "exp_avg": np.zeros_like(param.data),
                "exp_avg_sq": np.zeros_like(param.data)}

    def _decouples_weight_decay(self, group: dict[str, Any]) -> bool:
        return group["decoupled_weight_decay"]

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            lr = group["lr"]
            beta1, beta2 = group["betas"]
            rho_inf = 2 / (1 - beta2) - 1
            for param, grad, state in self.gradients(group):
                state["step"] += 1
                step = state["step"]
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg += (1 - beta1) * (grad - exp_avg)
                exp_avg_sq *= beta2
                exp_avg_sq += (1 - beta2) * grad * grad
                bias_correction2 = 1 - beta2**step
                corrected = exp_avg / (1 - beta1**step)
                rho_t = rho_inf - 2 * step * beta2**step / bias_correction2
                if rho_t > 5.0:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    adaptive = math.sqrt(bias_correction2) / (np.sqrt(exp_avg_sq) + group["eps"])
                    param.data -= corrected * lr * adaptive * rect
                else:
                    param.data -= corrected * lr
