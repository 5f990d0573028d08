"""Batches for the PyTorch loops: to the model's device and dtype, through the model, collected.

:func:`dlbook.torch.train.fit`, :func:`~dlbook.torch.train.evaluate` and
:func:`~dlbook.torch.train.predict` share these; batches go to the device the model's
parameters are on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch

from dlbook._checks import type_name
from dlbook._loop import unpack_batch

Metric = Callable[[np.ndarray, np.ndarray], float]


def model_device(model: torch.nn.Module) -> torch.device:
    """The device of the model's first parameter (or buffer); the CPU for a model without any.

    >>> model_device(torch.nn.Linear(2, 3))
    device(type='cpu')

    Introduced in :doc:`/book/foundations/digits`.
    """
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")


def floating_dtype(model: torch.nn.Module) -> torch.dtype:
    """The dtype floating NumPy batches are converted to: the model's first floating one."""
    for tensor in model.parameters():
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.get_default_dtype()


def to_device(value: Any, device: torch.device, float_dtype: torch.dtype) -> torch.Tensor:
    """A batch as a tensor on ``device``; floating NumPy arrays take the model's dtype."""
    if isinstance(value, np.ndarray):
        dtype = float_dtype if value.dtype.kind == "f" else None
        return torch.as_tensor(value, dtype=dtype).to(device, non_blocking=True)
    if isinstance(value, torch.Tensor):
        return value.to(device, non_blocking=True)
    raise TypeError(
        f"fit: expected batches of numpy arrays or torch tensors, got {type_name(value)}"
    )


def extra_to_device(value: Any, device: torch.device, float_dtype: torch.dtype) -> Any:
    """A batch's third element: arrays and tensors follow the model; anything else is kept."""
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return to_device(value, device, float_dtype)
    return value


def check_model(model: Any, caller: str) -> None:
    """A ``TypeError`` unless ``model`` is a :class:`torch.nn.Module`."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{caller}: expected model to be a torch.nn.Module, got "
                        f"{type_name(model)}")


def as_batches(X: Any, batch_size: int) -> Iterable[Any]:
    """Consecutive slices of ``batch_size`` rows (the last may be shorter)."""
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size]


def forward(model: torch.nn.Module, xb: torch.Tensor, extra: Any) -> torch.Tensor:
    """``model(xb)``, or ``model(xb, extra)`` when the batch has a third element."""
    return model(xb) if extra is None else model(xb, extra)


@torch.no_grad()
def outputs_of(model: torch.nn.Module, X: Any, batch_size: int, extra: Any = None
               ) -> torch.Tensor:
    """The model's outputs for every row of ``X`` in evaluation mode (``predict``'s core)."""
    target, float_dtype = model_device(model), floating_dtype(model)
    extras = as_batches(extra, batch_size) if extra is not None else itertools.repeat(None)
    was_training = model.training
    model.eval()
    try:
        outputs = [forward(model, to_device(xb, target, float_dtype),
                           extra_to_device(eb, target, float_dtype))
                   for xb, eb in zip(as_batches(X, batch_size), extras, strict=False)]
    finally:
        model.train(was_training)
    return torch.cat(outputs)


@torch.no_grad()
def collect(model: torch.nn.Module, data: Any, batch_size: int,
            caller: str = "fit") -> tuple[torch.Tensor, torch.Tensor]:
    """Outputs and targets for ``(X, y)``, ``(X, y, extra)`` or an iterable of batches."""
    target, float_dtype = model_device(model), floating_dtype(model)
    arrays = (isinstance(data, tuple) and len(data) in (2, 3)
              and isinstance(data[0], (np.ndarray, torch.Tensor)))
    if arrays:
        X, y, extra = data if len(data) == 3 else (*data, None)
        outputs = outputs_of(model, X, batch_size, extra)
        y = to_device(y, target, float_dtype)
        if y.ndim == 0 or y.shape[0] != outputs.shape[0]:
            raise ValueError(f"{caller}: expected y with {outputs.shape[0]} samples like X, got "
                             f"shape {tuple(y.shape)}")
        return outputs, y
    was_training = model.training
    model.eval()
    try:
        outputs, targets = [], []
        for batch in data:
            xb, yb, extra = unpack_batch(batch, caller, "val_data")
            outputs.append(forward(model, to_device(xb, target, float_dtype),
                                   extra_to_device(extra, target, float_dtype)))
            targets.append(to_device(yb, target, float_dtype))
    finally:
        model.train(was_training)
    if not outputs:
        raise ValueError("fit: the validation data yielded no batch")
    return torch.cat(outputs), torch.cat(targets)


def metric_value(metric: Metric, targets: torch.Tensor, outputs: torch.Tensor) -> float:
    """A NumPy metric on tensors (bfloat16 outputs are widened first: NumPy has no bfloat16)."""
    return float(metric(targets.cpu().numpy(), outputs.float().cpu().numpy()))
