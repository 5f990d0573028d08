"""Optimizer paths drawn over the contours of a two-dimensional surface.

Re-exported by :mod:`dlbook.viz`; matplotlib is imported inside the function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dlbook._axes import new_axes
from dlbook._checks import check_array, check_positive_int, type_name

__all__ = ["plot_trajectories"]

_PATH_COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
                "#8c564b", "#e377c2", "#17becf")


def plot_trajectories(
    surface: Any,
    paths: Mapping[str, np.ndarray],
    *,
    ax: Any = None,
    levels: int | Sequence[float] = 25,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    grid_size: int = 200,
    title: str | None = None,
) -> Any:
    """Draw the contours of ``surface`` and each optimizer's path on top.

    Parameters
    ----------
    surface : dlbook.surfaces.Surface
        Anything with ``value(xy)`` for ``xy`` of shape ``(..., 2)``; its ``minimum`` (if
        present) is marked with a star and its ``bounds`` are the default view.
    paths : dict
        ``{label: array of shape (T, 2)}``, e.g. from :func:`dlbook.surfaces.descend`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure if ``None``.
    levels : int or sequence of float, default 25
        Number of contour levels, spaced geometrically between the smallest and largest
        value on the grid (surfaces like Rosenbrock's span many orders of magnitude), or
        the levels themselves.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        The region shown; defaults to ``surface.bounds``.
    grid_size : int, default 200
        Grid points along each axis for the contours.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dlbook.surfaces import Ravine
    >>> path = np.array([[8.0, 3.0], [4.0, -2.0], [1.0, 0.5]])
    >>> ax = plot_trajectories(Ravine(), {"SGD": path})
    >>> [line.get_label() for line in ax.get_lines()][:1]
    ['SGD']

    Introduced in :doc:`/book/optimisation/optimizers`.
    """
    caller = "plot_trajectories"
    grid_size = check_positive_int(grid_size, "grid_size", caller=caller)
    if bounds is None:
        bounds = getattr(surface, "bounds", None)
        if bounds is None:
            raise ValueError(f"{caller}: expected bounds (the surface has none), got None")
    (x_low, x_high), (y_low, y_high) = bounds
    if not isinstance(paths, Mapping):
        raise TypeError(f"{caller}: expected paths to be a dict {{name: (T, 2) array}}, "
                        f"got {type_name(paths)}")
    for name, path in paths.items():
        check_array(path, f"paths[{name!r}]", caller=caller, kind="number", shape=("T", 2))
    xs = np.linspace(x_low, x_high, grid_size)
    ys = np.linspace(y_low, y_high, grid_size)
    xx, yy = np.meshgrid(xs, ys)  # (grid_size, grid_size) each
    zz = np.asarray(surface.value(np.stack([xx, yy], axis=-1)))  # (grid_size, grid_size)
    if isinstance(levels, (int, np.integer)):
        check_positive_int(int(levels), "levels", caller=caller)
        positive = zz[zz > 0]
        low = max(float(positive.min()) if positive.size else 1e-3, float(zz.max()) * 1e-8)
        level_values = np.geomspace(low, max(float(zz.max()), low * 10), int(levels))
    else:
        level_values = np.asarray(levels, dtype=float)

    ax = new_axes(ax)
    ax.contour(xx, yy, zz, levels=level_values, cmap="viridis", linewidths=0.7)
    for index, (name, path) in enumerate(paths.items()):
        color = _PATH_COLORS[index % len(_PATH_COLORS)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=2, linewidth=1.2,
                label=name)
    minimum = getattr(surface, "minimum", None)
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], "*", color="k", markersize=12, label="_minimum")
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    if paths:
        ax.legend(loc="best", fontsize=8)
    if title is not None:
        ax.set_title(title)
    return ax
