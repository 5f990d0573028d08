"""plot_trajectories: draws the contours, one line per path, the minimum; checks its input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlbook.surfaces import Beale, Rosenbrock  # noqa: E402
from dlbook.viz import plot_trajectories  # noqa: E402


def test_draws_paths_and_minimum():
    paths = {"SGD": np.array([[-1.5, 2.0], [-1.0, 1.0], [0.0, 0.0]]),
             "Adam": np.array([[-1.5, 2.0], [1.0, 1.0]])}
    ax = plot_trajectories(Rosenbrock(), paths, title="Rosenbrock")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["SGD", "Adam", "_minimum"]
    assert ax.get_title() == "Rosenbrock" and ax.collections  # contours drawn
    assert ax.get_xlim() == Rosenbrock().bounds[0]
    plt.close(ax.figure)


def test_explicit_axes_levels_and_bounds():
    fig, ax = plt.subplots()
    out = plot_trajectories(Beale(), {}, ax=ax, levels=[1.0, 10.0, 100.0],
                            bounds=((0.0, 4.0), (-1.0, 1.0)), grid_size=20)
    assert out is ax and ax.get_ylim() == (-1.0, 1.0)
    plt.close(fig)


def test_bad_input():
    with pytest.raises(ValueError, match=r"plot_trajectories: expected paths\['SGD'\] of shape"):
        plot_trajectories(Beale(), {"SGD": np.zeros((3, 3))})
    with pytest.raises(TypeError, match="expected paths to be a dict"):
        plot_trajectories(Beale(), [np.zeros((3, 2))])
