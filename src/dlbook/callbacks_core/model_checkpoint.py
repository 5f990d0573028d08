"""Keras 3's :class:`ModelCheckpoint`."""

from __future__ import annotations

import os
from typing import Any

from dlbook._checks import check_type, type_name
from dlbook.callbacks_core.monitor import MonitorCallback, _check_optional_number
from dlbook.callbacks_core.state import TrainState

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(MonitorCallback):
    """Save the model (or the whole training state) at the end of every epoch (Keras's rules).

    With ``save_best_only=False`` every epoch is saved; with ``True`` only an epoch whose
    monitored value improves on the best so far (strictly: Keras's ``min_delta`` is 0 here),
    the first epoch always counting as an improvement unless ``initial_value_threshold`` is
    given. As in Keras, ``best`` is *not* reset when ``fit`` is called again, so a second run
    only overwrites the file with something better.

    ``filepath`` may hold ``str.format`` fields filled with the epoch (from 1) and the epoch's
    record, e.g. ``"ckpt-{epoch:02d}-{val_loss:.3f}.pt"``; without fields the file is
    overwritten. The file is written atomically (a temporary file, fsync, then a rename), so
    a crash during a save leaves the previous file intact; it is written after every
    callback's ``on_epoch_end`` of that epoch, so it holds their states too.

    What is saved: with ``save_weights_only=True`` the model's state dict (load it with
    ``model.load_state_dict(torch.load(path, weights_only=True))`` in torch, or from the
    ``.npz`` file in NumPy); otherwise a full training checkpoint -- model, optimizer,
    scheduler, callbacks, random-number generators, data loader, epoch and history -- that
    ``fit(..., resume_from=path)`` continues exactly. Keras's counterpart of the second is its
    whole-model ``.keras`` file; Keras's file-name extension rules do not apply.

    Parameters
    ----------
    filepath : str or os.PathLike
        Where to save; may contain ``{epoch}`` and ``{<logged key>}`` fields.
    monitor : str, default "val_loss"
        The quantity compared when ``save_best_only=True``.
    mode : {"auto", "min", "max"}, default "auto"
        Direction of improvement; ``"auto"`` infers it from ``monitor``.
    save_best_only : bool, default False
        Save only epochs that improve on the best so far.
    save_weights_only : bool, default False
        Save the model's weights only, not the training state.
    initial_value_threshold : float or None, default None
        A value the first saved epoch must beat (Keras's argument of the same name).

    Examples
    --------
    >>> from dlbook.history import History
    >>> saver = ModelCheckpoint("best-{epoch}.pt", save_best_only=True)
    >>> state = TrainState(model=None, optimizer=None, history=History(), epochs=3)
    >>> for epoch, val_loss in enumerate([1.0, 1.2, 0.7], start=1):
    ...     state.epoch, state.logs = epoch, {"val_loss": val_loss}
    ...     saver.on_epoch_end(state)
    >>> [path for path, weights_only in state.checkpoint_requests]
    ['best-1.pt', 'best-3.pt']

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = False,
        save_weights_only: bool = False,
        initial_value_threshold: float | None = None,
    ) -> None:
        caller = "ModelCheckpoint"
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(f"{caller}: expected filepath to be a str or os.PathLike, got "
                            f"{type_name(filepath)}")
        super().__init__(monitor, mode, min_delta=0.0)
        self.filepath = os.fspath(filepath)
        self.save_best_only = check_type(save_best_only, "save_best_only", bool, caller=caller)
        self.save_weights_only = check_type(save_weights_only, "save_weights_only", bool,
                                            caller=caller)
        self.best = _check_optional_number(initial_value_threshold, "initial_value_threshold",
                                           caller)

    def format_filepath(self, state: TrainState) -> str:
        """``filepath`` with its fields filled from the epoch and the epoch's record."""
        fields = {**state.logs, "epoch": state.epoch}
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"ModelCheckpoint: cannot fill filepath {self.filepath!r} from the "
                             f"epoch's logs (keys: {', '.join(fields)}): {error!r}") from None

    def on_epoch_end(self, state: TrainState) -> None:
        """Decide whether this epoch is saved, and ask the loop to save it."""
        if self.save_best_only:
            current = self.get_monitor_value(state.logs)
            if not self._is_improvement(current, self.best):
                return
            self.best = current
        state.request_checkpoint(self.format_filepath(state),
                                 weights_only=self.save_weights_only)

    def state_dict(self) -> dict[str, Any]:
        """``best``, the best monitored value saved so far."""
        return {"best": self.best}
