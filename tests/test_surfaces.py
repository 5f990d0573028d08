"""dlbook.surfaces: values, gradients vs finite differences, minima, descend."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.np.optim import SGD
from dlbook.surfaces import Beale, Ravine, Rosenbrock, descend
from dlbook.testing import numerical_gradient, relative_error

SURFACES = [Rosenbrock(), Rosenbrock(a=2.0, b=10.0), Ravine(), Ravine(condition_number=100),
            Beale()]


@pytest.mark.parametrize("surface", SURFACES, ids=repr)
def test_gradient_matches_finite_differences(surface):
    for point in np.random.default_rng(0).uniform(-2, 2, size=(5, 2)):
        numeric = numerical_gradient(surface.value, point.copy())
        assert relative_error(surface.grad(point), numeric) < 1e-7, point


@pytest.mark.parametrize("surface", SURFACES, ids=repr)
def test_minimum(surface):
    assert surface.value(surface.minimum) == pytest.approx(0.0, abs=1e-12)
    assert np.abs(surface.grad(surface.minimum)).max() < 1e-12
    nearby = surface.minimum + np.random.default_rng(1).normal(scale=0.1, size=(20, 2))
    assert np.all(surface.value(nearby) > 0)


def test_vectorised_over_a_grid():
    surface = Beale()
    grid = np.random.default_rng(0).uniform(-4, 4, size=(3, 4, 2))
    values, grads = surface.value(grid), surface.grad(grid)
    assert values.shape == (3, 4) and grads.shape == (3, 4, 2)
    assert values[1, 2] == pytest.approx(surface.value(grid[1, 2]))
    assert np.allclose(grads[2, 3], surface.grad(grid[2, 3]))


def test_ravine_condition_number():
    surface = Ravine(condition_number=50)
    assert surface.value([2.0, 1.0]) == pytest.approx(0.5 * (4 + 50))


def test_descend_follows_gradient_descent():
    surface = Rosenbrock()
    path = descend(surface, lambda params: SGD(params, lr=1e-3), [-1.0, 1.0], steps=5)
    assert path.shape == (6, 2)
    point = np.array([-1.0, 1.0])
    for step in range(5):
        point = point - 1e-3 * surface.grad(point)
        assert np.allclose(path[step + 1], point)
    momentum = descend(Ravine(10), lambda p: SGD(p, lr=0.05, momentum=0.9), [8.0, 2.0], 300)
    assert Ravine(10).value(momentum[-1]) < 1e-6


def test_descend_stops_on_divergence():
    path = descend(Ravine(100), lambda p: SGD(p, lr=1.0), [1.0, 1.0], steps=400)
    assert path.shape == (401, 2) and np.isnan(path[-1]).all()


def test_bad_input():
    with pytest.raises(ValueError, match=r"Rosenbrock.value: expected points of shape \(2,\)"):
        Rosenbrock().value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Ravine: expected condition_number"):
        Ravine(condition_number=0.5)
    with pytest.raises(ValueError, match=r"descend: expected start of shape \(2,\)"):
        descend(Beale(), lambda p: SGD(p, lr=0.1), [0.0], 3)
    with pytest.raises(TypeError, match="descend: expected surface to be a Surface"):
        descend(lambda xy: 0.0, lambda p: SGD(p, lr=0.1), [0.0, 0.0], 3)
