"""Callbacks for both training loops, with the rules of Keras 3 (the course's library).

This module is on the shared floor: it imports neither :mod:`dlbook.np` nor
:mod:`dlbook.torch`, and both :func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit`
drive the same callback objects. The loop hands every hook a :class:`TrainState`; what depends
on the framework (copying the weights, writing a checkpoint) is done through the state, so
:class:`EarlyStopping`, :class:`ReduceLROnPlateau` and :class:`ModelCheckpoint` are written
once. Import them from :mod:`dlbook.torch.callbacks` or :mod:`dlbook.np.callbacks`.

The three callbacks follow the source of Keras 3.16 (``keras/src/callbacks/``) line by line:
the same argument names and defaults, the same improvement test
(``monitor_op(current - min_delta, best)``, with ``min_delta`` absolute and its sign flipped in
``"min"`` mode), the same counters. Where we differ, on purpose, the docstring says so:
epochs are counted from 1 as :class:`dlbook.history.History` counts them (Keras passes
0-based epochs to its callbacks), a monitored quantity missing from the logs raises a
``ValueError`` (Keras warns and carries on), an unknown ``mode`` raises (Keras warns and falls
back to ``"auto"``), and ``"auto"`` is resolved from the monitor's name when the callback is
made (Keras looks the metric up on the compiled model at the first epoch's end).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dlbook._checks import check_in, check_int, check_number, check_type, type_name

__all__ = [
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "MonitorCallback",
    "ReduceLROnPlateau",
    "TrainState",
    "infer_mode",
]

# Names (after "val_"/"train_" is removed) whose direction Keras 3 knows: its metric objects
# carry ``_direction = "up"`` (accuracies, AUC, precision, recall, F-scores, R^2, IoU, cosine
# similarity) or ``"down"`` (errors, cross-entropies, hinges, divergences), and "loss" is min.
_MAX_NAMES = {"acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "r2_score", "iou", "mean_iou", "cosine_similarity", "pearson_correlation",
              "concordance_correlation"}
_MIN_NAMES = {"loss", "mse", "mae", "mape", "msle", "rmse", "mean_squared_error",
              "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "root_mean_squared_error", "log_cosh_error",
              "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
              "error_rate"}
_MAX_SUFFIXES = ("accuracy", "_acc", "_auc")
_MIN_SUFFIXES = ("_loss", "_error", "crossentropy", "hinge")


def infer_mode(monitor: str, *, caller: str = "infer_mode") -> str:
    """Whether ``monitor`` should go down (``"min"``) or up (``"max"``), from its name.

    The rule of Keras 3's ``mode="auto"``: drop the ``"val_"`` prefix (and our
    ``"train_"``), then a loss, an error or a cross-entropy is minimised and an accuracy, AUC,
    precision, recall or F-score is maximised. A name the rule does not know raises a
    ``ValueError`` asking for ``mode="min"`` or ``mode="max"``, as Keras does.

    >>> infer_mode("val_loss"), infer_mode("val_acc"), infer_mode("train_accuracy")
    ('min', 'max', 'max')
    >>> infer_mode("val_smoothness", caller="EarlyStopping")
    Traceback (most recent call last):
        ...
    ValueError: EarlyStopping: cannot tell whether monitor='val_smoothness' should be ...

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    check_type(monitor, "monitor", str, caller=caller)
    name = monitor.removeprefix("val_").removeprefix("train_")
    if name in _MIN_NAMES or name.endswith(_MIN_SUFFIXES):
        return "min"
    if name in _MAX_NAMES or name.endswith(_MAX_SUFFIXES):
        return "max"
    raise ValueError(f"{caller}: cannot tell whether monitor={monitor!r} should be minimised "
                     f"or maximised; pass mode='min' or mode='max'")


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


def _check_mode(mode: Any, caller: str) -> str:
    return check_in(mode, "mode", ("auto", "min", "max"), caller=caller)


def _check_optional_number(value: Any, name: str, caller: str) -> float | None:
    if value is None:
        return None
    return check_number(value, name, caller=caller, allow_inf=True)


