"""Training checkpoints for :func:`dlbook.np.train.fit`, in one ``np.savez`` file.

The file holds the model's, optimizer's and scheduler's state dicts, the callbacks' states,
the random generators' states (Python's ``random``, NumPy's global generator,
:func:`dlbook.random.get_rng` and every ``numpy.random.Generator`` a layer holds, such as
:class:`dlbook.np.nn.Dropout`'s) and the loader's, the epochs completed and the history.
Arrays are stored as arrays; everything else as one JSON document, so the file loads with
``np.load(path, allow_pickle=False)``, which cannot run code hidden in a file. It is written
atomically (a temporary file, fsync, ``os.replace``), so a crash during a save leaves the
previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlbook import _checkpoint as shared
from dlbook._atomic import atomic_write
from dlbook._checks import type_name
from dlbook.callbacks_core.state import Callback
from dlbook.history import History
from dlbook.random import get_rng

__all__ = ["load_checkpoint", "restore_checkpoint", "rng_state", "save_checkpoint",
           "save_weights", "set_rng_state"]

FORMAT = "dlbook.np.checkpoint"
_META = "__meta__"
_TAGS = ("__array__", "__items__", "__tuple__")


def _pack(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """``value`` as JSON-able data, its arrays moved into ``arrays``."""
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        plain = all(isinstance(k, str) for k in value) and not set(_TAGS) & set(value)
        if plain:
            return {k: _pack(v, arrays) for k, v in value.items()}
        return {"__items__": [[_pack(k, arrays), _pack(v, arrays)] for k, v in value.items()]}
    if isinstance(value, tuple):  # kept a tuple (Adam's betas), which JSON has not
        return {"__tuple__": [_pack(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_pack(v, arrays) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"save_checkpoint: cannot store a {type_name(value)} in a checkpoint "
                    f"(numbers, strings, lists, dicts and arrays only)")


def _unpack(value: Any, arrays: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        if set(value) == {"__items__"}:
            return {_unpack(k, arrays): _unpack(v, arrays) for k, v in value["__items__"]}
        if set(value) == {"__tuple__"}:
            return tuple(_unpack(v, arrays) for v in value["__tuple__"])
        return {k: _unpack(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v, arrays) for v in value]
    return value


def _module_generators(model: Any) -> dict[str, np.random.Generator]:
    """The generators the model's layers hold (``Dropout.rng``, ...), by dotted name."""
    found: dict[str, np.random.Generator] = {}
    named_modules = getattr(model, "named_modules", None)
    if not callable(named_modules):
        return found
    for prefix, module in named_modules():
        for attribute, value in vars(module).items():
            if isinstance(value, np.random.Generator):
                found[f"{prefix}.{attribute}" if prefix else attribute] = value
    return found


def rng_state(model: Any = None) -> dict[str, Any]:
    """The states of Python's, NumPy's and dlbook's generators (and the model's layers').

    >>> from dlbook.np import nn
    >>> drop = nn.Dropout(0.5, rng=0)
    >>> saved = rng_state(drop)
    >>> first = drop(np.ones(6))
    >>> set_rng_state(saved, drop)
    >>> bool(np.array_equal(drop(np.ones(6)), first))
    True

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    return {
        **shared.python_numpy_rng_state(),
        "dlbook": get_rng().bit_generator.state,
        "modules": {name: generator.bit_generator.state
                    for name, generator in _module_generators(model).items()},
    }


def set_rng_state(state: dict[str, Any], model: Any = None) -> None:
    """Restore what :func:`rng_state` returned (``model``: the one it was given).

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    shared.set_python_numpy_rng_state(state)
    get_rng().bit_generator.state = state["dlbook"]
    generators = _module_generators(model)
    for name, generator_state in state["modules"].items():
        if name not in generators:
            raise ValueError(f"fit: the checkpoint holds the state of the layer generator "
                             f"{name!r}, which the model does not have")
        generators[name].bit_generator.state = generator_state


def _check_stateful(obj: Any, name: str, caller: str) -> None:
    for method in ("state_dict", "load_state_dict"):
        if not callable(getattr(obj, method, None)):
            raise TypeError(f"{caller}: expected {name} with state_dict and load_state_dict "
                            f"to checkpoint it; {type_name(obj)} has no {method}")


