"""The axes a figure function draws on: the caller's, or a fresh figure's.

Its own module so that :mod:`dlbook.viz` and :mod:`dlbook.viz_trajectories` share it without
importing each other; matplotlib is imported only when a figure is made.
"""

from __future__ import annotations

from typing import Any


def new_axes(ax: Any, figsize: tuple[float, float] = (5.0, 4.5)) -> Any:
    """``ax`` if given, else the axes of a new constrained-layout figure of ``figsize``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax
