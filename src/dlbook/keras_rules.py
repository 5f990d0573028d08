"""The course's Keras formulas, in NumPy: losses, optimizer updates, schedules, callbacks, BN.

The course teaches with Keras 3, the book with PyTorch. Where the two differ in a formula, a
default or a convention, a chapter shows Keras's version beside PyTorch's and maps one onto the
other in code. Those Keras versions live here, once, each named after the Keras object it
follows (``keras.losses.categorical_crossentropy`` is :func:`categorical_crossentropy`,
``keras.optimizers.Adam`` is :class:`Adam`), with Keras's argument names and defaults, and each
is tested against the real Keras 3 (``tests/test_keras_rules.py``, torch backend). The
docstrings name the Keras source file each rule follows (paths in the keras-team/keras
repository).

This module is on the shared floor: plain NumPy, no framework. The two callback rules drive
the package's callbacks :class:`dlbook.torch.callbacks.ReduceLROnPlateau` and
:class:`dlbook.torch.callbacks.EarlyStopping` (framework-free, in ``dlbook.callbacks_core``),
which follow Keras 3 themselves and are tested against Keras's own.

>>> import numpy as np
>>> categorical_crossentropy(np.array([[0, 1, 0]]), np.array([[0.05, 0.95, 0.0]]))
array([0.05129329])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlbook._checks import check_int, check_number, check_type, type_name
from dlbook.callbacks_core import EarlyStopping, ReduceLROnPlateau, TrainState
from dlbook.history import History

__all__ = [
    "EPSILON",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "huber",
    "SGD",
    "RMSprop",
    "Adam",
    "exponential_decay",
    "cosine_decay",
    "reduce_lr_on_plateau_rates",
    "early_stopping_epoch",
    "batch_normalization_forward",
]

EPSILON = 1e-7
"""Keras's fuzz factor, ``keras.config.epsilon()``: probabilities are clipped to
``[EPSILON, 1 - EPSILON]`` before a logarithm."""


def _as_float_array(x: Any, name: str, *, caller: str) -> np.ndarray:
    """``x`` (an array, a list, a number) as a float64 array; a TypeError if it is not numeric."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got "
                        f"{type_name(x)}")
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got "
                        f"{type_name(x)}") from error
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{caller}: expected {name} to be an array of numbers, got dtype "
                        f"{array.dtype}")
    return array.astype(np.float64)


def _check_axis(axis: Any, ndim: int, *, caller: str) -> int:
    axis = check_int(axis, "axis", caller=caller)
    if ndim < 1 or not -ndim <= axis < ndim:
        raise ValueError(f"{caller}: expected axis in [-{ndim}, {ndim}) for y_pred with "
                         f"{ndim} dimensions, got {axis}")
    return axis % ndim


