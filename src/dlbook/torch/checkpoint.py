"""Training checkpoints for :func:`dlbook.torch.train.fit`: everything a run needs to go on.

A checkpoint is one ``torch.save`` file holding the model's, optimizer's, scheduler's (and
gradient scaler's) state dicts, the states of the callbacks, of every random-number generator
(torch's, CUDA's, NumPy's global one, Python's ``random``) and of the data loader's shuffling,
the number of epochs completed and the history. Everything in it is a tensor, a number, a
string, a list or a dict, so it loads with ``torch.load(path, weights_only=True)``, which
cannot run code hidden in a file.

It is written atomically (:func:`save_checkpoint`): to a temporary file in the same
directory, flushed and fsynced, then renamed over the old one with ``os.replace``, so a
crash during a save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from typing import Any

import torch

from dlbook._atomic import atomic_write
from dlbook._checkpoint import (
    check_path,
    check_tree,
    checkpoint_tree,
    load_part,
    python_numpy_rng_state,
    restore_history,
    restore_parts,
    set_python_numpy_rng_state,
    unreadable,
)
from dlbook.callbacks_core.state import Callback
from dlbook.history import History

__all__ = ["load_checkpoint", "restore_checkpoint", "rng_state", "save_checkpoint",
           "save_weights", "set_rng_state"]

FORMAT = "dlbook.torch.checkpoint"


def rng_state() -> dict[str, Any]:
    """The states of torch's, CUDA's, NumPy's global and Python's random-number generators.

    Tensors, numbers and lists only, so the result can go into a ``weights_only`` checkpoint.

    >>> saved = rng_state()
    >>> first = torch.rand(2)
    >>> set_rng_state(saved)
    >>> torch.equal(torch.rand(2), first)
    True

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    plain = python_numpy_rng_state()
    plain["numpy"]["keys"] = torch.from_numpy(plain["numpy"]["keys"])  # weights_only wants tensors
    cuda = []
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        cuda = torch.cuda.get_rng_state_all()
    return {"torch": torch.get_rng_state(), "cuda": cuda, **plain}


def set_rng_state(state: dict[str, Any], model: Any = None) -> None:
    """Restore what :func:`rng_state` returned.

    ``model`` is accepted for the signature of :func:`dlbook.np.checkpoint.set_rng_state`
    and not used: torch layers draw from torch's global generator, which is restored.

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    set_python_numpy_rng_state(state)


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
        Its shuffling state is saved (see ``loader_state``).
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

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    payload = checkpoint_tree(
        FORMAT, model=model, optimizer=optimizer, epoch=epoch, stop_training=stop_training,
        scheduler=scheduler, callbacks=callbacks, rng=rng_state(),
        loader=loader_state(train_loader), history=history,
        iteration_loss=torch.tensor(history.iteration_loss, dtype=torch.float64), scaler=scaler)
    atomic_write(path, lambda handle: torch.save(payload, handle))


def save_weights(path: str | os.PathLike[str], model: torch.nn.Module) -> None:
    """Write ``model.state_dict()`` to ``path`` atomically (``ModelCheckpoint``'s weights file).

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    state = model.state_dict()
    atomic_write(path, lambda handle: torch.save(state, handle))


def load_checkpoint(path: str | os.PathLike[str], *, caller: str = "load_checkpoint"
                    ) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint`, with ``weights_only=True``.

    Tensors are loaded on the CPU (``load_state_dict`` moves them to the model's device).
    A missing, truncated or foreign file raises a ``ValueError`` that says which.

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    path = check_path(path, caller)
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError, ValueError) as error:
        raise unreadable(path, caller, error) from None
    return check_tree(checkpoint, path, FORMAT, caller)


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

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    load_part("model", model.load_state_dict, checkpoint["model"], caller)
    load_part("optimizer", optimizer.load_state_dict, checkpoint["optimizer"], caller)
    restore_parts(checkpoint, {"scheduler": scheduler, "scaler": scaler}, caller)
    _set_loader_state(train_loader, checkpoint["loader"], caller)
    restore_history(history, checkpoint["history"])
    return int(checkpoint["epoch"])
