"""Keras 3's optimizer updates in NumPy (``keras/src/optimizers/``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlbook._checks import check_int, check_number, check_type
from dlbook.keras_rules._inputs import _as_float_array

__all__ = ["SGD", "RMSprop", "Adam"]


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
