"""Rosenblatt's perceptron: the rule, AND/OR learned, XOR not, errors."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.np.perceptron import Perceptron

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1])}


@pytest.mark.parametrize("gate", sorted(GATES))
@pytest.mark.parametrize("seed", range(5))
def test_learns_linearly_separable_gates(gate, seed):
    perceptron = Perceptron(2, lr=1.0, rng=seed)
    errors = perceptron.fit(X, GATES[gate], epochs=100)
    assert errors[-1] == 0 and all(e > 0 for e in errors[:-1]), errors
    assert perceptron.predict(X).tolist() == GATES[gate].tolist()
    assert perceptron.errors_ is errors


@pytest.mark.parametrize("seed", range(5))
def test_never_learns_xor(seed):
    perceptron = Perceptron(2, lr=1.0, rng=seed)
    errors = perceptron.fit(X, np.array([0, 1, 1, 0]), epochs=50)
    assert len(errors) == 50 and min(errors) > 0
    assert (perceptron.predict(X) != np.array([0, 1, 1, 0])).any()


def test_one_update_follows_the_rule():
    perceptron = Perceptron(2, lr=0.5, rng=0, shuffle=False)
    perceptron.weight, perceptron.bias = np.array([-1.0, -1.0]), -0.5
    x, y = np.array([[1.0, 2.0]]), np.array([1])  # predicted 0, target 1
    errors = perceptron.fit(x, y, epochs=1)
    assert errors == [1]
    np.testing.assert_allclose(perceptron.weight, [-1.0 + 0.5 * 1.0, -1.0 + 0.5 * 2.0])
    assert perceptron.bias == 0.0


def test_step_activation_and_decision_function():
    perceptron = Perceptron(1, rng=0)
    perceptron.weight, perceptron.bias = np.array([1.0]), 0.0
    assert perceptron.predict(np.array([[-1.0], [0.0], [2.0]])).tolist() == [0, 1, 1]
    assert perceptron.decision_function(np.array([[2.0]])).tolist() == [2.0]


def test_seed_is_reproducible():
    first, second = Perceptron(2, rng=3), Perceptron(2, rng=3)
    assert first.fit(X, GATES["and"]) == second.fit(X, GATES["and"])
    np.testing.assert_array_equal(first.weight, second.weight)
    assert repr(first) == "Perceptron(n_features=2, lr=1.0)"


def test_bad_input():
    perceptron = Perceptron(2, rng=0)
    with pytest.raises(ValueError, match=r"Perceptron.fit: expected targets in \{0, 1\}, "
                                         r"got values \[-1, 1\]"):
        perceptron.fit(X, np.array([-1, 1, 1, -1]))
    with pytest.raises(ValueError, match=r"Perceptron.fit: expected X of shape \(N, 2\) "
                                         r"\(one row per example\), got \(4, 3\)"):
        perceptron.fit(np.zeros((4, 3)), GATES["and"])
    with pytest.raises(ValueError, match=r"Perceptron.fit: expected y of shape \(4,\)"):
        perceptron.fit(X, np.array([0, 1]))
    with pytest.raises(ValueError, match="Perceptron.fit: expected epochs >= 1, got 0"):
        perceptron.fit(X, GATES["and"], epochs=0)
    with pytest.raises(ValueError, match="Perceptron: expected lr > 0.0, got 0.0"):
        Perceptron(2, lr=0.0)
    with pytest.raises(ValueError, match="Perceptron: expected n_features >= 1, got 0"):
        Perceptron(0)
    with pytest.raises(ValueError, match=r"Perceptron.predict: expected X of shape \(N, 2\)"):
        perceptron.predict(np.zeros(2))
