"""Tests of dlbook.tuning: grid and random configurations, and the synthetic objective."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.tuning import grid_configs, low_effective_dimension_loss, random_configs

SPACE = {"lr": (1e-3, 1e-1, "log"), "decay": (0.0, 1.0, "linear")}


def test_grid_has_every_combination_and_few_distinct_values():
    configs = grid_configs(SPACE, 4)
    assert len(configs) == 16
    assert len({c["lr"] for c in configs}) == 4
    assert len({(c["lr"], c["decay"]) for c in configs}) == 16
    lrs = sorted({c["lr"] for c in configs})
    np.testing.assert_allclose(lrs, [1e-3, 10 ** (-7 / 3), 10 ** (-5 / 3), 1e-1])
    np.testing.assert_allclose(sorted({c["decay"] for c in configs}), [0, 1 / 3, 2 / 3, 1])


def test_grid_with_one_point_is_the_middle():
    (config,) = grid_configs(SPACE, 1)
    assert config["lr"] == pytest.approx(1e-2)
    assert config["decay"] == pytest.approx(0.5)


def test_random_configs_are_in_range_distinct_and_seeded():
    configs = random_configs(SPACE, 200, rng=0)
    lrs = np.array([c["lr"] for c in configs])
    decays = np.array([c["decay"] for c in configs])
    assert ((lrs >= 1e-3) & (lrs < 1e-1)).all()
    assert ((decays >= 0) & (decays < 1)).all()
    assert len(set(lrs)) == 200
    # log-uniform: about half the draws fall below the geometric midpoint 1e-2
    assert 0.4 < np.mean(lrs < 1e-2) < 0.6
    assert random_configs(SPACE, 5, rng=3) == random_configs(SPACE, 5, rng=3)
    assert random_configs(SPACE, 5, rng=3) != random_configs(SPACE, 5, rng=4)


def test_objective_ignores_the_unimportant_hyperparameter_by_default():
    values = low_effective_dimension_loss(0.2, np.linspace(0, 1, 5), optimum=0.7)
    np.testing.assert_allclose(values, 0.25)
    weighted = low_effective_dimension_loss(0.7, 1.0, optimum=0.7, unimportant_weight=2.0)
    assert float(weighted) == pytest.approx(0.5)
    assert float(low_effective_dimension_loss(0.7, 0.5, optimum=0.7)) == 0.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: grid_configs([("lr", 0, 1)], 2), TypeError,
         r"grid_configs: expected space to be a dict .*got list"),
        (lambda: grid_configs({}, 2), ValueError, r"at least one hyperparameter, got \{\}"),
        (lambda: grid_configs({"lr": (0.0, 1.0)}, 2), ValueError,
         r"expected space\['lr'\] to be \(low, high, scale\), got \(0.0, 1.0\)"),
        (lambda: grid_configs({"lr": (1.0, 0.5, "linear")}, 2), ValueError,
         r"expected space\['lr'\] low < high, got low=1.0, high=0.5"),
        (lambda: grid_configs({"lr": (0.0, 1.0, "log")}, 2), ValueError,
         r"low > 0 for a log scale, got 0.0"),
        (lambda: grid_configs(SPACE, 0), ValueError, r"expected points_per_axis >= 1, got 0"),
        (lambda: grid_configs(SPACE, 2.0), TypeError,
         r"expected points_per_axis to be an int, got float 2.0"),
        (lambda: random_configs(SPACE, 3, rng="seed"), TypeError,
         r"random_configs: expected rng to be None, an int seed .*got str"),
        (lambda: random_configs({"lr": ("a", 1.0, "log")}, 3), TypeError,
         r"expected space\['lr'\] low to be a real number, got str 'a'"),
        (lambda: low_effective_dimension_loss(0.5, 0.5, optimum=0.5, unimportant_weight=-1),
         ValueError, r"expected unimportant_weight >= 0.0, got -1.0"),
    ],
)
def test_bad_arguments_name_expected_and_actual(call, error, match):
    with pytest.raises(error, match=match):
        call()
