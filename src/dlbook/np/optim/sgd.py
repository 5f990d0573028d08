"""Stochastic gradient descent with momentum, exactly as ``torch.optim.SGD`` documents it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dlbook._checks import check_number, check_type
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum.

    For each parameter :math:`\theta` with gradient :math:`g_t`, one step does what the
    ``torch.optim.SGD`` documentation writes:

    .. math::

        g_t &\leftarrow -g_t \ \text{if maximize}, \qquad
        g_t \leftarrow g_t + \lambda \theta_{t-1} \ \text{if } \lambda \ne 0 \\
        b_t &= g_t \ (t = 1), \qquad b_t = \mu b_{t-1} + (1 - \tau) g_t \ (t > 1) \\
        g_t &\leftarrow g_t + \mu b_t \ \text{(nesterov)}, \qquad g_t \leftarrow b_t
        \ \text{(otherwise)}, \quad \text{both only if } \mu \ne 0 \\
        \theta_t &= \theta_{t-1} - \gamma g_t

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-3
        Learning rate :math:`\gamma`.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    dampening : float, default 0
        Dampening :math:`\tau` of the momentum (not applied on the first step).
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening = 0``.
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); w.grad += 2 * w.data; opt.step()  # minimise w**2
    >>> np.round(w.data, 4)
    array([0.46])

    Introduced in :doc:`/book/foundations/training`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        for name in ("lr", "momentum", "weight_decay"):
            check_number(group[name], name, caller="SGD", low=0.0)
        check_number(group["dampening"], "dampening", caller="SGD")
        check_type(group["nesterov"], "nesterov", bool, caller="SGD")
        check_type(group["maximize"], "maximize", bool, caller="SGD")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: nesterov=True requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"momentum_buffer": None} if group["momentum"] != 0 else {}

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            lr, momentum = group["lr"], group["momentum"]
            for param, grad, state in self.gradients(group):
                if momentum != 0:
                    buffer = state.get("momentum_buffer")
                    if buffer is None:
                        buffer = grad.copy()  # first step: no dampening, as in torch
                    else:
                        buffer = buffer * momentum + (1 - group["dampening"]) * grad
                    state["momentum_buffer"] = buffer
                    grad = grad + momentum * buffer if group["nesterov"] else buffer
                param.data -= lr * grad