def _write_npz(path: str | os.PathLike[str], tree: dict[str, Any]) -> None:
    arrays: dict[str, np.ndarray] = {}
    meta = json.dumps(_pack(tree, arrays))
    arrays[_META] = np.array(meta)
    atomic_write(path, lambda handle: np.savez(handle, **arrays))


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    model: Any,
    optimizer: Any,
    epoch: int,
    history: History,
    scheduler: Any = None,
    callbacks: Sequence[Callback] = (),
    train_loader: Any = None,
    stop_training: bool = False,
) -> None:
    """Write a full training checkpoint of a NumPy run to ``path`` (an ``.npz`` file).

    The NumPy twin of :func:`dlbook.torch.checkpoint.save_checkpoint`;
    :class:`~dlbook.torch.callbacks.ModelCheckpoint` (also :mod:`dlbook.np.callbacks`'s) calls
    it and ``fit(..., resume_from=path)`` reads it back. The file is written to ``path``
    exactly (no ``.npz`` is appended).

    Examples
    --------
    >>> import tempfile
    >>> from dlbook.np import nn, optim
    >>> model = nn.Linear(2, 1, rng=0)
    >>> optimizer = optim.SGD(model.parameters(), lr=0.1)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
    >>> save_checkpoint(path, model=model, optimizer=optimizer, epoch=3, history=History())
    >>> load_checkpoint(path)["epoch"]
    3

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    caller = "save_checkpoint"
    _check_stateful(model, "model", caller)
    _check_stateful(optimizer, "optimizer", caller)
    loader = None
    if callable(getattr(train_loader, "state_dict", None)):
        loader = train_loader.state_dict()
    tree = shared.checkpoint_tree(
        FORMAT, model=model, optimizer=optimizer, epoch=epoch, stop_training=stop_training,
        scheduler=scheduler, callbacks=callbacks, rng=rng_state(model), loader=loader,
        history=history,
        iteration_loss=np.asarray(history.iteration_loss, dtype=np.float64))
    _write_npz(path, tree)


def save_weights(path: str | os.PathLike[str], model: Any) -> None:
    """Write ``model.state_dict()`` to ``path`` atomically, as ``np.savez`` arrays.

    Read it back with ``model.load_state_dict(dict(np.load(path)))``.

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    _check_stateful(model, "model", "save_weights")
    state = model.state_dict()
    atomic_write(path, lambda handle: np.savez(handle, **state))


def load_checkpoint(path: str | os.PathLike[str], *, caller: str = "load_checkpoint"
                    ) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint` (``allow_pickle=False``).

    A missing, truncated or foreign file raises a ``ValueError`` that says which.

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    path = shared.check_path(path, caller)
    with open(path, "rb") as handle:  # np.load leaks its own handle when the zip is broken
        try:
            archive = np.load(handle, allow_pickle=False)
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
            raise shared.unreadable(path, caller, error) from None
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise shared.foreign(path, caller)
        with archive:
            if _META not in archive.files:
                raise shared.foreign(path, caller)
            try:
                arrays = {name: archive[name] for name in archive.files}
                meta = json.loads(str(arrays[_META]))
            except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error) as error:
                raise shared.unreadable(path, caller, error) from None
    return shared.check_tree(_unpack(meta, arrays), path, FORMAT, caller)


def restore_checkpoint(
    checkpoint: dict[str, Any],
    *,
    model: Any,
    optimizer: Any,
    history: History,
    scheduler: Any = None,
    train_loader: Any = None,
    caller: str = "restore_checkpoint",
) -> int:
    """Load a checkpoint's states into the objects of a new run; return the epochs completed.

    The callbacks' and random generators' states are restored by ``fit`` itself.

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    _check_stateful(model, "model", caller)
    _check_stateful(optimizer, "optimizer", caller)
    shared.load_part("model", model.load_state_dict, checkpoint["model"], caller)
    shared.load_part("optimizer", optimizer.load_state_dict, checkpoint["optimizer"], caller)
    shared.restore_parts(checkpoint, {"scheduler": scheduler}, caller)
    if checkpoint["loader"] is not None:
        if not callable(getattr(train_loader, "load_state_dict", None)):
            raise ValueError(f"{caller}: the checkpoint holds the state of a loader with "
                             f"load_state_dict, but train_loader is a {type_name(train_loader)}")
        train_loader.load_state_dict(checkpoint["loader"])
    shared.restore_history(history, checkpoint["history"])
    return int(checkpoint["epoch"])
