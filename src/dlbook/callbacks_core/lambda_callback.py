"""A callback made of plain functions, Keras's ``LambdaCallback`` for both training loops.

On the shared floor, in :mod:`dlbook.callbacks_core`: it imports neither
:mod:`dlbook.np` nor :mod:`dlbook.torch`. Import it from :mod:`dlbook.torch.callbacks` or
:mod:`dlbook.np.callbacks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlbook._checks import type_name
from dlbook.callbacks_core.state import Callback, TrainState

__all__ = ["LambdaCallback"]

Hook = Callable[[TrainState], Any]
_HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end", "on_train_end")


class LambdaCallback(Callback):
    """A :class:`~dlbook.torch.callbacks.Callback` whose hooks are the functions given.

    Keras 3's ``keras.callbacks.LambdaCallback`` for a one-off job (printing, recording,
    evaluating now and then) that does not deserve a class. Each function is called with the
    loop's :class:`~dlbook.torch.callbacks.TrainState`, which is where we differ from Keras:
    its epoch hooks receive ``(epoch, logs)`` with a 0-based ``epoch`` and its batch hooks
    ``(batch, logs)``, while ours read ``state.epoch`` (counted from 1), ``state.logs``,
    ``state.batch`` and also ``state.model``, and may set ``state.stop_training``. Keras's
    ``on_train_batch_begin`` has no counterpart here, as our loops have no such hook. The
    functions keep whatever state they need themselves, so a run that uses one cannot be
    resumed from a checkpoint exactly (its ``state_dict()`` is empty).

    Parameters
    ----------
    on_train_begin, on_epoch_begin, on_batch_end, on_epoch_end, on_train_end
        ``f(state)``, called at that hook; ``None`` does nothing there.

    Examples
    --------
    >>> from dlbook.history import History
    >>> seen = []
    >>> callback = LambdaCallback(on_epoch_end=lambda state: seen.append(state.epoch))
    >>> state = TrainState(model=None, optimizer=None, history=History(), epochs=2)
    >>> for epoch in (1, 2):
    ...     state.epoch = epoch
    ...     callback.on_epoch_end(state)
    >>> seen
    [1, 2]

    Introduced in :doc:`/book/cnn/limitations`.
    """

    def __init__(
        self,
        on_train_begin: Hook | None = None,
        on_epoch_begin: Hook | None = None,
        on_batch_end: Hook | None = None,
        on_epoch_end: Hook | None = None,
        on_train_end: Hook | None = None,
    ) -> None:
        given = (on_train_begin, on_epoch_begin, on_batch_end, on_epoch_end, on_train_end)
        for name, function in zip(_HOOKS, given, strict=True):
            if function is not None and not callable(function):
                raise TypeError(f"LambdaCallback: expected {name} to be a function of the "
                                f"training state or None, got {type_name(function)}")
        self._functions = dict(zip(_HOOKS, given, strict=True))

    def _call(self, hook: str, state: TrainState) -> None:
        function = self._functions[hook]
        if function is not None:
            function(state)

    def on_train_begin(self, state: TrainState) -> None:
        self._call("on_train_begin", state)

    def on_epoch_begin(self, state: TrainState) -> None:
        self._call("on_epoch_begin", state)

    def on_batch_end(self, state: TrainState) -> None:
        self._call("on_batch_end", state)

    def on_epoch_end(self, state: TrainState) -> None:
        self._call("on_epoch_end", state)

    def on_train_end(self, state: TrainState) -> None:
        self._call("on_train_end", state)

    def __repr__(self) -> str:
        hooks = ", ".join(name for name, function in self._functions.items() if function)
        return f"LambdaCallback({hooks})"
