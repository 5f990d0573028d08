"""Keras 3's losses in NumPy (``keras/src/losses/losses.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_number, check_type
from dlbook.keras_rules._inputs import EPSILON, _as_float_array, _check_axis, _check_same_shape

__all__ = ["categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
           "huber"]


def _check_crossentropy_args(y_true: Any, y_pred: Any, axis: Any, from_logits: Any,
                             label_smoothing: Any, epsilon: Any, *, caller: str) -> tuple:
    """The checks the two dense cross-entropies share; returns the checked values."""
    y_pred = _as_float_array(y_pred, "y_pred", caller=caller)
    y_true = _as_float_array(y_true, "y_true", caller=caller)
    _check_same_shape(y_true, y_pred, caller=caller)
    axis = _check_axis(axis, y_pred.ndim, caller=caller)
    check_type(from_logits, "from_logits", bool, caller=caller)
    label_smoothing = check_number(label_smoothing, "label_smoothing", caller=caller, low=0.0,
                                   high=1.0)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, high=0.5)
    return y_true, y_pred, axis, label_smoothing, epsilon


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
    y_true, y_pred, axis, label_smoothing, epsilon = _check_crossentropy_args(
        y_true, y_pred, axis, from_logits, label_smoothing, epsilon, caller=caller)
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
    y_true, y_pred, axis, label_smoothing, epsilon = _check_crossentropy_args(
        y_true, y_pred, axis, from_logits, label_smoothing, epsilon, caller=caller)
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
