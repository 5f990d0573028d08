"""What a training loop shows its callbacks (:class:`TrainState`), the :class:`Callback` base
class, and the helpers both loops use to check, run, save and restore a list of callbacks."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dlbook._checks import type_name

__all__ = ["Callback", "TrainState"]


class TrainState:
    """What a training loop shows its callbacks: the model, the optimizer, the epoch, the logs.

    :func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit` make one and pass it to every
    hook; a callback reads it and may set :attr:`stop_training`, change the optimizer's
    learning rates, copy or restore the weights (:meth:`get_weights`, :meth:`set_weights`) or
    ask for a checkpoint (:meth:`request_checkpoint`).

    Attributes
    ----------
    model, optimizer, scheduler
        What ``fit`` was given (``scheduler`` may be ``None``).
    epoch : int
        Epochs completed, counted from 1: 0 before the first epoch ends, 1 in the first
        epoch's ``on_epoch_end``, and so on.
    epochs : int
        The number of epochs the loop runs to.
    logs : dict
        This epoch's record (``{"epoch": 3, "train_loss": ..., "val_loss": ..., "lr": ...}``),
        filled in before ``on_epoch_end``; empty before.
    history : dlbook.history.History
        Every epoch so far.
    batch : int
        Batches completed in this epoch (from 1 in ``on_batch_end``).
    batch_loss
        The loss of the last batch: a float (NumPy) or a 0-d tensor (torch; ``float()`` it to
        read it, which waits for the device).
    grad_norm
        When ``fit`` clips gradients (``grad_clip=``), the total gradient norm of the last
        step *before* clipping (a float in NumPy, a 0-d tensor in torch); ``None`` otherwise.
    stop_training : bool
        Set it to ``True`` to end training after this epoch (or this batch).

    Examples
    --------
    >>> from dlbook.history import History
    >>> state = TrainState(model=None, optimizer=None, history=History(), epochs=3)
    >>> state.epoch, state.stop_training, state.logs
    (0, False, {})

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        *,
        model: Any,
        optimizer: Any,
        history: Any,
        epochs: int,
        scheduler: Any = None,
        get_weights: Callable[[], Any] | None = None,
        set_weights: Callable[[Any], None] | None = None,
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.history = history
        self.epochs = epochs
        self.epoch = 0
        self.logs: dict[str, float] = {}
        self.batch = 0
        self.batch_loss: Any = None
        self.grad_norm: Any = None
        self.stop_training = False
        self.checkpoint_requests: list[tuple[str, bool]] = []
        self._get_weights = get_weights
        self._set_weights = set_weights

    def get_weights(self) -> Any:
        """A copy of the model's state dict (parameters and buffers), safe to keep."""
        if self._get_weights is None:
            raise TypeError("TrainState.get_weights: this loop gave no way to copy weights")
        return self._get_weights()

    def set_weights(self, weights: Any) -> None:
        """Load a copy made by :meth:`get_weights` back into the model."""
        if self._set_weights is None:
            raise TypeError("TrainState.set_weights: this loop gave no way to load weights")
        self._set_weights(weights)

    def request_checkpoint(self, filepath: str | os.PathLike[str], *,
                           weights_only: bool = False) -> None:
        """Ask the loop to write a checkpoint to ``filepath`` at the end of this epoch.

        The loop writes it (atomically) once *every* callback's ``on_epoch_end`` has run, so
        the checkpoint holds all their states for this epoch. ``weights_only=True`` writes the
        model's state dict alone; otherwise the file holds everything
        ``fit(..., resume_from=filepath)`` needs to continue the run exactly.
        """
        self.checkpoint_requests.append((os.fspath(filepath), bool(weights_only)))


class Callback:
    """Base class of the training loops' callbacks: override the hooks you need.

    Each hook receives the loop's :class:`TrainState`. Hooks run in the order of the
    ``callbacks=`` list. A callback that keeps state across epochs returns it from
    :meth:`state_dict` (numbers, strings, lists, dicts, arrays or tensors only) and takes it
    back in :meth:`load_state_dict`, so a checkpoint can save it and a resumed run continue
    exactly.

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, state):
    ...         print(f"epoch {state.epoch}: {state.logs['train_loss']:.2f}")

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def on_train_begin(self, state: TrainState) -> None:
        """Called once, before the first epoch (after a checkpoint is loaded, when resuming)."""

    def on_epoch_begin(self, state: TrainState) -> None:
        """Called at the start of every epoch; ``state.epoch`` is the epochs completed so far."""

    def on_batch_end(self, state: TrainState) -> None:
        """Called after every optimiser step, with ``state.batch`` and ``state.batch_loss``."""

    def on_epoch_end(self, state: TrainState) -> None:
        """Called after every epoch, with ``state.logs`` holding the epoch's record."""

    def on_train_end(self, state: TrainState) -> None:
        """Called once, after the last epoch (or when a callback stopped training)."""

    def state_dict(self) -> dict[str, Any]:
        """The callback's state, for a checkpoint; the base class has none."""
        return {}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take back what :meth:`state_dict` returned."""
        for name, value in dict(state_dict).items():
            setattr(self, name, value)


def check_callbacks(callbacks: Any, *, caller: str) -> tuple[Callback, ...]:
    """Check a ``callbacks=`` argument: a sequence of :class:`Callback` instances.

    >>> from dlbook.callbacks_core import EarlyStopping
    >>> check_callbacks([EarlyStopping()], caller="fit")[0].patience
    0
    >>> check_callbacks(EarlyStopping(), caller="fit")
    Traceback (most recent call last):
        ...
    TypeError: fit: expected callbacks to be a list of Callback instances, got ...EarlyStopping
    """
    if callbacks is None:
        return ()
    if isinstance(callbacks, Callback) or not isinstance(callbacks, Iterable) or isinstance(
            callbacks, (str, bytes)):
        raise TypeError(f"{caller}: expected callbacks to be a list of Callback instances, "
                        f"got {type_name(callbacks)}")
    callbacks = tuple(callbacks)
    for item in callbacks:
        if not isinstance(item, Callback):
            raise TypeError(f"{caller}: expected every callback to be a Callback instance "
                            f"(subclass dlbook.torch.callbacks.Callback), got {type_name(item)}")
    return callbacks


def run_hook(callbacks: Sequence[Callback], hook: str, state: TrainState) -> None:
    """Call ``hook`` (``"on_epoch_end"``, ...) on every callback, in list order."""
    for callback in callbacks:
        getattr(callback, hook)(state)


def callbacks_state(callbacks: Sequence[Callback]) -> list[dict[str, Any]]:
    """The states of ``callbacks`` for a checkpoint: ``[{"name": ..., "state": ...}, ...]``."""
    return [{"name": type(callback).__qualname__, "state": callback.state_dict()}
            for callback in callbacks]


def load_callbacks_state(callbacks: Sequence[Callback], saved: Sequence[Mapping[str, Any]],
                         *, caller: str) -> None:
    """Give each callback its saved state, matched by class name and order of appearance.

    The n-th ``EarlyStopping`` of ``callbacks`` takes the state of the n-th ``EarlyStopping``
    that was saved, so a resumed run may add or drop callbacks (a dropped callback's state is
    not used; a new one starts afresh). ``caller`` names the function for error messages.
    """
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for entry in saved:
        by_name.setdefault(str(entry["name"]), []).append(entry["state"])
    for callback in callbacks:
        states = by_name.get(type(callback).__qualname__)
        if states:
            try:
                callback.load_state_dict(states.pop(0))
            except (TypeError, ValueError, KeyError) as error:
                raise ValueError(f"{caller}: cannot give {type(callback).__name__} its saved "
                                 f"state: {error}") from None
