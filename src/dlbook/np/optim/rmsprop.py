"""RMSprop: steps scaled by a running average of squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dlbook._checks import check_type
from dlbook.np.optim._checks import check_common
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, exactly as ``torch.optim.RMSprop`` documents it.

    For each parameter :math:`\theta` with gradient :math:`g_t`:

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1}, \qquad
        v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \tilde v_t &= v_t - \bar g_t^2, \quad
        \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t \quad \text{(centered only)} \\
        b_t &= \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \qquad
        \theta_t = \theta_{t-1} - \gamma b_t

    and without momentum (:math:`\mu = 0`) simply
    :math:`\theta_t = \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon)`.
    Note that :math:`\epsilon` is added *outside* the square root, as in torch (some
    texts put it inside).

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-2
        Learning rate :math:`\gamma`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha` of the running averages.
    eps : float, default 1e-8
        Added to the denominator, outside the square root.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    centered : bool, default False
        Divide by an estimate of the gradient's variance instead of its second moment.
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = RMSprop([w], lr=0.01)
    >>> opt.zero_grad(); w.grad += 2 * w.data; opt.step()
    >>> np.round(w.data, 4)  # the first step is lr / sqrt(1 - alpha)
    array([0.9])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay,
                    "momentum": momentum, "centered": centered, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_common(group, "RMSprop", ("lr", "alpha", "eps", "weight_decay", "momentum"))
        check_type(group["centered"], "centered", bool, caller="RMSprop")

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0, "square_avg": np.zeros_like(param.data)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(param.data)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(param.data)
        return state

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            alpha, momentum = group["alpha"], group["momentum"]
            for param, grad, state in self.gradients(group):
                state["step"] += 1
                square_avg = state["square_avg"]
                square_avg *= alpha
                square_avg += (1 - alpha) * grad * grad
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    grad_avg += (1 - alpha) * (grad - grad_avg)
                    denom = np.sqrt(square_avg - grad_avg * grad_avg)
                else:
                    denom = np.sqrt(square_avg)
                denom += group["eps"]
                if momentum > 0:
                    buffer = state["momentum_buffer"]
                    buffer *= momentum
                    buffer += grad / denom
                    param.data -= group["lr"] * buffer
                else:
                    param.data -= group["lr"] * grad / denom
