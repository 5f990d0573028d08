"""L1 and L2 weight penalties that add their gradients to the parameters' ``.grad``."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from dlbook._checks import check_number, type_name

__all__ = ["l1_penalty", "l2_penalty"]


def _parameters(parameters: Iterable[torch.Tensor] | torch.Tensor,
                caller: str) -> list[torch.Tensor]:
    params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    for param in params:
        if not isinstance(param, torch.Tensor) or not param.is_floating_point():
            got = (f"a {param.dtype} tensor" if isinstance(param, torch.Tensor)
                   else f"an element of type {type_name(param)}")
            raise TypeError(f"{caller}: expected an iterable of floating-point tensors "
                            f"(parameters), got {got}")
    return params


def _add_to_grad(param: torch.Tensor, grad: torch.Tensor) -> None:
    # a parameter that no loss has reached yet has .grad None: the penalty is its whole gradient
    if param.grad is None:
        param.grad = grad.clone()
    else:
        param.grad.add_(grad)


def l1_penalty(parameters: Iterable[torch.Tensor] | torch.Tensor, weight: float) -> float:
    r"""Return :math:`\lambda \sum_i |w_i|` and add its gradient :math:`\lambda\,\mathrm{sign}(w)`
    to each parameter's ``.grad``.

    The twin of :func:`dlbook.np.nn.l1_penalty`, with the same contract: call it after
    ``loss.backward()`` and before ``optimizer.step()``; the value returned is only for
    logging (add it to the loss to report the penalised objective). At :math:`w = 0` the
    subgradient 0 is used, as ``torch.sign`` and autograd's ``abs`` give.

    Parameters
    ----------
    parameters : iterable of torch.Tensor, or one tensor
        Usually ``model.parameters()`` or only the weights (biases are often left out).
    weight : float
        :math:`\lambda \ge 0`.

    Examples
    --------
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0, 0.0], dtype=torch.float64))
    >>> l1_penalty([w], 0.1)
    0.30000000000000004
    >>> w.grad
    tensor([ 0.1000, -0.1000,  0.0000], dtype=torch.float64)

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    weight = check_number(weight, "weight", caller="l1_penalty", low=0.0)
    total = 0.0
    with torch.no_grad():  # the gradient is added by hand, not recorded by autograd
        for param in _parameters(parameters, "l1_penalty"):
            total += float(param.abs().sum())
            _add_to_grad(param, weight * torch.sign(param))
    return weight * total


def l2_penalty(parameters: Iterable[torch.Tensor] | torch.Tensor, weight: float) -> float:
    r"""Return :math:`\frac{\lambda}{2} \sum_i w_i^2` and add its gradient :math:`\lambda w`
    to each parameter's ``.grad``.

    The twin of :func:`dlbook.np.nn.l2_penalty`. The factor 1/2 makes the gradient
    :math:`\lambda w`, so with plain SGD this penalty is exactly ``weight_decay=weight``
    (torch's ``weight_decay`` adds :math:`\lambda w` to the gradient in the same way). Call
    it after ``loss.backward()`` and before ``optimizer.step()``.

    Parameters
    ----------
    parameters : iterable of torch.Tensor, or one tensor
        The parameters to penalise.
    weight : float
        :math:`\lambda \ge 0`.

    Examples
    --------
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    >>> l2_penalty([w], 0.1)
    0.25
    >>> w.grad
    tensor([ 0.1000, -0.2000], dtype=torch.float64)

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    weight = check_number(weight, "weight", caller="l2_penalty", low=0.0)
    total = 0.0
    with torch.no_grad():  # the gradient is added by hand, not recorded by autograd
        for param in _parameters(parameters, "l2_penalty"):
            total += float((param * param).sum())
            _add_to_grad(param, weight * param)
    return 0.5 * weight * total
