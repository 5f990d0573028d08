"""The base class of every layer and model."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from dlbook._checks import check_float_dtype, check_type, type_name
from dlbook.np.nn.parameter import Parameter

__all__ = ["Module", "IncompatibleKeys"]


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` returns: the keys it could not match.

    Introduced in :doc:`/book/foundations/backprop`.
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models, with torch's ``nn.Module`` interface.

    A subclass assigns its :class:`~dlbook.np.nn.Parameter` objects and sub-modules as attributes in
    ``__init__`` (they are registered, as in torch) and implements ``forward(x)``, which
    keeps what the backward pass needs, and ``backward(grad_output)``, which returns the
    gradient with respect to the input and *adds* the gradients of its parameters to their
    ``.grad``.

    Examples
    --------
    >>> from dlbook.np.nn import Linear, ReLU
    >>> class TwoLayer(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = Linear(3, 4, rng=0)
    ...         self.act = ReLU()
    ...         self.fc2 = Linear(4, 1, rng=1)
    ...     def forward(self, x):
    ...         return self.fc2(self.act(self.fc1(x)))
    ...     def backward(self, grad_output):
    ...         return self.fc1.backward(self.act.backward(self.fc2.backward(grad_output)))
    >>> [name for name, _ in TwoLayer().named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']

    Introduced in :doc:`/book/cnn/convolution`.
    """

    def __init__(self) -> None:
        # object.__setattr__ because our own __setattr__ needs these dictionaries to exist.
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    # --- registration by attribute assignment, as in torch -------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        if isinstance(value, Parameter):
            target = self._parameters
        elif isinstance(value, Module):
            target = self._modules
        elif name in self._buffers and _is_buffer(value):
            target = self._buffers
        else:
            target = None
        for registry in (self._parameters, self._modules, self._buffers):
            if registry is not target:
                registry.pop(name, None)
        if target is None:
            object.__setattr__(self, name, value)
        else:
            self.__dict__.pop(name, None)
            target[name] = value  # keeps the registration order when re-assigning

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for registered entries.
        for registry in ("_parameters", "_modules", "_buffers"):
            entries = self.__dict__.get(registry, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._modules, self._buffers):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, value: np.ndarray | None) -> None:
        """Register an array that is state but not trained (saved in ``state_dict``).

        ``None`` registers the name without a value; it is left out of ``state_dict``.
        """
        if not _is_buffer(value):
            raise TypeError(
                f"{type(self).__name__}.register_buffer: expected {name} to be a "
                f"numpy.ndarray or None, got {type_name(value)}"
            )
        self.__dict__.pop(name, None)
        self._buffers[name] = value

    # --- the computation ------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the output; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, grad_output: Any) -> Any:
        """Return the gradient w.r.t. the input and accumulate parameter gradients."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def _require_cache(self, cache: Any) -> Any:
        """Return ``cache``, or explain that ``backward`` came before ``forward``."""
        if cache is None:
            raise RuntimeError(f"{type(self).__name__}: backward called before forward")
        return cache

    # --- traversal ------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the direct sub-modules."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """Yield the direct sub-modules."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted name, module)`` for this module (name ``prefix``) and all below."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            below = [(f"{name}.{child}" if name else child, sub)
                     for child, sub in module._modules.items()]
            stack.extend(reversed(below))

    def modules(self) -> Iterator[Module]:
        """Yield this module and every module below it."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted name, parameter)``, each shared parameter once, as torch does."""
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for name, param in module._parameters.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self) -> Iterator[Parameter]:
        """Yield every parameter (what an optimizer is given)."""
        for _, param in self.named_parameters():
            yield param

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        """Yield ``(dotted name, array)`` for every buffer that is not ``None``."""
        for module_name, module in self.named_modules():
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    yield (f"{module_name}.{name}" if module_name else name), buffer

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every sub-module and then on this one (to initialise weights)."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # --- state ----------------------------------------------------------------------------
    def _state_arrays(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        # torch's order: own parameters, own buffers, then each child; shared entries
        # appear under every name they have, as in torch's state_dict.
        for name, param in self._parameters.items():
            yield prefix + name, param.data
        for name, buffer in self._buffers.items():
            if buffer is not None:
                yield prefix + name, buffer
        for name, child in self._modules.items():
            yield from child._state_arrays(f"{prefix}{name}.")

    def state_dict(self) -> dict[str, np.ndarray]:
        """Return ``{dotted name: copy of the array}`` for every parameter and buffer."""
        return {name: array.copy() for name, array in self._state_arrays()}

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy arrays into the parameters and buffers with the same names.

        Values are copied into the existing arrays, keeping their dtype, so an optimizer
        holding the parameters sees the new values. Any array-like is a valid value, torch
        tensors (on any device) included. With ``strict=True`` (the default) missing and
        unexpected keys are an error; shapes must always match. Nothing is copied when an
        error is raised.

        Returns
        -------
        IncompatibleKeys
            ``(missing_keys, unexpected_keys)``, as torch returns.
        """
        caller = f"{type(self).__name__}.load_state_dict"
        check_type(state_dict, "state_dict", Mapping, caller=caller)
        targets = dict(self._state_arrays())
        missing = [name for name in targets if name not in state_dict]
        unexpected = [name for name in state_dict if name not in targets]
        if strict and (missing or unexpected):
            raise ValueError(
                f"{caller}: state_dict does not match the module: missing keys {missing}, "
                f"unexpected keys {unexpected}"
            )
        values = {}
        for name, target in targets.items():
            if name in state_dict:
                value = state_dict[name]
                if hasattr(value, "detach"):  # a torch tensor, on any device
                    value = value.detach().cpu().numpy()
                value = np.asarray(value)
                if value.shape != target.shape:
                    raise ValueError(
                        f"{caller}: expected {name} of shape {target.shape}, got {value.shape}"
                    )
                values[name] = value
        for name, value in values.items():
            targets[name][...] = value
        return IncompatibleKeys(missing, unexpected)

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zeros."""
        for param in self.parameters():
            param.zero_grad()

    def to(self, dtype: Any) -> Module:
        """Convert every parameter (and its gradient) and floating buffer to ``dtype``."""
        dtype = check_float_dtype(dtype, caller=f"{type(self).__name__}.to")
        for module in self.modules():
            for param in module._parameters.values():
                param.data = param.data.astype(dtype)
                param.grad = param.grad.astype(dtype)
            for name, buffer in module._buffers.items():
                if buffer is not None and buffer.dtype.kind == "f":
                    module._buffers[name] = buffer.astype(dtype)
        return self

    def double(self) -> Module:
        """Convert to float64, as ``torch.nn.Module.double`` does."""
        return self.to(np.float64)

    def float(self) -> Module:
        """Convert to float32, as ``torch.nn.Module.float`` does."""
        return self.to(np.float32)

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and all below (changes Dropout, BatchNorm)."""
        check_type(mode, "mode", bool, caller=f"{type(self).__name__}.train")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (``train(False)``)."""
        return self.train(False)

    # --- printing -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text between the parentheses of ``repr``; subclasses override it."""
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + repr(module).replace("\n", "\n  ")
                 for name, module in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"


def _is_buffer(value: Any) -> bool:
    return value is None or isinstance(value, np.ndarray)
