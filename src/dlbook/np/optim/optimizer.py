"""The base class of optimizers: parameter groups, per-parameter state, saving and loading."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from dlbook._checks import type_name
from dlbook.np.nn.parameter import Parameter

__all__ = ["Optimizer"]


class Optimizer:
    """Base class with torch's ``torch.optim.Optimizer`` interface.

    A subclass sets its defaults, validates its hyperparameters in ``_check_group``
    and implements :meth:`step`.

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

    Introduced in :doc:`/book/foundations/training`.
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
