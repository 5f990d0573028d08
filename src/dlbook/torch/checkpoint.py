"""Training checkpoints for :func:`dlbook.torch.train.fit`: everything a run needs to go on.

A checkpoint is one ``torch.save`` file holding the model's, optimizer's, scheduler's (and
gradient scaler's) state dicts, the states of the callbacks, of every random-number generator
(torch's, CUDA's, NumPy's global one, Python's ``random``) and of the data loader's shuffling,
the number of epochs completed and the history. Everything in it is a tensor, a number, a
string, a list or a dict, so it loads with ``torch.load(path, weights_only=True)``, which
cannot run code hidden in a file.

It is written atomically (:func:`save_checkpoint`): to a temporary file in the same
directory, flushed and fsynced, then renamed over the old one with :func:`os.replace`, so a
crash during a save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import os
import pickle
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from dlbook._atomic import atomic_write
from dlbook.callbacks_core import Callback, callbacks_state
from dlbook.history import History

__all__ = ["load_checkpoint", "restore_checkpoint", "rng_state", "save_checkpoint",
           "save_weights", "set_rng_state"]

FORMAT = "dlbook.torch.checkpoint"
VERSION = 1


def rng_state() -> dict[str, Any]:
    """The states of torch's, CUDA's, NumPy's global and Python's random-number generators.

    Tensors and lists of ints only, so the result can go into a ``weights_only`` checkpoint.

    >>> saved = rng_state()
    >>> first = torch.rand(2)
    >>> set_rng_state(saved)
    >>> torch.equal(torch.rand(2), first)
    True

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    # NumPy's legacy global generator (np.random.rand, ...) is saved too: code may use it.
    legacy = np.random.get_state()  # noqa: NPY002
    name, keys, position, has_gauss, cached_gaussian = legacy
    version, internal, gauss_next = random.getstate()
    cuda = []
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        cuda = torch.cuda.get_rng_state_all()
    return {
        "torch": torch.get_rng_state(),
        "cuda": cuda,
        "numpy": {"name": str(name), "keys": torch.from_numpy(keys.astype(np.int64)),
                  "position": int(position), "has_gauss": int(has_gauss),
                  "cached_gaussian": float(cached_gaussian)},
        "python": {"version": int(version), "internal": list(internal),
                   "gauss_next": gauss_next},
    }


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what :func:`rng_state` returned."""
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    saved = state["numpy"]
    keys = np.asarray(saved["keys"].numpy() if hasattr(saved["keys"], "numpy") else saved["keys"])
    legacy = (saved["name"], keys.astype(np.uint32), saved["position"], saved["has_gauss"],
              saved["cached_gaussian"])
    np.random.set_state(legacy)  # noqa: NPY002
    python = state["python"]
    random.setstate((python["version"], tuple(python["internal"]), python["gauss_next"]))


def _torch_generators(loader: Any) -> dict[str, torch.Generator]:
    """The torch generators a ``torch.utils.data.DataLoader`` shuffles with, if it has any."""
    found: dict[str, torch.Generator] = {}
    for name, owner in (("generator", loader), ("sampler.generator",
                                                getattr(loader, "sampler", None))):
        generator = getattr(owner, "generator", None)
        if isinstance(generator, torch.Generator) and all(
                generator is not g for g in found.values()):
            found[name] = generator
    return found


def loader_state(loader: Any) -> dict[str, Any] | None:
    """The shuffling state of a training loader, or ``None`` if it keeps none we can read.

    A loader with ``state_dict``/``load_state_dict`` (such as :class:`dlbook.data.DataLoader`)
    gives its own; a :class:`torch.utils.data.DataLoader` gives the states of the generators
    passed to it (without one it shuffles from torch's global generator, which
    :func:`rng_state` saves).
    """
    if callable(getattr(loader, "state_dict", None)) and callable(
            getattr(loader, "load_state_dict", None)):
        return {"kind": "state_dict", "state": loader.state_dict()}
    generators = _torch_generators(loader)
    if generators:
        return {"kind": "torch_generators",
                "state": {name: g.get_state() for name, g in generators.items()}}
    return None


def _set_loader_state(loader: Any, saved: dict[str, Any] | None, caller: str) -> None:
    if saved is None:
        return
    if saved["kind"] == "state_dict":
        if not callable(getattr(loader, "load_state_dict", None)):
            raise ValueError(f"{caller}: the checkpoint holds the state of a loader with "
                             f"load_state_dict, but train_loader is a {type(loader).__name__}")
        loader.load_state_dict(saved["state"])
        return
    generators = _torch_generators(loader)
    for name, generator_state in saved["state"].items():
        if name not in generators:
            raise ValueError(f"{caller}: the checkpoint holds the state of the loader's "
                             f"{name}, which train_loader does not have")
        generators[name].set_state(generator_state)


def _history_state(history: History) -> dict[str, Any]:
    return {"records": [dict(record) for record in history.records],
            "iteration_loss": torch.tensor(history.iteration_loss, dtype=torch.float64)}


def _state_dict_or_none(value: Any) -> Any:
    return None if value is None else value.state_dict()


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    epoch: int,
    history: History,
    scheduler: Any = None,
    callbacks: Sequence[Callback] = (),
    train_loader: Any = None,
    stop_training: bool = False,
    scaler: Any = None,
) -> None:
    """Write a full training checkpoint to ``path``, atomically.

    :class:`dlbook.torch.callbacks.ModelCheckpoint` calls this at the end of an epoch;
    ``fit(..., resume_from=path)`` reads it back with :func:`load_checkpoint` and
    :func:`restore_checkpoint`.

    Parameters
    ----------
    path
        The file to write (its directory is created if needed).
    model, optimizer, scheduler, scaler
        Saved through their ``state_dict()``; ``scheduler`` and ``scaler`` may be ``None``.
    epoch
        Epochs completed.
    history
        The :class:`dlbook.history.History` so far.
    callbacks
        Saved through their ``state_dict()``.
    train_loader
        Its shuffling state is saved (see :func:`loader_state`).
    stop_training
        Whether a callback had asked to stop: a run resumed from this file then stops at once.

    Examples
    --------
    >>> import tempfile
    >>> model = torch.nn.Linear(2, 1)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.pt")
    >>> save_checkpoint(path, model=model, optimizer=optimizer, epoch=3, history=History())
    >>> load_checkpoint(path)["epoch"]
    3

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": int(epoch),
        "stop_training": bool(stop_training),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": _state_dict_or_none(scheduler),
        "scaler": _state_dict_or_none(scaler),
        "callbacks": callbacks_state(callbacks),
        "rng": rng_state(),
        "loader": loader_state(train_loader),
        "history": _history_state(history),
    }
    atomic_write(path, lambda handle: torch.save(payload, handle))