def _check_same_shape(y_true: np.ndarray, y_pred: np.ndarray, *, caller: str) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{caller}: expected y_true and y_pred of the same shape, got "
                         f"y_true {y_true.shape} and y_pred {y_pred.shape}")


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1, *,
                             epsilon: float = EPSILON) -> np.ndarray:
    """Keras's ``categorical_crossentropy``: one-hot targets, one loss per sample.

    With ``from_logits=False`` (Keras's default) ``y_pred`` holds probabilities, the output of
    a softmax layer: each row is divided by its sum, clipped to ``[epsilon, 1 - epsilon]`` and
    the loss is ``-sum(y_true * log p)`` over ``axis``. So no sample costs more than
    ``-log(epsilon)`` (about 16.1). With ``from_logits=True`` it is ``-sum(y_true *
    log_softmax(y_pred))``, PyTorch's ``CrossEntropyLoss`` (with ``reduction="none"``) on
    one-hot targets. ``label_smoothing`` replaces ``y_true`` by ``y_true * (1 -
    label_smoothing) + label_smoothing / num_classes``.

    Follows ``keras/src/losses/losses.py`` (``categorical_crossentropy``) and
    ``keras/src/backend/torch/nn.py`` (``categorical_crossentropy``).

    Parameters
    ----------
    y_true : array_like
        One-hot (or soft) targets, the shape of ``y_pred``.
    y_pred : array_like
        Probabilities (``from_logits=False``) or logits, classes along ``axis``.
    from_logits : bool, default False
    label_smoothing : float in [0, 1], default 0.0
    axis : int, default -1
        The class axis.
    epsilon : float, default 1e-7
        Keras's ``keras.config.epsilon()``.

    Returns
    -------
    numpy.ndarray
        The loss of each sample: ``y_pred``'s shape without ``axis``. Keras's ``Loss``
        objects (``keras.losses.CategoricalCrossentropy()``) average it over the batch.

    Examples
    --------
    >>> import numpy as np
    >>> y_true = np.array([[0, 1, 0], [0, 0, 1]])
    >>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> categorical_crossentropy(y_true, y_pred).round(4)
    array([0.0513, 2.3026])

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "categorical_crossentropy"
    y_pred = _as_float_array(y_pred, "y_pred", caller=caller)
    y_true = _as_float_array(y_true, "y_true", caller=caller)
    _check_same_shape(y_true, y_pred, caller=caller)
    axis = _check_axis(axis, y_pred.ndim, caller=caller)
    check_type(from_logits, "from_logits", bool, caller=caller)
    label_smoothing = check_number(label_smoothing, "label_smoothing", caller=caller, low=0.0,
                                   high=1.0)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, high=0.5)
    if label_smoothing:
        num_classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:  # log_softmax, computed stably
        shifted = y_pred - y_pred.max(axis=axis, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    else:  # renormalise each row, clip, then take the logarithm
        p = y_pred / y_pred.sum(axis=axis, keepdims=True)
        log_p = np.log(np.clip(p, epsilon, 1.0 - epsilon))
    return -(y_true * log_p).sum(axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    axis: int = -1, *, epsilon: float = EPSILON) -> np.ndarray:
    """Keras's ``sparse_categorical_crossentropy``: integer labels, one loss per sample.

    The same loss as :func:`categorical_crossentropy` with ``y_true`` given as class indices
    instead of one-hot rows: with ``from_logits=False`` the probabilities are renormalised,
    clipped to ``[epsilon, 1 - epsilon]`` and the loss is ``-log p[label]``. With
    ``from_logits=True`` it is PyTorch's ``CrossEntropyLoss(reduction="none")``. A trailing
    axis of size 1 in ``y_true`` is squeezed, as Keras does.

    Follows ``keras/src/losses/losses.py`` (``sparse_categorical_crossentropy``) and
    ``keras/src/backend/torch/nn.py`` (``sparse_categorical_crossentropy``).

    Parameters
    ----------
    y_true : array_like of int
        Class indices in ``[0, num_classes)``: ``y_pred``'s shape without ``axis``.
    y_pred : array_like
        Probabilities (``from_logits=False``) or logits, classes along ``axis``.
    from_logits : bool, default False
    axis : int, default -1
    epsilon : float, default 1e-7

    Returns
    -------
    numpy.ndarray
        The loss of each sample, the shape of ``y_true``.

    Examples
    --------
    >>> import numpy as np
    >>> y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    >>> sparse_categorical_crossentropy(np.array([1, 2]), y_pred).round(4)
    array([0.0513, 2.3026])

    Introduced in :doc:`/book/optimisation/debugging`.
    """
    caller = "sparse_categorical_crossentropy"
    y_pred = _as_float_array(y_pred, "y_pred", caller=caller)
    labels = np.asarray(y_true)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{caller}: expected y_true to hold integer class indices, got dtype "
                        f"{labels.dtype}")
    axis = _check_axis(axis, y_pred.ndim, caller=caller)
    check_type(from_logits, "from_logits", bool, caller=caller)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, high=0.5)
    if labels.ndim == y_pred.ndim and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis=axis)
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1:]
    if labels.shape != expected:
        raise ValueError(f"{caller}: expected y_true of shape {expected} (y_pred's shape "
                         f"{y_pred.shape} without axis {axis}), got {labels.shape}")
    num_classes = y_pred.shape[axis]
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{caller}: expected y_true with class indices in [0, {num_classes}), "
                         f"got values in [{labels.min()}, {labels.max()}]")
    if from_logits:  # log_softmax, computed stably
        shifted = y_pred - y_pred.max(axis=axis, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    else:  # renormalise each row, clip, then take the logarithm
        p = y_pred / y_pred.sum(axis=axis, keepdims=True)
        log_p = np.log(np.clip(p, epsilon, 1.0 - epsilon))
    picked = np.take_along_axis(log_p, np.expand_dims(labels, axis), axis=axis)  # log p[label]
    return -np.squeeze(picked, axis=axis)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1, *,
                        epsilon: float = EPSILON) -> np.ndarray:
    """Keras's ``binary_crossentropy``: the mean over ``axis`` of each output's binary loss.

    With ``from_logits=False`` (the default) ``y_pred`` holds probabilities (a sigmoid's
    output), clipped to ``[epsilon, 1 - epsilon]``, and each output costs ``-(y log p + (1 -
    y) log(1 - p))``; with ``from_logits=True`` each output costs what PyTorch's
    ``BCEWithLogitsLoss(reduction="none")`` gives. Keras then **averages over the last axis**,
    so a ``(N, L)`` multi-label batch gives ``N`` losses; ``label_smoothing`` squeezes the
    targets towards 0.5: ``y * (1 - label_smoothing) + 0.5 * label_smoothing``.

    Follows ``keras/src/losses/losses.py`` (``binary_crossentropy``) and
    ``keras/src/backend/torch/nn.py`` (``binary_crossentropy``).

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1], the shape of ``y_pred``.
    y_pred : array_like
        Probabilities (``from_logits=False``) or logits.
    from_logits : bool, default False
    label_smoothing : float in [0, 1], default 0.0
    axis : int, default -1
        The axis averaged over.
    epsilon : float, default 1e-7

    Returns
    -------
    numpy.ndarray
        ``y_pred``'s shape without ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> binary_crossentropy(np.array([[0, 1], [0, 0]]), np.array([[0.6, 0.4], [0.4, 0.6]]))
    array([0.91629073, 0.71355818])

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "binary_crossentropy"
    y_pred = _as_float_array(y_pred, "y_pred", caller=caller)
    y_true = _as_float_array(y_true, "y_true", caller=caller)
    _check_same_shape(y_true, y_pred, caller=caller)
    axis = _check_axis(axis, y_pred.ndim, caller=caller)
    check_type(from_logits, "from_logits", bool, caller=caller)
    label_smoothing = check_number(label_smoothing, "label_smoothing", caller=caller, low=0.0,
                                   high=1.0)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, high=0.5)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # log(1 + exp(-|z|)) + max(z, 0) - z y: BCEWithLogitsLoss's stable form
        per_output = (np.maximum(y_pred, 0.0) - y_pred * y_true
                      + np.log1p(np.exp(-np.abs(y_pred))))
    else:
        p = np.clip(y_pred, epsilon, 1.0 - epsilon)
        per_output = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return per_output.mean(axis=axis)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> np.ndarray:
    """Keras's ``huber``: ``0.5 r^2`` where ``|r| <= delta``, else ``delta |r| - 0.5 delta^2``.

    ``r = y_pred - y_true``; the losses are averaged over the last axis, one per sample.
    PyTorch's ``HuberLoss(delta=delta)`` is the same formula (averaged over everything by
    default), and equals ``delta * SmoothL1Loss(beta=delta)``.

    Follows ``keras/src/losses/losses.py`` (``huber``).

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets and predictions, of the same shape or shapes that broadcast (a constant
        prediction against a row of targets, say), with at least one dimension.
    delta : float, default 1.0
        Where the loss turns from quadratic to linear; positive.

    Returns
    -------
    numpy.ndarray
        One loss per sample: the shape without the last axis.

    Examples
    --------
    >>> huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).mean().round(3)
    np.float64(0.155)

    Introduced in :doc:`/book/optimisation/losses`.
    """
    caller = "huber"
    y_pred = _as_float_array(y_pred, "y_pred", caller=caller)
    y_true = _as_float_array(y_true, "y_true", caller=caller)
    try:
        y_true, y_pred = np.broadcast_arrays(y_true, y_pred)
    except ValueError:
        raise ValueError(f"{caller}: expected y_true and y_pred of shapes that broadcast, got "
                         f"y_true {y_true.shape} and y_pred {y_pred.shape}") from None
    if y_pred.ndim < 1:
        raise ValueError(f"{caller}: expected y_true or y_pred with at least 1 dimension, got "
                         f"two scalars")
    delta = check_number(delta, "delta", caller=caller, low=0.0, low_inclusive=False)
    error = y_pred - y_true
    abs_error = np.abs(error)
    return np.where(abs_error <= delta, 0.5 * error**2,
                    delta * abs_error - 0.5 * delta**2).mean(axis=-1)


