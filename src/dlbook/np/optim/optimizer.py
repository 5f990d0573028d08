"""The base class of optimizers: parameter groups, per-parameter state, saving and loading."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from dlbook._checks import type_name
from dlbook.np.nn.parameter import Parameter

__all__ = ["Optimizer"]


class Optimizer:
    """Base class with torch's ``torch.optim.Optimizer`` interface.

    A subclass sets its defaults, validates its hyperparameters in ``_check_group``,
    says what state a parameter starts with in ``_init_state`` and implements :meth:`step`
    as its update rule alone: :meth:`gradients` hands it each parameter's gradient with
    ``maximize`` and weight decay already applied, and the parameter's state.

    Parameters
    ----------
    params : iterable of Parameter, or iterable of dict
        The parameters to optimise, or parameter groups: dicts with a ``"params"`` list
        and any hyperparameters that override ``defaults`` for that group.
    defaults : dict
        Default hyperparameters, filled into every group that does not set them.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of :class:`~dlbook.np.nn.Parameter`) and the
        hyperparameters. Changing ``group["lr"]`` changes the next step, as in torch.
    state : dict
        ``state[param]`` is a dict of that parameter's running quantities (a momentum
        buffer, Adam's moments, ...), filled by ``step``.

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self._name = type(self).__name__
        if isinstance(params, (Parameter, np.ndarray, dict)):
            raise TypeError(
                f"{self._name}: expected an iterable of dlbook.np.nn.Parameter or of "
                f"parameter-group dicts, got {type_name(params)} (wrap it in a list, or pass "
                f"model.parameters())"
            )
        self.defaults = dict(defaults)
        self.state: dict[Parameter, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate a group's hyperparameters; subclasses override it."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (defaults fill the rest)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: expected a parameter group dict, "
                            f"got {type_name(param_group)}")
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        group = dict(param_group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Parameter) else list(params)
        for param in group["params"]:
            if not isinstance(param, Parameter):
                raise TypeError(f"{self._name}: expected only dlbook.np.nn.Parameter in 'params', "
                                f"got {type_name(param)}")
        if len({id(p) for p in group["params"]}) != len(group["params"]):
            raise ValueError(f"{self._name}: a parameter group contains a parameter twice")
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in group["params"]):
            raise ValueError(f"{self._name}: some parameters appear in more than one group")
        unknown = sorted(set(group) - set(self.defaults) - {"params"})
        if unknown:
            raise ValueError(f"{self._name}: unknown hyperparameters {unknown} in a parameter "
                             f"group; expected some of {sorted(self.defaults)}")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_group(group)
        self.param_groups.append(group)

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                param.zero_grad()

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        """The state a parameter starts with (``{}``: nothing is kept); subclasses override it."""
        return {}

    def _decouples_weight_decay(self, group: dict[str, Any]) -> bool:
        """Whether weight decay shrinks the parameter (AdamW) instead of joining the gradient."""
        return False

    def gradients(self, group: dict[str, Any]
                  ) -> Iterator[tuple[Parameter, np.ndarray, dict[str, Any]]]:
        r"""Yield ``(param, grad, state)`` for each parameter of ``group``, ready for a step.

        The common part of every torch optimizer's algorithm is done here, in torch's
        order: ``grad`` is ``param.grad``, negated if ``group["maximize"]``; then, if
        ``group["weight_decay"]`` is :math:`\lambda \ne 0`, either :math:`\lambda\theta`
        is added to it (an L2 penalty, coupled to the gradient) or, for an optimizer that
        decouples the decay (AdamW, and RAdam with ``decoupled_weight_decay=True``), the
        parameter is shrunk first, :math:`\theta \leftarrow \theta(1 - \gamma\lambda)`,
        and ``grad`` is left alone. ``state`` is ``self.state[param]``, filled by
        ``_init_state`` before the parameter's first step. ``grad`` may be ``param.grad``
        itself: a step reads it and never changes it in place.
        """
        lr, weight_decay = group["lr"], group["weight_decay"]
        decoupled = self._decouples_weight_decay(group)
        for param in group["params"]:
            grad = -param.grad if group["maximize"] else param.grad
            if weight_decay != 0:
                if decoupled:
                    param.data *= 1 - lr * weight_decay
                else:
                    grad = grad + weight_decay * param.data
            state = self.state.get(param)
            if not state:
                state = self._init_state(param, group)
                if state:  # an optimizer that keeps nothing (SGD without momentum) stores nothing
                    self.state[param] = state
            yield param, grad, state

    def step(self) -> None:
        """Update every parameter once from its ``.grad``; subclasses implement it."""
        raise NotImplementedError(f"{self._name} does not implement step")

    def state_dict(self) -> dict[str, Any]:
        """Return the state in torch's layout, with parameters replaced by indices.

        ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [indices]}]}``;
        indices count the parameters through the groups in order. Arrays are copies.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            saved["params"] = [index[id(p)] for p in group["params"]]
            groups.append(saved)
        state = {index[id(param)]: copy.deepcopy(values)
                 for param, values in self.state.items() if id(param) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load what :meth:`state_dict` (ours or torch's) returned.

        As in torch, the groups' hyperparameters are taken from ``state_dict`` and the
        parameters are matched by position, so the groups must have the same sizes. State
        arrays (and CPU tensors) are copied and cast to their parameter's dtype, except
        ``"step"``, which stays a number.
        """
        caller = f"{self._name}.load_state_dict"
        if not isinstance(state_dict, Mapping) or not {"state", "param_groups"} <= set(state_dict):
            raise TypeError(f"{caller}: expected a dict with keys 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{caller}: expected {len(self.param_groups)} parameter groups, "
                             f"got {len(saved_groups)}")
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(f"{caller}: expected {len(group['params'])} parameters in "
                                 f"group {i}, got {len(saved['params'])}")
        by_index = {
            index: param
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
            for index, param in zip(saved["params"], group["params"], strict=True)
        }
        state: dict[Parameter, dict[str, Any]] = {}
        for index, values in state_dict["state"].items():
            if index not in by_index:
                raise ValueError(f"{caller}: state for parameter {index}, which no group has")
            param = by_index[index]
            state[param] = {key: _load_value(key, value, param) for key, value in values.items()}
        self.state = state
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            params = group["params"]
            group.clear()
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
            group["params"] = params

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines + [")"])


def _load_value(key: str, value: Any, param: Parameter) -> Any:
    if hasattr(value, "detach"):  # a torch tensor: no torch import needed
        value = value.detach().cpu().numpy()
    if key == "step":
        return np.asarray(value).item()
    if isinstance(value, np.ndarray):
        return value.astype(param.dtype, copy=True)
    return copy.deepcopy(value)
