"""The framework-free half of the training checkpoints of :mod:`dlbook.np` and :mod:`dlbook.torch`.

Both sides write the same tree (format, version, epoch, the model's, optimizer's and
scheduler's states, the callbacks', the generators', the loader's, the history) in their own
file format; checking a path, checking what was read, restoring the parts in order and the
Python/NumPy generator states are the same on both sides and live here.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dlbook._checks import type_name
from dlbook.callbacks_core.state import Callback, callbacks_state
from dlbook.history import History

VERSION = 1


def checkpoint_tree(expected_format: str, *, model: Any, optimizer: Any, epoch: int,
                    stop_training: bool, scheduler: Any, callbacks: Sequence[Callback],
                    rng: Any, loader: Any, history: History, iteration_loss: Any,
                    **optional_parts: Any) -> dict[str, Any]:
    """The tree both ``save_checkpoint`` functions write, in their own file format.

    ``model``, ``optimizer``, ``scheduler`` and the ``optional_parts`` (torch's ``scaler``) are
    saved through ``state_dict()`` (``None`` stays ``None``); ``rng``, ``loader`` and
    ``iteration_loss`` (the history's per-iteration losses as the side's array type) are
    already in the side's form.
    """
    return {
        "format": expected_format,
        "version": VERSION,
        "epoch": int(epoch),
        "stop_training": bool(stop_training),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": state_dict_or_none(scheduler),
        **{name: state_dict_or_none(part) for name, part in optional_parts.items()},
        "callbacks": callbacks_state(callbacks),
        "rng": rng,
        "loader": loader,
        "history": {"records": [dict(record) for record in history.records],
                    "iteration_loss": iteration_loss},
    }


def state_dict_or_none(value: Any) -> Any:
    """``value.state_dict()``, or ``None`` for an optional part that was not given."""
    return None if value is None else value.state_dict()


def check_path(path: Any, caller: str) -> str:
    """``path`` as a string, if it names an existing file; else a ``TypeError``/``ValueError``."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{caller}: expected the checkpoint path to be a str or os.PathLike, "
                        f"got {type_name(path)}")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"{caller}: expected resume_from to be a checkpoint file, got "
                         f"{path!r}, which does not exist")
    return path


def unreadable(path: str, caller: str, error: BaseException) -> ValueError:
    """The error for a file that could not be read back (truncated by a crash, say)."""
    lines = str(error).strip().splitlines()
    return ValueError(f"{caller}: cannot read the checkpoint {path!r} (truncated, corrupt or "
                      f"not written by save_checkpoint): {type(error).__name__}: "
                      f"{lines[0] if lines else ''}")


def foreign(path: str, caller: str) -> ValueError:
    """The error for a readable file that is not a training checkpoint."""
    return ValueError(f"{caller}: {path!r} is not a training checkpoint written by "
                      f"ModelCheckpoint or save_checkpoint (a weights-only file? load it with "
                      f"model.load_state_dict)")


def check_tree(tree: Any, path: str, expected_format: str, caller: str) -> dict[str, Any]:
    """``tree`` if it is a checkpoint of ``expected_format`` and of this version."""
    if not isinstance(tree, dict) or tree.get("format") != expected_format:
        raise foreign(path, caller)
    if tree.get("version") != VERSION:
        raise ValueError(f"{caller}: expected a checkpoint of version {VERSION}, got "
                         f"{tree.get('version')!r}")
    return tree


def load_part(part: str, load: Callable[[Any], Any], state: Any, caller: str) -> None:
    """``load(state)``, with a load failure said as the part not fitting what was given."""
    try:
        load(state)
    except (RuntimeError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{caller}: the checkpoint's {part} state does not fit the {part} "
                         f"given: {error}") from None


def restore_parts(checkpoint: Mapping[str, Any], parts: Mapping[str, Any], caller: str) -> None:
    """Load each saved state into its part; optional parts must be given iff they were saved.

    ``parts`` maps a name of ``checkpoint`` (``"model"``, ``"optimizer"``, ``"scheduler"``,
    ``"scaler"``) to the object of the new run, ``None`` for an optional part not given.
    """
    for part, given in parts.items():
        saved = checkpoint[part]
        if (saved is None) != (given is None):
            had = "was written with" if given is None else "was written without"
            raise ValueError(f"{caller}: the checkpoint {had} a {part}; resume with the same "
                             f"{part} as the run that wrote it")
        if given is not None:
            load_part(part, given.load_state_dict, saved, caller)


def restore_history(history: History, saved: Mapping[str, Any]) -> None:
    """Put a saved history (records and per-iteration losses) into ``history``."""
    history.records = [dict(record) for record in saved["records"]]
    history.iteration_loss = [float(v) for v in np.asarray(saved["iteration_loss"]).tolist()]


def python_numpy_rng_state() -> dict[str, Any]:
    """The states of Python's ``random`` and NumPy's legacy global generator, as plain data.

    NumPy's global generator (``np.random.rand``, ...) is saved too: code may use it.

    >>> saved = python_numpy_rng_state()
    >>> first = random.random()
    >>> set_python_numpy_rng_state(saved)
    >>> random.random() == first
    True
    """
    name, keys, position, has_gauss, cached_gaussian = np.random.get_state()  # noqa: NPY002
    version, internal, gauss_next = random.getstate()
    return {
        "python": {"version": int(version), "internal": list(internal),
                   "gauss_next": gauss_next},
        "numpy": {"name": str(name), "keys": keys.astype(np.int64), "position": int(position),
                  "has_gauss": int(has_gauss), "cached_gaussian": float(cached_gaussian)},
    }


def set_python_numpy_rng_state(state: Mapping[str, Any]) -> None:
    """Restore what :func:`python_numpy_rng_state` returned (``keys`` may be a tensor)."""
    python = state["python"]
    random.setstate((python["version"], tuple(python["internal"]), python["gauss_next"]))
    saved = state["numpy"]
    keys = saved["keys"]
    keys = keys.numpy() if hasattr(keys, "numpy") else np.asarray(keys)
    np.random.set_state((saved["name"], keys.astype(np.uint32), saved["position"],  # noqa: NPY002
                         saved["has_gauss"], saved["cached_gaussian"]))