# ----------------------------------------------------------------------------- optimizers

LearningRate = float | Callable[[int], float]


class _KerasOptimizer:
    """What the three optimizers share: the step counter, the schedule, a trajectory."""

    _caller = "optimizer"

    def __init__(self, learning_rate: LearningRate) -> None:
        if callable(learning_rate):
            self.learning_rate: LearningRate = learning_rate
        else:
            self.learning_rate = check_number(learning_rate, "learning_rate",
                                              caller=self._caller, low=0.0)
        self.iterations = 0
        self.state: dict[str, np.ndarray] | None = None
        self._shape: tuple[int, ...] | None = None

    def _current_learning_rate(self) -> float:
        if callable(self.learning_rate):
            return float(self.learning_rate(self.iterations))
        return self.learning_rate

    def step(self, variable: Any, gradient: Any) -> np.ndarray:
        """One update: the new value of ``variable`` for this ``gradient``.

        The optimizer's ``state`` (a dict of Keras's optimizer variables, zeros at first) and
        its ``iterations`` (steps taken) advance; the first call fixes the variable's shape,
        and ``variable`` itself is not modified.
        """
        variable = _as_float_array(variable, "variable", caller=self._caller)
        gradient = _as_float_array(gradient, "gradient", caller=self._caller)
        if gradient.shape != variable.shape:
            raise ValueError(f"{self._caller}: expected gradient of the variable's shape "
                             f"{variable.shape}, got {gradient.shape}")
        if self.state is None:
            self._shape = variable.shape
            self.state = {name: np.zeros_like(variable) for name in self._slot_names()}
        elif variable.shape != self._shape:
            raise ValueError(f"{self._caller}: this optimizer holds state for a variable of "
                             f"shape {self._shape}, got {variable.shape}")
        new = self.update_step(gradient, variable, self._current_learning_rate())
        self.iterations += 1
        return new

    def trajectory(self, variable: Any, gradients: Any, steps: int | None = None) -> np.ndarray:
        """The variable's values from the start through ``steps`` updates: ``(steps + 1, ...)``.

        ``gradients`` is either an array whose first axis runs over the steps (a fixed
        sequence, one gradient per step) or a function ``gradient(variable)`` evaluated at
        each new point, for ``steps`` steps.
        """
        value = _as_float_array(variable, "variable", caller=self._caller)
        path = [value]
        if callable(gradients):
            steps = check_int(steps, "steps", caller=self._caller, minimum=0)
            for _ in range(steps):
                value = self.step(value, gradients(value))
                path.append(value)
        else:
            if steps is not None:
                raise TypeError(f"{self._caller}: pass steps only with a gradient function; "
                                f"a gradient array gives one step per row")
            sequence = _as_float_array(gradients, "gradients", caller=self._caller)
            for gradient in sequence:
                value = self.step(value, gradient)
                path.append(value)
        return np.stack(path)

    def _slot_names(self) -> Sequence[str]:
        raise NotImplementedError

    def update_step(self, gradient: np.ndarray, variable: np.ndarray,
                    learning_rate: float) -> np.ndarray:
        """Keras's update of one variable: its new value (the optimizer's state advances)."""
        raise NotImplementedError