class MonitorCallback(Callback):
    """Base of the callbacks that watch one logged quantity: Keras 3's improvement test.

    ``_is_improvement(current, reference)`` is Keras's
    ``monitor_op(current - min_delta, reference)``: with ``min_delta`` made negative in
    ``"min"`` mode it reads ``current + |min_delta| < reference``, in ``"max"`` mode
    ``current - |min_delta| > reference``; a ``reference`` of ``None`` (nothing seen yet)
    always counts as improved. ``min_delta`` is absolute, as in Keras (torch's
    ``ReduceLROnPlateau`` defaults to a relative threshold). ``nan`` never improves.

    Parameters
    ----------
    monitor : str
        The key of the epoch's record to watch, e.g. ``"val_loss"`` or ``"val_acc"``.
    mode : {"auto", "min", "max"}
        ``"auto"`` infers the direction from the name (:func:`infer_mode`).
    min_delta : float
        Smallest change that counts as an improvement (its absolute value is used, as Keras
        does).

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 min_delta: float = 0.0) -> None:
        caller = type(self).__name__
        self.monitor = check_type(monitor, "monitor", str, caller=caller)
        self.mode = _check_mode(mode, caller)
        direction = infer_mode(monitor, caller=caller) if mode == "auto" else mode
        self.direction = direction
        delta = abs(check_number(min_delta, "min_delta", caller=caller))
        self.min_delta = -delta if direction == "min" else delta
        self.best: float | None = None

    def _is_improvement(self, current: float, reference: float | None) -> bool:
        if reference is None:
            return True
        shifted = current - self.min_delta
        return bool(shifted < reference) if self.direction == "min" else bool(
            shifted > reference)

    def get_monitor_value(self, logs: Mapping[str, Any]) -> float:
        """The monitored value in ``logs``; a ``ValueError`` naming the keys if it is missing.

        Keras warns and skips the epoch; a misspelt monitor (or ``"val_loss"`` without
        validation data) would then silently never stop or reduce anything, so we raise.
        """
        value = logs.get(self.monitor)
        if value is None:
            available = ", ".join(k for k in logs if k != "epoch")
            hint = (" (pass val_data= to fit to have val_ metrics)"
                    if self.monitor.startswith("val_") else "")
            raise ValueError(f"{type(self).__name__}: monitor={self.monitor!r} is not in the "
                             f"epoch's logs; available: {available}{hint}")
        if not isinstance(value, numbers.Real):
            raise TypeError(f"{type(self).__name__}: expected the logged {self.monitor!r} to be "
                            f"a number, got {type_name(value)}")
        return float(value)


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving (Keras 3's rules).

    At the end of every epoch from ``start_from_epoch + 1`` on, the counter ``wait`` goes up
    by one; an epoch that improves on the best so far (by more than ``min_delta``) records a
    new best and resets ``wait`` to 0, but only if it also improves on ``baseline`` (when one
    is given). An epoch that does not improve stops training once ``wait >= patience``. So
    ``patience=0`` stops at the first epoch that does not improve, ``patience=2`` at the second
    such epoch in a row. As in Keras, an epoch that improves on the best but not on
    ``baseline`` never stops training by itself; and the first monitored epoch always counts
    as an improvement.

    With ``restore_best_weights=True`` the weights of the best epoch are copied as training
    goes and loaded back **at the end of training whenever a best was recorded** -- also
    when training ran to ``epochs`` without stopping early (Keras 3 does this; Keras 2 only
    restored after an early stop). Without it the model keeps the weights of the last epoch.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The quantity watched, a key of the epoch's record.
    min_delta : float, default 0.0
        Minimum change that counts as an improvement (absolute; its sign is ignored).
    patience : int, default 0
        Epochs without improvement after which training stops.
    mode : {"auto", "min", "max"}, default "auto"
        Direction of improvement; ``"auto"`` infers it from ``monitor`` (:func:`infer_mode`).
    baseline : float or None, default None
        A value the monitored quantity must beat for ``wait`` to be reset.
    restore_best_weights : bool, default False
        Load the best epoch's weights back at the end of training.
    start_from_epoch : int, default 0
        Epochs to ignore at the start (a warm-up): monitoring begins with epoch
        ``start_from_epoch + 1``.

    Attributes
    ----------
    wait : int
        Epochs counted since the last reset.
    best : float or None
        The best monitored value so far.
    best_epoch : int
        The epoch (from 1) of ``best``; 0 before any. Keras stores it 0-based.
    stopped_epoch : int
        The epoch (from 1) at which training was stopped; 0 if it was not.
    best_weights
        A copy of the best epoch's weights (with ``restore_best_weights=True``), else ``None``.

    Examples
    --------
    >>> from dlbook.history import History
    >>> stopper = EarlyStopping(patience=1)
    >>> state = TrainState(model=None, optimizer=None, history=History(), epochs=10)
    >>> stopper.on_train_begin(state)
    >>> for epoch, val_loss in enumerate([1.0, 0.8, 0.9, 0.85], start=1):
    ...     state.epoch, state.logs = epoch, {"val_loss": val_loss}
    ...     stopper.on_epoch_end(state)
    ...     if state.stop_training:
    ...         break
    >>> stopper.stopped_epoch, stopper.best_epoch, stopper.best
    (3, 2, 0.8)

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        caller = "EarlyStopping"
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = check_int(patience, "patience", caller=caller, minimum=0)
        self.baseline = _check_optional_number(baseline, "baseline", caller)
        self.restore_best_weights = check_type(restore_best_weights, "restore_best_weights",
                                               bool, caller=caller)
        self.start_from_epoch = check_int(start_from_epoch, "start_from_epoch", caller=caller,
                                          minimum=0)
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights: Any = None
        self.best_epoch = 0

    def on_train_begin(self, state: TrainState) -> None:
        """Reset the counters, so one instance can serve several ``fit`` calls (as Keras)."""
        self._reset()

    def on_epoch_end(self, state: TrainState) -> None:
        """Count the epoch, record a new best, and stop when patience has run out."""
        current = self.get_monitor_value(state.logs)
        epoch = state.epoch  # from 1; Keras's 0-based epoch is epoch - 1
        if epoch - 1 < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = state.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = state.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch - 1 > 0:
            self.stopped_epoch = epoch
            state.stop_training = True

    def on_train_end(self, state: TrainState) -> None:
        """Load the best weights back if asked and a best was recorded."""
        if self.restore_best_weights and self.best_weights is not None:
            state.set_weights(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        """``wait``, ``stopped_epoch``, ``best``, ``best_epoch`` and ``best_weights``."""
        return {"wait": self.wait, "stopped_epoch": self.stopped_epoch, "best": self.best,
                "best_epoch": self.best_epoch, "best_weights": self.best_weights}


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when a monitored quantity has plateaued (Keras).

    At the end of every epoch: if a cooldown is running, its counter goes down by one and
    ``wait`` is reset; an improvement (by more than ``min_delta``, **absolute**) records a new
    best and resets ``wait``; otherwise, outside a cooldown, ``wait`` goes up by one and once
    ``wait >= patience`` every parameter group's learning rate above ``min_lr`` becomes
    ``max(lr * factor, min_lr)``, ``wait`` is reset and a cooldown of ``cooldown`` epochs
    starts. The new learning rate is used from the next epoch on.

    This is Keras 3's rule, which differs from :class:`torch.optim.lr_scheduler.ReduceLROnPlateau`
    in three ways: Keras reduces when ``wait >= patience`` (torch when
    ``num_bad_epochs > patience``, one epoch later), its ``min_delta`` is absolute (torch's
    ``threshold`` is relative by default) and its cooldown counter is decremented *before*
    the epoch is judged, so ``cooldown=1`` delays nothing. Keras keeps the learning rate in
    float32 and compares it with ``float32(min_lr)``; we keep the optimizer's float.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The quantity watched, a key of the epoch's record.
    factor : float, default 0.1
        ``new_lr = lr * factor``, in [0, 1).
    patience : int, default 10
        Epochs without improvement before a reduction.
    mode : {"auto", "min", "max"}, default "auto"
        Direction of improvement; ``"auto"`` infers it from ``monitor``.
    min_delta : float, default 1e-4
        Minimum (absolute) change that counts as an improvement.
    cooldown : int, default 0
        Epochs after a reduction during which no epoch is counted.
    min_lr : float, default 0.0
        Lower bound on the learning rate.

    Examples
    --------
    >>> from dlbook.history import History
    >>> class Optimizer:
    ...     param_groups = [{"lr": 1.0}]
    >>> reduce = ReduceLROnPlateau(factor=0.5, patience=1)
    >>> state = TrainState(model=None, optimizer=Optimizer(), history=History(), epochs=10)
    >>> reduce.on_train_begin(state)
    >>> used = []
    >>> for epoch, val_loss in enumerate([1.0, 0.9, 0.95, 0.97], start=1):
    ...     used.append(state.optimizer.param_groups[0]["lr"])
    ...     state.epoch, state.logs = epoch, {"val_loss": val_loss}
    ...     reduce.on_epoch_end(state)
    >>> used, state.optimizer.param_groups[0]["lr"]
    ([1.0, 1.0, 1.0, 0.5], 0.25)

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        caller = "ReduceLROnPlateau"
        super().__init__(monitor, mode, min_delta=min_delta)
        self.factor = check_number(factor, "factor", caller=caller, low=0.0, high=1.0,
                                   high_inclusive=False)
        self.patience = check_int(patience, "patience", caller=caller, minimum=0)
        self.cooldown = check_int(cooldown, "cooldown", caller=caller, minimum=0)
        self.min_lr = check_number(min_lr, "min_lr", caller=caller, low=0.0)
        self._reset()

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, state: TrainState) -> None:
        """Reset the counters and the best value (as Keras does)."""
        self._reset()

    def in_cooldown(self) -> bool:
        """Whether a cooldown is running."""
        return self.cooldown_counter > 0

    def _reduce(self, optimizer: Any) -> bool:
        groups = getattr(optimizer, "param_groups", None)
        if not groups:
            raise TypeError(f"ReduceLROnPlateau: expected an optimizer with param_groups, got "
                            f"{type_name(optimizer)}")
        reduced = False
        for group in groups:
            old_lr = float(group["lr"])
            if old_lr > self.min_lr:
                new_lr = max(old_lr * self.factor, self.min_lr)
                if hasattr(group["lr"], "fill_"):  # a tensor learning rate (torch's fused Adam)
                    group["lr"].fill_(new_lr)
                else:
                    group["lr"] = new_lr
                reduced = True
        return reduced

    def on_epoch_end(self, state: TrainState) -> None:
        """Count the epoch and reduce the learning rates when patience has run out."""
        current = self.get_monitor_value(state.logs)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(state.optimizer):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def state_dict(self) -> dict[str, Any]:
        """``best``, ``wait`` and ``cooldown_counter``."""
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}


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
