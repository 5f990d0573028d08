"""Gradient clipping by total norm and by value, as ``torch.nn.utils``."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from dlbook._checks import check_number, check_type
from dlbook.np.nn.parameter import Parameter

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _as_list(parameters: Parameter | Iterable[Parameter], caller: str) -> list[Parameter]:
    params = [parameters] if isinstance(parameters, Parameter) else list(parameters)
    for param in params:
        check_type(param, "each parameter", Parameter, caller=caller)
    return params


def clip_grad_norm_(
    parameters: Parameter | Iterable[Parameter],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    r"""Scale all gradients together so that their total norm is at most ``max_norm``.

    The total norm treats every gradient as one long vector,
    :math:`\|g\|_p = (\sum_i |g_i|^p)^{1/p}` (the largest :math:`|g_i|` for ``inf``). When it
    exceeds ``max_norm`` every gradient is multiplied by ``max_norm / (norm + 1e-6)``, as
    torch does, so the direction of the update is kept and only its length shrinks.

    Parameters
    ----------
    parameters : Parameter or iterable of Parameter
        Typically ``model.parameters()``.
    max_norm : float
        Largest allowed total norm.
    norm_type : float, default 2.0
        ``p`` of the norm; ``float("inf")`` for the largest absolute value.
    error_if_nonfinite : bool, default False
        Raise when the total norm is NaN or infinite instead of scaling by it.

    Returns
    -------
    float
        The total norm *before* clipping (torch returns it as a tensor).

    Examples
    --------
    >>> p = Parameter(np.zeros(2)); p.grad[:] = [3.0, 4.0]
    >>> clip_grad_norm_([p], max_norm=1.0)
    5.0
    >>> np.round(p.grad, 4)
    array([0.6, 0.8])

    Introduced in :doc:`/book/sequences/vanishing-gradients`.
    """
    caller = "clip_grad_norm_"
    params = _as_list(parameters, caller)
    # inf is allowed, as in torch: the call then only measures the total norm
    max_norm = check_number(max_norm, "max_norm", caller=caller, low=0.0, allow_inf=True)
    if not isinstance(norm_type, (int, float)) or isinstance(norm_type, bool) or norm_type <= 0:
        raise ValueError(f"{caller}: expected norm_type > 0 (a number or inf), got {norm_type!r}")
    if not params:
        return 0.0
    if np.isinf(norm_type):
        norms = [np.max(np.abs(p.grad)) if p.grad.size else 0.0 for p in params]
        total = float(np.max(norms))
    else:
        norms = [np.sum(np.abs(p.grad) ** norm_type) ** (1 / norm_type) for p in params]
        total = float(np.sum(np.asarray(norms, dtype=np.float64) ** norm_type) ** (1 / norm_type))
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"{caller}: the total norm of order {norm_type} of the gradients is "
                           f"{total}; set error_if_nonfinite=False to clip anyway")
    coefficient = min(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 is NaN, as in torch
        for param in params:
            param.grad *= param.grad.dtype.type(coefficient)
    return total


def clip_grad_value_(parameters: Parameter | Iterable[Parameter], clip_value: float) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``, in place.

    >>> p = Parameter(np.zeros(3)); p.grad[:] = [-5.0, 0.5, 2.0]
    >>> clip_grad_value_(p, 1.0); p.grad
    array([-1. ,  0.5,  1. ])

    Introduced in :doc:`/book/sequences/vanishing-gradients`.
    """
    caller = "clip_grad_value_"
    params = _as_list(parameters, caller)
    clip_value = check_number(clip_value, "clip_value", caller=caller, low=0.0)
    for param in params:
        np.clip(param.grad, -clip_value, clip_value, out=param.grad)
