"""L1 and L2 weight penalties that also add their gradients to the parameters."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from dlbook._checks import check_number, type_name
from dlbook.np.nn.parameter import Parameter

__all__ = ["l1_penalty", "l2_penalty"]


def _parameters(parameters: Iterable[Parameter] | Parameter, caller: str) -> list[Parameter]:
    params = [parameters] if isinstance(parameters, Parameter) else list(parameters)
    for param in params:
        if not isinstance(param, Parameter):
            raise TypeError(f"{caller}: expected an iterable of dlbook.np.nn.Parameter, "
                            f"got an element of type {type_name(param)}")
    return params


def l1_penalty(parameters: Iterable[Parameter] | Parameter, weight: float) -> float:
    r"""Return :math:`\lambda \sum_i |w_i|` and add its gradient :math:`\lambda\,\mathrm{sign}(w)`
    to each parameter's ``.grad``.

    Call it after the backward pass of the loss and before ``optimizer.step()``; the value
    returned is only for logging (add it to the loss to report the penalised objective).
    At :math:`w = 0` the subgradient 0 is used, as ``numpy.sign`` gives.

    Parameters
    ----------
    parameters : iterable of Parameter, or one Parameter
        Usually ``model.parameters()`` or only the weights (biases are often left out).
    weight : float
        :math:`\lambda \ge 0`.

    Examples
    --------
    >>> w = Parameter(np.array([1.0, -2.0, 0.0]))
    >>> l1_penalty([w], 0.1)
    0.30000000000000004
    >>> w.grad
    array([ 0.1, -0.1,  0. ])

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    weight = check_number(weight, "weight", caller="l1_penalty", low=0.0)
    total = 0.0
    for param in _parameters(parameters, "l1_penalty"):
        total += float(np.abs(param.data).sum())
        param.grad += weight * np.sign(param.data)
    return weight * total


def l2_penalty(parameters: Iterable[Parameter] | Parameter, weight: float) -> float:
    r"""Return :math:`\frac{\lambda}{2} \sum_i w_i^2` and add its gradient :math:`\lambda w`
    to each parameter's ``.grad``.

    The factor 1/2 makes the gradient :math:`\lambda w`, so with plain SGD this penalty is
    exactly ``weight_decay=weight`` (torch's ``weight_decay`` adds :math:`\lambda w` to the
    gradient in the same way). Call it after the loss's backward pass and before
    ``optimizer.step()``.

    Parameters
    ----------
    parameters : iterable of Parameter, or one Parameter
        The parameters to penalise.
    weight : float
        :math:`\lambda \ge 0`.

    Examples
    --------
    >>> w = Parameter(np.array([1.0, -2.0]))
    >>> l2_penalty([w], 0.1)
    0.25
    >>> w.grad
    array([ 0.1, -0.2])

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    weight = check_number(weight, "weight", caller="l2_penalty", low=0.0)
    total = 0.0
    for param in _parameters(parameters, "l2_penalty"):
        total += float((param.data**2).sum())
        param.grad += weight * param.data
    return 0.5 * weight * total