class SGD(_KerasOptimizer):
    """Keras's ``SGD`` update: the velocity carries the learning rate.

    With ``momentum`` :math:`\\mu` the velocity is :math:`v \\leftarrow \\mu v - \\eta g` and
    the variable :math:`\\theta \\leftarrow \\theta + v` (with ``nesterov=True``,
    :math:`\\theta \\leftarrow \\theta + \\mu v - \\eta g`); without momentum
    :math:`\\theta \\leftarrow \\theta - \\eta g`. PyTorch keeps the learning rate out of its
    buffer (:math:`b \\leftarrow \\mu b + g`, :math:`\\theta \\leftarrow \\theta - \\eta b`),
    which gives the same steps while the rate is constant.

    Follows ``keras/src/optimizers/sgd.py`` (``SGD.update_step``).

    Parameters
    ----------
    learning_rate : float or callable, default 0.01
        A rate, or a schedule called with the step count (from 0), as Keras's
        ``LearningRateSchedule`` is.
    momentum : float in [0, 1], default 0.0
    nesterov : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> SGD(learning_rate=0.1, momentum=0.9).trajectory(np.array([1.0]), np.ones((3, 1)))[:, 0]
    array([1.   , 0.9  , 0.71 , 0.439])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    _caller = "SGD"

    def __init__(self, learning_rate: LearningRate = 0.01, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(learning_rate)
        self.momentum = check_number(momentum, "momentum", caller="SGD", low=0.0, high=1.0)
        self.nesterov = check_type(nesterov, "nesterov", bool, caller="SGD")

    def _slot_names(self) -> Sequence[str]:
        return ("momentum",) if self.momentum != 0 else ()

    def update_step(self, gradient: np.ndarray, variable: np.ndarray,
                    learning_rate: float) -> np.ndarray:
        """The new value of ``variable`` after one step (the optimizer's state advances)."""
        lr = learning_rate
        if self.momentum == 0:
            return variable - gradient * lr
        m = self.state["momentum"] = self.state["momentum"] * self.momentum - gradient * lr
        if self.nesterov:
            return variable + (m * self.momentum - gradient * lr)
        return variable + m


class RMSprop(_KerasOptimizer):
    """Keras's ``RMSprop`` update: :math:`\\epsilon` **inside** the square root.

    :math:`s \\leftarrow \\rho s + (1 - \\rho) g^2` and :math:`\\theta \\leftarrow \\theta -
    \\eta\\, g / \\sqrt{s + \\epsilon}`. PyTorch's ``RMSprop`` (``alpha`` is Keras's ``rho``)
    adds its ``eps`` outside the root, :math:`\\sqrt{s} + \\epsilon`, so the two agree only at
    ``epsilon=0``. With ``momentum`` the increment is accumulated first
    (:math:`b \\leftarrow \\mu b + \\eta g / \\sqrt{\\cdot}`, :math:`\\theta \\leftarrow
    \\theta - b`); ``centered=True`` subtracts the square of a running mean gradient inside
    the root.

    Follows ``keras/src/optimizers/rmsprop.py`` (``RMSprop.update_step``).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    rho : float in [0, 1], default 0.9
    momentum : float >= 0, default 0.0
    epsilon : float >= 0, default 1e-7
    centered : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> path = RMSprop().trajectory(np.zeros(1), np.full((2, 1), 1e-4))
    >>> (np.abs(np.diff(path[:, 0])) / 1e-3).round(3)  # steps / rate: eps under the root
    array([0.315, 0.313])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    _caller = "RMSprop"

    def __init__(self, learning_rate: LearningRate = 0.001, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7, centered: bool = False) -> None:
        super().__init__(learning_rate)
        self.rho = check_number(rho, "rho", caller="RMSprop", low=0.0, high=1.0)
        self.momentum = check_number(momentum, "momentum", caller="RMSprop", low=0.0)
        self.epsilon = check_number(epsilon, "epsilon", caller="RMSprop", low=0.0)
        self.centered = check_type(centered, "centered", bool, caller="RMSprop")

    def _slot_names(self) -> Sequence[str]:
        return ("velocity", "momentum", "average_gradient")

    def update_step(self, gradient: np.ndarray, variable: np.ndarray,
                    learning_rate: float) -> np.ndarray:
        """The new value of ``variable`` after one step (the state advances)."""
        rho, state = self.rho, self.state
        state["velocity"] = rho * state["velocity"] + (1 - rho) * np.square(gradient)
        if self.centered:
            state["average_gradient"] = (rho * state["average_gradient"]
                                         + (1 - rho) * gradient)
            denominator = (state["velocity"] - np.square(state["average_gradient"])
                           + self.epsilon)
        else:
            denominator = state["velocity"] + self.epsilon
        increment = learning_rate * gradient / np.sqrt(denominator)
        if self.momentum > 0:
            state["momentum"] = self.momentum * state["momentum"] + increment
            return variable - state["momentum"]
        return variable - increment


class Adam(_KerasOptimizer):
    """Keras's ``Adam`` update: bias corrections folded into the rate, :math:`\\hat\\epsilon`
    added to the uncorrected root.

    At step :math:`t` (from 1): :math:`m \\leftarrow m + (1 - \\beta_1)(g - m)`,
    :math:`v \\leftarrow v + (1 - \\beta_2)(g^2 - v)`, :math:`\\alpha_t = \\eta
    \\sqrt{1 - \\beta_2^t} / (1 - \\beta_1^t)` and :math:`\\theta \\leftarrow \\theta -
    \\alpha_t\\, m / (\\sqrt{v} + \\hat\\epsilon)`. Multiplied out this is PyTorch's ``Adam``
    with a step-dependent :math:`\\epsilon_t = \\hat\\epsilon / \\sqrt{1 - \\beta_2^t}`.
    ``amsgrad=True`` divides by the running maximum of :math:`v` instead.

    Follows ``keras/src/optimizers/adam.py`` (``Adam.update_step``).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta_1 : float, default 0.9
    beta_2 : float, default 0.999
    epsilon : float >= 0, default 1e-7
    amsgrad : bool, default False

    Examples
    --------
    >>> import numpy as np
    >>> Adam().trajectory(np.zeros(1), np.ones((2, 1)))[:, 0].round(6)  # steps of ~lr
    array([ 0.   , -0.001, -0.002])

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    _caller = "Adam"

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False) -> None:
        super().__init__(learning_rate)
        self.beta_1 = check_number(beta_1, "beta_1", caller="Adam", low=0.0, high=1.0,
                                   high_inclusive=False)
        self.beta_2 = check_number(beta_2, "beta_2", caller="Adam", low=0.0, high=1.0,
                                   high_inclusive=False)
        self.epsilon = check_number(epsilon, "epsilon", caller="Adam", low=0.0)
        self.amsgrad = check_type(amsgrad, "amsgrad", bool, caller="Adam")

    def _slot_names(self) -> Sequence[str]:
        return ("momentum", "velocity", "velocity_hat")

    def torch_eps(self, step: Any) -> np.ndarray | float:
        """The ``eps`` of ``torch.optim.Adam`` that reproduces this optimizer's step ``step``.

        ``epsilon / sqrt(1 - beta_2 ** step)``, for steps counted from 1: set it in the torch
        optimizer's parameter group before each step and the two take the same steps.

        >>> round(Adam().torch_eps(1), 12)
        3.162e-06
        """
        steps = _as_float_array(step, "step", caller="Adam.torch_eps")
        if np.any(steps < 1):
            raise ValueError(f"Adam.torch_eps: expected step >= 1 (steps count from 1), got "
                             f"{steps.min()}")
        eps = self.epsilon / np.sqrt(1 - self.beta_2**steps)
        return float(eps) if eps.ndim == 0 else eps

    def update_step(self, gradient: np.ndarray, variable: np.ndarray,
                    learning_rate: float) -> np.ndarray:
        """The new value of ``variable`` after one step (the state advances)."""
        t = self.iterations + 1  # steps count from 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        alpha = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m, v = self.state["momentum"], self.state["velocity"]
        m = m + (gradient - m) * (1 - beta_1)
        v = v + (np.square(gradient) - v) * (1 - beta_2)
        self.state["momentum"], self.state["velocity"] = m, v
        if self.amsgrad:
            v = np.maximum(self.state["velocity_hat"], v)
            self.state["velocity_hat"] = v
        return variable - m * alpha / (np.sqrt(v) + self.epsilon)


