"""Adagrad: per-coordinate steps scaled by the accumulated squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from dlbook.np.optim._checks import check_common
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, exactly as ``torch.optim.Adagrad`` documents it.

    For each parameter :math:`\theta` with gradient :math:`g_t` at step :math:`t`:

    .. math::

        g_t &\leftarrow g_t + \lambda \theta_{t-1}, \qquad
        \tilde\gamma = \gamma / (1 + (t - 1)\eta) \\
        s_t &= s_{t-1} + g_t^2, \qquad
        \theta_t = \theta_{t-1} - \tilde\gamma \, g_t / (\sqrt{s_t} + \epsilon)

    with :math:`s_0` the ``initial_accumulator_value``.

    Parameters
    ----------
    params : iterable of Parameter or of dict
        Parameters, or parameter groups (see :class:`Optimizer`).
    lr : float, default 1e-2
        Learning rate :math:`\gamma`.
    lr_decay : float, default 0
        Learning-rate decay :math:`\eta`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`, added to the gradient.
    initial_accumulator_value : float, default 0
        Starting value :math:`s_0` of the sum of squared gradients.
    eps : float, default 1e-10
        Added to the denominator, outside the square root.
    maximize : bool, default False
        Ascend instead of descending.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np.nn import Parameter
    >>> w = Parameter(np.array([1.0]))
    >>> opt = Adagrad([w], lr=0.5)
    >>> for _ in range(2):
    ...     opt.zero_grad(); w.grad += 2 * w.data; opt.step()  # minimise w**2
    >>> np.round(w.data, 4)
    array([0.2764])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "eps": eps,
                    "maximize": maximize}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_common(group, "Adagrad",
                     ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"))

    def _init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "sum": np.full_like(param.data, group["initial_accumulator_value"])}

    def step(self) -> None:
        """Update every parameter once from its ``.grad``."""
        for group in self.param_groups:
            for param, grad, state in self.gradients(group):
                state["step"] += 1
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                total = state["sum"]
                total += grad * grad
                param.data -= clr * grad / (np.sqrt(total) + group["eps"])