def save_weights(path: str | os.PathLike[str], model: torch.nn.Module) -> None:
    """Write ``model.state_dict()`` to ``path`` atomically (``ModelCheckpoint``'s weights file).

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    state = model.state_dict()
    atomic_write(path, lambda handle: torch.save(state, handle))


def load_checkpoint(path: str | os.PathLike[str], *, caller: str = "load_checkpoint"
                    ) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`, with ``weights_only=True``.

    Tensors are loaded on the CPU (``load_state_dict`` moves them to the model's device).
    A missing, truncated or foreign file raises a ``ValueError`` that says which.

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{caller}: expected the checkpoint path to be a str or os.PathLike, "
                        f"got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"{caller}: expected resume_from to be a checkpoint file, got "
                         f"{path!r}, which does not exist")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(f"{caller}: cannot read the checkpoint {path!r} (truncated, corrupt "
                         f"or not written by save_checkpoint): {type(error).__name__}: "
                         f"{first_line}") from None
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise ValueError(f"{caller}: {path!r} is not a training checkpoint written by "
                         f"ModelCheckpoint or save_checkpoint (a weights-only file? load it "
                         f"with model.load_state_dict)")
    if checkpoint.get("version") != VERSION:
        raise ValueError(f"{caller}: expected a checkpoint of version {VERSION}, got "
                         f"{checkpoint.get('version')!r}")
    return checkpoint


def _restore(part: str, load: Any, state: Any, caller: str) -> None:
    try:
        load(state)
    except (RuntimeError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{caller}: the checkpoint's {part} state does not fit the {part} "
                         f"given: {error}") from None


def restore_checkpoint(
    checkpoint: dict[str, Any],
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    history: History,
    scheduler: Any = None,
    scaler: Any = None,
    train_loader: Any = None,
    caller: str = "restore_checkpoint",
) -> int:
    """Load a checkpoint's states into the objects of a new run; return the epochs completed.

    The model, optimizer, scheduler, scaler, loader and ``history`` are restored here; the
    callbacks' and random generators' states are restored by ``fit`` itself (after
    ``on_train_begin``, which resets the callbacks).

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    _restore("model", model.load_state_dict, checkpoint["model"], caller)
    _restore("optimizer", optimizer.load_state_dict, checkpoint["optimizer"], caller)
    for part, given in (("scheduler", scheduler), ("scaler", scaler)):
        saved = checkpoint[part]
        if (saved is None) != (given is None):
            had = "was written with" if given is None else "was written without"
            raise ValueError(f"{caller}: the checkpoint {had} a {part}; resume with the same "
                             f"{part} as the run that wrote it")
        if given is not None:
            _restore(part, given.load_state_dict, saved, caller)
    _set_loader_state(train_loader, checkpoint["loader"], caller)
    saved_history = checkpoint["history"]
    history.records = [dict(record) for record in saved_history["records"]]
    history.iteration_loss = [float(v) for v in saved_history["iteration_loss"].tolist()]
    return int(checkpoint["epoch"])