# ----------------------------------------------------------------------------- schedules

def _check_steps(step: Any, caller: str) -> np.ndarray:
    steps = _as_float_array(step, "step", caller=caller)
    if np.any(steps < 0):
        raise ValueError(f"{caller}: expected step >= 0, got {steps.min()}")
    return steps


def exponential_decay(step: Any, initial_learning_rate: float, decay_steps: int,
                      decay_rate: float, staircase: bool = False) -> np.ndarray | float:
    """Keras's ``ExponentialDecay`` schedule: ``initial_learning_rate * decay_rate ** (step /
    decay_steps)``, with the exponent floored when ``staircase=True``.

    ``step`` counts optimizer steps (mini-batches) from 0, not epochs. In PyTorch it is
    ``ExponentialLR(gamma=decay_rate ** (1 / decay_steps))`` (or, with ``staircase=True``,
    ``StepLR(step_size=decay_steps, gamma=decay_rate)``) stepped after every batch.

    Follows ``keras/src/optimizers/schedules/learning_rate_schedule.py``
    (``ExponentialDecay.__call__``).

    Parameters
    ----------
    step : int or array_like of int
        Optimizer steps taken so far (``optimizer.iterations``).
    initial_learning_rate : float
    decay_steps : int
        Positive.
    decay_rate : float
    staircase : bool, default False

    Returns
    -------
    float or numpy.ndarray
        The rate at each step (a float for a scalar ``step``).

    Examples
    --------
    >>> exponential_decay([0, 50, 100], 0.1, decay_steps=50, decay_rate=0.5)
    array([0.1  , 0.05 , 0.025])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "exponential_decay"
    steps = _check_steps(step, caller)
    initial = check_number(initial_learning_rate, "initial_learning_rate", caller=caller,
                           low=0.0)
    decay_steps = check_int(decay_steps, "decay_steps", caller=caller, minimum=1)
    decay_rate = check_number(decay_rate, "decay_rate", caller=caller, low=0.0)
    check_type(staircase, "staircase", bool, caller=caller)
    p = steps / decay_steps
    if staircase:
        p = np.floor(p)
    rates = initial * decay_rate**p
    return float(rates) if rates.ndim == 0 else rates


def cosine_decay(step: Any, initial_learning_rate: float, decay_steps: int,
                 alpha: float = 0.0, warmup_target: float | None = None,
                 warmup_steps: int = 0) -> np.ndarray | float:
    """Keras's ``CosineDecay`` schedule: a half cosine over ``decay_steps``, then the floor.

    Without warm-up the rate at step ``k`` is ``initial_learning_rate * ((1 - alpha) * c +
    alpha)`` with ``c = 0.5 * (1 + cos(pi * min(k, decay_steps) / decay_steps))``: it ends at
    ``alpha * initial_learning_rate`` and **stays there** (PyTorch's ``CosineAnnealingLR``
    climbs back up after ``T_max``). With ``warmup_target`` the rate first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps`` steps and then decays
    from ``warmup_target``.

    Follows ``keras/src/optimizers/schedules/learning_rate_schedule.py``
    (``CosineDecay.__call__``).

    Parameters
    ----------
    step : int or array_like of int
        Optimizer steps taken so far, from 0.
    initial_learning_rate : float
    decay_steps : int
        Positive.
    alpha : float, default 0.0
        The floor, as a fraction of the rate the decay starts from.
    warmup_target : float or None, default None
    warmup_steps : int, default 0

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> cosine_decay([0, 50, 100, 150], 0.1, decay_steps=100, alpha=0.01)
    array([0.1   , 0.0505, 0.001 , 0.001 ])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "cosine_decay"
    steps = _check_steps(step, caller)
    initial = check_number(initial_learning_rate, "initial_learning_rate", caller=caller,
                           low=0.0)
    decay_steps = check_int(decay_steps, "decay_steps", caller=caller, minimum=1)
    alpha = check_number(alpha, "alpha", caller=caller)
    warmup_steps = check_int(warmup_steps, "warmup_steps", caller=caller, minimum=0)

    def decay(k: np.ndarray, start: float) -> np.ndarray:
        cosine = 0.5 * (1.0 + np.cos(np.pi * (k / decay_steps)))
        return start * ((1 - alpha) * cosine + alpha)

    if warmup_target is None:
        rates = decay(np.minimum(steps, decay_steps), initial)
    else:
        target = check_number(warmup_target, "warmup_target", caller=caller, low=0.0)
        if warmup_steps == 0:
            raise ValueError(f"{caller}: expected warmup_steps >= 1 with a warmup_target, got 0")
        k = np.minimum(steps, decay_steps + warmup_steps)
        warm = (target - initial) * (k / warmup_steps) + initial
        rates = np.where(k < warmup_steps, warm, decay(k - warmup_steps, target))
    return float(rates) if rates.ndim == 0 else rates


