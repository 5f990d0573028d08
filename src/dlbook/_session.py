"""What both ``fit`` loops do around their epochs: resuming, callbacks, checkpoints, schedules.

:func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit` differ only in how one batch
is trained and how outputs are collected; everything between the epochs is the same and lives
here, on the shared floor (this module imports neither :mod:`dlbook.np` nor
:mod:`dlbook.torch`). The framework comes in as ``store``: the side's checkpoint module
(:mod:`dlbook.np.checkpoint` or :mod:`dlbook.torch.checkpoint`), which has the same five
functions on both sides.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from types import ModuleType, TracebackType
from typing import Any

from dlbook._loop import EpochProgress, logged_value
from dlbook.callbacks_core.state import Callback, TrainState, load_callbacks_state, run_hook
from dlbook.history import History


class Session:
    """One call of ``fit``: its :class:`~dlbook.callbacks_core.TrainState`, hooks and saves.

    Used as ``with Session(...) as session: for _ in session.epochs(): ...;
    session.end_epoch(record)``. Entering runs ``on_train_begin`` (then gives the callbacks
    and the random generators their saved states when resuming, so a callback's reset in
    ``on_train_begin`` does not wipe them); leaving normally runs ``on_train_end`` and writes
    the checkpoints it asked for; the progress bars are closed either way.
    """

    def __init__(
        self,
        history: History,
        *,
        model: Any,
        optimizer: Any,
        train_loader: Any,
        epochs: int,
        callbacks: Sequence[Callback],
        store: ModuleType,
        scheduler: Any = None,
        interval: str | None = None,
        plateau: bool = False,
        scheduler_monitor: str = "val_loss",
        get_weights: Callable[[], Any] | None = None,
        set_weights: Callable[[Any], None] | None = None,
        resume_from: str | os.PathLike[str] | None = None,
        progress: bool | None = None,
        extra_parts: dict[str, Any] | None = None,
        caller: str = "fit",
    ) -> None:
        self.history, self.callbacks, self.store, self.caller = history, callbacks, store, caller
        self.train_loader, self.interval, self.plateau = train_loader, interval, plateau
        self.scheduler_monitor, self.progress = scheduler_monitor, progress
        # parts only one side has (torch's gradient scaler), saved and restored by name
        self.extra_parts = dict(extra_parts or {})
        self.state = TrainState(model=model, optimizer=optimizer, scheduler=scheduler,
                                history=history, epochs=epochs, get_weights=get_weights,
                                set_weights=set_weights)
        self.checkpoint: dict[str, Any] | None = None
        if resume_from is not None:
            self._restore(resume_from)

    def _restore(self, path: str | os.PathLike[str]) -> None:
        state = self.state
        self.checkpoint = self.store.load_checkpoint(path, caller=self.caller)
        state.epoch = self.store.restore_checkpoint(
            self.checkpoint, model=state.model, optimizer=state.optimizer, history=self.history,
            scheduler=state.scheduler, train_loader=self.train_loader, caller=self.caller,
            **self.extra_parts)
        if state.epoch > state.epochs:
            raise ValueError(f"{self.caller}: the checkpoint has {state.epoch} epochs done, "
                             f"more than epochs={state.epochs}")
        state.stop_training = bool(self.checkpoint["stop_training"])

    def __enter__(self) -> Session:
        run_hook(self.callbacks, "on_train_begin", self.state)
        if self.checkpoint is not None:
            load_callbacks_state(self.callbacks, self.checkpoint["callbacks"],
                                 caller=self.caller)
            self.store.set_rng_state(self.checkpoint["rng"], self.state.model)
        self.shown = EpochProgress(self.progress, self.state.epoch, self.state.epochs)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.shown.close()
        if kind is None:
            run_hook(self.callbacks, "on_train_end", self.state)
            self.write_checkpoints()

    def epochs(self) -> Any:
        """Yield once per epoch to run, after ``on_epoch_begin``, until done or stopped."""
        state = self.state
        while state.epoch < state.epochs and not state.stop_training:
            state.logs = {}
            run_hook(self.callbacks, "on_epoch_begin", state)
            yield state.epoch + 1

    def batch_end(self, batch: int, loss: Any, grad_norm: Any = None) -> bool:
        """Run ``on_batch_end`` for batch ``batch`` (from 1); whether to end the epoch here.

        ``grad_norm`` is the step's total gradient norm before clipping (``None`` unclipped).
        """
        self.state.batch, self.state.batch_loss = batch, loss
        self.state.grad_norm = grad_norm
        run_hook(self.callbacks, "on_batch_end", self.state)
        return self.state.stop_training

    def end_epoch(self, record: dict[str, float]) -> None:
        """Log the epoch, step a per-epoch scheduler, run ``on_epoch_end``, save, show."""
        state = self.state
        self.history.log_epoch(**record)
        state.epoch += 1
        state.logs = self.history.records[-1]
        if self.interval == "epoch":
            if self.plateau:  # ReduceLROnPlateau schedulers are fed the monitored value
                state.scheduler.step(logged_value(state.logs, self.scheduler_monitor,
                                                  self.caller, "scheduler_monitor"))
            else:
                state.scheduler.step()
        run_hook(self.callbacks, "on_epoch_end", state)
        self.write_checkpoints()
        self.shown.show_epoch(state.logs)

    def write_checkpoints(self) -> None:
        """Write the checkpoints the callbacks asked for, now that all of them have run."""
        state = self.state
        for path, weights_only in state.checkpoint_requests:
            if weights_only:
                self.store.save_weights(path, state.model)
            else:
                self.store.save_checkpoint(
                    path, model=state.model, optimizer=state.optimizer, epoch=state.epoch,
                    history=self.history, scheduler=state.scheduler, callbacks=self.callbacks,
                    train_loader=self.train_loader, stop_training=state.stop_training,
                    **self.extra_parts)
        state.checkpoint_requests.clear()
