"""Two-dimensional test functions for watching optimizers move: Rosenbrock, Ravine, Beale.

Each surface has ``value(xy)`` and ``grad(xy)`` for points ``xy`` of shape ``(2,)`` or
``(..., 2)`` (so a whole grid can be evaluated at once for a contour plot), the location of
its ``minimum`` (value 0) and default plotting ``bounds``. :func:`descend` runs a
:mod:`dlbook.np.optim` optimizer on one of them and returns the path it takes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlbook._checks import check_array, check_int, check_number, type_name
from dlbook.np.nn.parameter import Parameter

__all__ = ["Surface", "Rosenbrock", "Ravine", "Beale", "descend"]


def _points(xy: Any, caller: str) -> np.ndarray:
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim == 0 or xy.shape[-1] != 2:
        raise ValueError(f"{caller}: expected points of shape (2,) or (..., 2), got {xy.shape}")
    return xy


class Surface:
    """Base class: a function of two variables with a known minimum.

    Subclasses define ``_value(x, y)`` and ``_grad(x, y)`` on broadcast arrays.

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    minimum: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]]

    def value(self, xy: Any) -> np.ndarray | float:
        """The function at ``xy`` (shape ``(2,)`` gives a float, ``(..., 2)`` an array)."""
        xy = _points(xy, f"{type(self).__name__}.value")
        out = self._value(xy[..., 0], xy[..., 1])
        return float(out) if xy.ndim == 1 else out

    def grad(self, xy: Any) -> np.ndarray:
        """The gradient at ``xy``, with the shape of ``xy``."""
        xy = _points(xy, f"{type(self).__name__}.grad")
        gx, gy = self._grad(xy[..., 0], xy[..., 1])
        return np.stack([gx, gy], axis=-1)

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley :math:`f(x, y) = (a - x)^2 + b (y - x^2)^2`.

    The minimum 0 is at :math:`(a, a^2)`, at the bottom of a long, curved, flat-floored
    valley: easy to reach the valley, slow to travel along it.

    >>> surface = Rosenbrock()
    >>> surface.value(surface.minimum), surface.grad([0.0, 0.0])
    (0.0, array([-2.,  0.]))

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        self.a = check_number(a, "a", caller="Rosenbrock")
        self.b = check_number(b, "b", caller="Rosenbrock", low=0.0)
        self.minimum = np.array([self.a, self.a**2])
        self.bounds = ((self.a - 3.0, self.a + 1.5), (self.a**2 - 2.0, self.a**2 + 3.0))

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inner = y - x**2
        return -2 * (self.a - x) - 4 * self.b * x * inner, 2 * self.b * inner

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a}, b={self.b})"


class Ravine(Surface):
    r"""An ill-conditioned quadratic :math:`f(x, y) = \tfrac12 (x^2 + \kappa y^2)`.

    The Hessian is ``diag(1, kappa)``, so ``condition_number`` :math:`\kappa` is the ratio
    of the steepest to the flattest curvature. Gradient descent with a step size small
    enough not to diverge across the ravine (:math:`< 2/\kappa`) crawls along it.

    >>> surface = Ravine(condition_number=10)
    >>> surface.value([1.0, 1.0]), surface.grad([1.0, 1.0])
    (5.5, array([ 1., 10.]))

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    def __init__(self, condition_number: float = 25.0) -> None:
        self.condition_number = check_number(condition_number, "condition_number",
                                             caller="Ravine", low=1.0)
        self.minimum = np.zeros(2)
        self.bounds = ((-10.0, 10.0), (-4.0, 4.0))

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return 0.5 * (x**2 + self.condition_number * y**2)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x, self.condition_number * y

    def __repr__(self) -> str:
        return f"Ravine(condition_number={self.condition_number})"


class Beale(Surface):
    r"""Beale's function
    :math:`f(x,y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2`.

    The minimum 0 is at :math:`(3, 0.5)`; the surface has flat plateaus and sharp ridges
    near the corners of :math:`[-4.5, 4.5]^2`.

    >>> Beale().value(Beale().minimum)
    0.0

    Introduced in :doc:`/book/optimisation/optimizers`.
    """

    _constants = (1.5, 2.25, 2.625)

    def __init__(self) -> None:
        self.minimum = np.array([3.0, 0.5])
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return sum((c - x + x * y ** (i + 1)) ** 2 for i, c in enumerate(self._constants))

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gx = np.zeros(np.broadcast(x, y).shape)
        gy = np.zeros_like(gx)
        for i, c in enumerate(self._constants):
            power = i + 1
            term = c - x + x * y**power
            gx = gx + 2 * term * (y**power - 1)
            gy = gy + 2 * term * x * power * y ** (power - 1)
        return gx, gy


def descend(
    surface: Surface,
    optimizer_factory: Callable[[list[Parameter]], Any],
    start: Sequence[float] | np.ndarray,
    steps: int,
) -> np.ndarray:
    """Run an optimizer on a surface and return the points it visits.

    Parameters
    ----------
    surface : Surface
        What to minimise.
    optimizer_factory : callable
        Called with a list holding one :class:`~dlbook.np.nn.Parameter` (the point);
        returns an optimizer, e.g. ``lambda params: SGD(params, lr=1e-3, momentum=0.9)``.
    start : array_like of shape (2,)
        The starting point.
    steps : int
        Number of optimizer steps.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps + 1, 2)``: the start, then the point after each step; if the
        iterates overflow (a step size too large), the rows from there on are NaN.

    Examples
    --------
    >>> from dlbook.np.optim import SGD
    >>> path = descend(Ravine(4), lambda p: SGD(p, lr=0.1), [1.0, 1.0], steps=3)
    >>> path.shape, path[1]
    ((4, 2), array([0.9, 0.6]))

    Introduced in :doc:`/book/optimisation/optimizers`.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"descend: expected surface to be a Surface, got {type_name(surface)}")
    start = check_array(np.asarray(start, dtype=np.float64), "start", caller="descend",
                        shape=(2,))
    steps = check_int(steps, "steps", caller="descend", minimum=0)
    point = Parameter(start.copy())
    optimizer = optimizer_factory([point])
    path = np.empty((steps + 1, 2))
    path[0] = point.data
    # A step size too large for the surface makes the path overflow; that is a result worth
    # showing, not a warning, so the path is cut there (the rest is NaN).
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            optimizer.zero_grad()
            point.grad += surface.grad(point.data)
            optimizer.step()
            path[step + 1] = point.data
            if not np.all(np.isfinite(point.data)):
                path[step + 1:] = np.nan
                break
    return path