# ----------------------------------------------------------------------------- callbacks

class _ScriptedOptimizer:
    """The one attribute :class:`~dlbook.callbacks_core.ReduceLROnPlateau` reads and writes."""

    def __init__(self, lr: float) -> None:
        self.param_groups = [{"lr": lr}]


def _monitored_values(values: Any, caller: str) -> list[float]:
    array = _as_float_array(values, "values", caller=caller)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{caller}: expected values to be a non-empty 1-d sequence (one "
                         f"monitored value per epoch), got shape {array.shape}")
    return [float(v) for v in array]


def reduce_lr_on_plateau_rates(values: Any, learning_rate: float = 1.0,
                               **kwargs: Any) -> np.ndarray:
    """The learning rates Keras's ``ReduceLROnPlateau`` gives for these monitored values.

    ``values[e]`` is the monitored quantity (``val_loss`` unless ``monitor=``/``mode=`` say
    otherwise) at the end of epoch ``e + 1``. The rule is that of
    :class:`dlbook.torch.callbacks.ReduceLROnPlateau`, which follows Keras 3's callback
    (``keras/src/callbacks/reduce_lr_on_plateau.py``) and is driven here epoch by epoch:
    reduce when ``wait >= patience``, ``min_delta`` absolute. ``kwargs`` are its arguments
    (``factor``, ``patience``, ``min_delta``, ``cooldown``, ``min_lr``, ``mode``, ...).

    Returns
    -------
    numpy.ndarray of shape (len(values) + 1,)
        ``rates[0]`` is ``learning_rate``, the rate used during epoch 1, and ``rates[e]`` the
        rate after epoch ``e``'s end, used during epoch ``e + 1``. So ``rates[:-1]`` are the
        rates each epoch trained with and ``rates[1:]`` the rates after each epoch.

    Examples
    --------
    >>> reduce_lr_on_plateau_rates([1.0, 0.9, 0.95, 0.97], factor=0.5, patience=1)
    array([1.  , 1.  , 1.  , 0.5 , 0.25])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "reduce_lr_on_plateau_rates"
    monitored = _monitored_values(values, caller)
    lr = check_number(learning_rate, "learning_rate", caller=caller, low=0.0)
    reducer = ReduceLROnPlateau(**kwargs)
    optimizer = _ScriptedOptimizer(lr)
    state = TrainState(model=None, optimizer=optimizer, history=History(),
                       epochs=len(monitored))
    reducer.on_train_begin(state)
    rates = [lr]
    for epoch, value in enumerate(monitored, start=1):
        state.epoch, state.logs = epoch, {"epoch": epoch, reducer.monitor: value}
        reducer.on_epoch_end(state)
        rates.append(float(optimizer.param_groups[0]["lr"]))
    return np.array(rates)


def early_stopping_epoch(values: Any, **kwargs: Any) -> tuple[int, int]:
    """Where Keras's ``EarlyStopping`` stops for these monitored values, and its best epoch.

    ``values[e]`` is the monitored quantity at the end of epoch ``e + 1``. The rule is that of
    :class:`dlbook.torch.callbacks.EarlyStopping`, which follows Keras 3's callback
    (``keras/src/callbacks/early_stopping.py``): an epoch improves when it beats the best by
    more than ``min_delta``, and training stops once ``patience`` epochs in a row have not.
    ``kwargs`` are its arguments (``patience``, ``min_delta``, ``baseline``,
    ``start_from_epoch``, ``mode``, ``monitor``).

    Returns
    -------
    (stop_epoch, best_epoch) : tuple of int
        Both counted from 1: the last epoch trained (``len(values)`` when it never stops) and
        the epoch of the best value, whose weights ``restore_best_weights=True`` loads back.

    Examples
    --------
    >>> early_stopping_epoch([1.0, 0.8, 0.9, 0.85, 0.7], patience=2)
    (4, 2)

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    caller = "early_stopping_epoch"
    monitored = _monitored_values(values, caller)
    stopper = EarlyStopping(**kwargs)
    state = TrainState(model=None, optimizer=None, history=History(), epochs=len(monitored),
                       get_weights=lambda: None, set_weights=lambda weights: None)
    stopper.on_train_begin(state)
    for epoch, value in enumerate(monitored, start=1):
        state.epoch, state.logs = epoch, {"epoch": epoch, stopper.monitor: value}
        stopper.on_epoch_end(state)
        if state.stop_training:
            return epoch, stopper.best_epoch
    return len(monitored), stopper.best_epoch


