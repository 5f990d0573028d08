"""Freezing and unfreezing parts of a network, for transfer learning (Keras's ``trainable``)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from dlbook._checks import check_type

__all__ = ["freeze", "unfreeze", "trainable_parameters"]

# The forward pre-hook that keeps a frozen module in evaluation mode, kept on each module so
# that unfreeze can remove it. Every submodule gets its own hook, because the module frozen
# may be a view (a slice of an nn.Sequential) whose own forward never runs.
_HOOK_ATTRIBUTE = "_dlbook_freeze_hook"


def _keep_eval(module: nn.Module, args: Any) -> None:
    module.training = False  # this module only; its submodules have hooks of their own


def _remove_hooks(module: nn.Module) -> None:
    for part in module.modules():
        handle = getattr(part, _HOOK_ATTRIBUTE, None)
        if handle is not None:
            handle.remove()
            setattr(part, _HOOK_ATTRIBUTE, None)


def freeze(module: nn.Module, *, eval_mode: bool = True) -> nn.Module:
    """Stop training ``module``: Keras's ``layer.trainable = False``, in PyTorch.

    Every parameter gets ``requires_grad = False``, so backpropagation computes no gradient
    for it and an optimizer built over :func:`trainable_parameters` leaves it alone. That is
    not all that Keras's switch does: a frozen Keras ``BatchNormalization`` layer also runs in
    inference mode, normalising with its stored moving averages and no longer updating them,
    whereas a PyTorch ``BatchNorm`` layer with ``requires_grad = False`` still updates its
    running statistics whenever the model is in training mode, and a training loop such as
    :func:`dlbook.torch.train.fit` puts the model in training mode every epoch. So, with
    ``eval_mode=True`` (the default), ``freeze`` also registers a forward pre-hook that
    switches each of ``module``'s layers into evaluation mode before its forward pass (so
    freezing a slice ``model[:6]`` of a sequential model works): its batch-norm layers
    use and keep their running statistics and its dropout layers are off, whatever mode the
    rest of the model is in.

    Parameters
    ----------
    module
        The part to freeze, e.g. the convolutional base of a network; ``module`` itself is
        changed.
    eval_mode
        Keep ``module`` in evaluation mode while frozen (see above); ``False`` only turns off
        the gradients.

    Returns
    -------
    torch.nn.Module
        ``module``, so that ``base = freeze(model[:6])`` reads naturally.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    >>> _ = freeze(model[:2])
    >>> [name for name, p in model.named_parameters() if p.requires_grad]
    ['2.weight', '2.bias']
    >>> _ = model.train()(torch.randn(8, 4))  # a training-mode forward pass
    >>> model[1].running_mean.tolist()  # frozen batch norm: statistics unchanged
    [0.0, 0.0, 0.0]
    >>> model[1].training, model[2].training
    (False, True)

    Introduced in :doc:`/book/optimisation/transfer-learning`.
    """
    check_type(module, "module", nn.Module, caller="freeze")
    check_type(eval_mode, "eval_mode", bool, caller="freeze")
    module.requires_grad_(False)
    _remove_hooks(module)
    if eval_mode:
        for part in module.modules():
            setattr(part, _HOOK_ATTRIBUTE, part.register_forward_pre_hook(_keep_eval))
        module.eval()
    return module


def unfreeze(module: nn.Module) -> nn.Module:
    """Train ``module`` again: Keras's ``layer.trainable = True``.

    Undoes :func:`freeze`: every parameter gets ``requires_grad = True`` and the hook that
    kept ``module`` in evaluation mode is removed, so it follows the model's mode again (the
    next ``model.train()``, which :func:`dlbook.torch.train.fit` calls every epoch, puts it in
    training mode). Build a new optimizer afterwards (or add a parameter group): an optimizer
    built over :func:`trainable_parameters` while the module was frozen does not hold its
    parameters.

    >>> model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    >>> _ = unfreeze(freeze(model[0]))
    >>> all(p.requires_grad for p in model.parameters())
    True

    Introduced in :doc:`/book/optimisation/transfer-learning`.
    """
    check_type(module, "module", nn.Module, caller="unfreeze")
    module.requires_grad_(True)
    _remove_hooks(module)
    return module


def trainable_parameters(model: nn.Module) -> list[torch.nn.Parameter]:
    """The parameters of ``model`` that will be trained (``requires_grad``), each once.

    Pass them, not ``model.parameters()``, to the optimizer after freezing part of a model,
    as Keras's optimizers update only ``model.trainable_weights``. (PyTorch's optimizers skip
    a parameter whose ``.grad`` is ``None``, so handing them frozen parameters is mostly
    harmless; but a frozen parameter whose ``.grad`` is a tensor of zeros rather than
    ``None``, after ``zero_grad(set_to_none=False)`` say, is still moved by momentum and
    weight decay.) A model with nothing left to train is a mistake, so it is refused.

    >>> model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    >>> _ = freeze(model[0])
    >>> [tuple(p.shape) for p in trainable_parameters(model)]
    [(2, 3), (2,)]

    Introduced in :doc:`/book/optimisation/transfer-learning`.
    """
    check_type(model, "model", nn.Module, caller="trainable_parameters")
    parameters = [p for p in model.parameters() if p.requires_grad]
    if not parameters:
        total = sum(1 for _ in model.parameters())
        raise ValueError(f"trainable_parameters: expected a model with at least one trainable "
                         f"parameter, got {total} parameters, all frozen")
    return parameters