# ----------------------------------------------------------------------------- batch norm

def batch_normalization_forward(x: Any, gamma: Any, beta: Any, moving_mean: Any,
                                moving_variance: Any, *, training: bool,
                                momentum: float = 0.99, epsilon: float = 1e-3,
                                axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keras's ``BatchNormalization`` forward pass, and its moving statistics' update.

    In training mode the batch mean and the **biased** batch variance (over every axis but
    ``axis``, the features) normalise ``x``, and the moving statistics become
    ``moving * momentum + batch * (1 - momentum)``: Keras's ``momentum`` (0.99) weights the
    *old* value, so PyTorch's ``momentum`` is ``1 - 0.99 = 0.01``, and PyTorch updates its
    running variance with the unbiased batch variance instead. In inference mode the moving
    statistics normalise ``x`` and are returned unchanged. Keras's ``epsilon`` is ``1e-3``
    (PyTorch's ``eps`` is ``1e-5``). Keras's default ``axis=-1`` is channels-last; for
    PyTorch's ``(N, C, H, W)`` pass ``axis=1``.

    Follows ``keras/src/layers/normalization/batch_normalization.py``
    (``BatchNormalization.call``) and ``keras/src/backend/torch/nn.py``
    (``batch_normalization``).

    Parameters
    ----------
    x : array_like
        The input; features along ``axis``.
    gamma, beta, moving_mean, moving_variance : array_like of shape (features,)
    training : bool
        Keras's ``training=`` argument.
    momentum : float in [0, 1], default 0.99
    epsilon : float > 0, default 1e-3
    axis : int, default -1

    Returns
    -------
    (output, moving_mean, moving_variance)
        The normalised ``x`` and the (new, in training mode) moving statistics; the inputs
        are not modified.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
    >>> out, mean, var = batch_normalization_forward(x, np.ones(2), np.zeros(2), np.zeros(2),
    ...                                              np.ones(2), training=True)
    >>> out.round(4), mean, var
    (array([[-0.9995, -0.9999],
           [ 0.9995,  0.9999]]), array([0.02, 0.04]), array([1.  , 1.03]))

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    caller = "batch_normalization_forward"
    x = _as_float_array(x, "x", caller=caller)
    axis = _check_axis(axis, x.ndim, caller=caller)
    features = x.shape[axis]
    arrays = {}
    for name, value in [("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                        ("moving_variance", moving_variance)]:
        array = _as_float_array(value, name, caller=caller)
        if array.shape != (features,):
            raise ValueError(f"{caller}: expected {name} of shape ({features},) (x's size "
                             f"along axis {axis}), got {array.shape}")
        arrays[name] = array
    check_type(training, "training", bool, caller=caller)
    momentum = check_number(momentum, "momentum", caller=caller, low=0.0, high=1.0)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, low_inclusive=False)
    reduce_axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = features
    new_mean, new_variance = arrays["moving_mean"], arrays["moving_variance"]
    if training:
        # the batch's mean and biased variance, over every axis but the features'
        mean, variance = x.mean(axis=reduce_axes), x.var(axis=reduce_axes)
        new_mean = new_mean * momentum + mean * (1.0 - momentum)
        new_variance = new_variance * momentum + variance * (1.0 - momentum)
    else:
        mean, variance = new_mean, new_variance
    gamma, beta = arrays["gamma"].reshape(shape), arrays["beta"].reshape(shape)
    scale = gamma / np.sqrt(variance.reshape(shape) + epsilon)
    return (x - mean.reshape(shape)) * scale + beta, new_mean, new_variance

