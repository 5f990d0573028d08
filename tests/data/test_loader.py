"""Tests of dlbook.data.DataLoader: iterations per epoch, batches, shuffling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dlbook.np as dnp
from dlbook.data import DataLoader


def _data(n):
    X = np.arange(n * 2, dtype=np.float64).reshape(n, 2)
    y = np.arange(n)
    return X, y


def test_thousand_samples_batch_hundred_is_ten_iterations():
    X, y = _data(1000)
    loader = DataLoader(X, y, batch_size=100)
    assert len(loader) == 10
    assert [len(xb) for xb, _ in loader] == [100] * 10


def test_partial_last_batch_and_drop_last():
    X, y = _data(1050)
    assert [len(xb) for xb, _ in DataLoader(X, y, batch_size=100)] == [100] * 10 + [50]
    assert len(DataLoader(X, y, batch_size=100)) == 11
    loader = DataLoader(X, y, batch_size=100, drop_last=True)
    assert len(loader) == 10
    assert [len(xb) for xb, _ in loader] == [100] * 10


def test_sequential_order_yields_views_in_order():
    X, y = _data(7)
    batches = list(DataLoader(X, y, batch_size=3))
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in batches]), y)
    assert np.shares_memory(batches[0][0], X)  # no copy without shuffling


def test_counts_epochs_and_iterations():
    X, y = _data(25)
    loader = DataLoader(X, y, batch_size=10, shuffle=True, rng=1)
    assert (loader.epoch, loader.iteration) == (0, 0)
    for _ in range(3):
        for _ in loader:
            pass
    assert (loader.epoch, loader.iteration) == (3, 9)


def test_without_targets_yields_inputs_only():
    X, _ = _data(5)
    batches = list(DataLoader(X, batch_size=2))
    assert [b.shape for b in batches] == [(2, 2), (2, 2), (1, 2)]


def test_shuffle_is_reproducible_and_changes_every_epoch():
    X, y = _data(50)
    first = DataLoader(X, y, batch_size=10, shuffle=True, rng=7)
    second = DataLoader(X, y, batch_size=10, shuffle=True, rng=7)
    epoch_1 = np.concatenate([yb for _, yb in first])
    epoch_2 = np.concatenate([yb for _, yb in first])
    np.testing.assert_array_equal(epoch_1, np.concatenate([yb for _, yb in second]))
    np.testing.assert_array_equal(epoch_2, np.concatenate([yb for _, yb in second]))
    assert not np.array_equal(epoch_1, epoch_2)
    assert not np.array_equal(epoch_1, y)


def test_default_seed_follows_manual_seed():
    X, y = _data(30)
    orders = []
    for _ in range(2):
        dnp.manual_seed(123)
        loader = DataLoader(X, y, batch_size=30, shuffle=True)
        orders.append(next(iter(loader))[1])
    np.testing.assert_array_equal(*orders)


def test_pairs_stay_together_when_shuffled():
    X, y = _data(33)
    for xb, yb in DataLoader(X, y, batch_size=4, shuffle=True, rng=0):
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)


@settings(max_examples=30, deadline=None)
@given(
    n_samples=st.integers(1, 60),
    batch_size=st.integers(1, 70),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_each_sample_exactly_once_per_epoch(n_samples, batch_size, shuffle, drop_last, seed):
    if drop_last and batch_size > n_samples:
        return  # an error, tested below
    X, y = _data(n_samples)
    loader = DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                        rng=seed)
    expected = n_samples // batch_size if drop_last else math.ceil(n_samples / batch_size)
    assert len(loader) == expected
    for _ in range(2):
        sizes, seen = [], []
        for xb, yb in loader:
            sizes.append(len(xb))
            seen.append(yb)
            assert len(xb) == len(yb) <= batch_size
        assert len(sizes) == expected
        assert all(size == batch_size for size in sizes[:-1])
        seen = np.concatenate(seen)
        assert len(np.unique(seen)) == len(seen)  # no sample twice
        if not drop_last:
            assert sorted(seen.tolist()) == list(range(n_samples))  # every sample once
        else:
            assert len(seen) == expected * batch_size


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((np.zeros((4, 2)),), {"batch_size": 0}, ValueError,
         r"DataLoader: expected batch_size >= 1, got 0"),
        ((np.zeros((4, 2)),), {"batch_size": 2.0}, TypeError,
         r"DataLoader: expected batch_size to be an int, got float 2.0"),
        (([[1.0, 2.0]],), {"batch_size": 1}, TypeError,
         r"DataLoader: expected X to be a numpy.ndarray, got list"),
        ((np.zeros((4, 2)), np.zeros(3)), {"batch_size": 2}, ValueError,
         r"DataLoader: expected y with the same number of samples as X \(4\), got shape \(3,\)"),
        ((np.zeros((0, 2)),), {"batch_size": 2}, ValueError,
         r"DataLoader: expected X of shape \(N, ...\) with N >= 1, got \(0, 2\)"),
        ((np.zeros((4, 2)),), {"batch_size": 5, "drop_last": True}, ValueError,
         r"DataLoader: batch_size=5 with drop_last=True and only 4 samples would give no batch"),
        ((np.zeros((4, 2)),), {"batch_size": 2, "shuffle": 1}, TypeError,
         r"DataLoader: expected shuffle to be bool, got int"),
        ((np.zeros((4, 2)),), {"batch_size": 2, "rng": -1}, TypeError,
         r"DataLoader: expected rng to be a non-negative int, a numpy Generator or None, got -1"),
    ],
)
def test_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        DataLoader(*args, **kwargs)


def test_repr():
    loader = DataLoader(np.zeros((1000, 3)), batch_size=100)
    assert "iterations=10" in repr(loader)


def _orders(loader, epochs):
    return [[int(v) for _, yb in loader for v in yb] for _ in range(epochs)]


@pytest.mark.parametrize("seed", [0, "generator", None])
def test_state_dict_restores_the_shuffling_exactly(seed):
    X, y = _data(23)

    def make():
        dnp.manual_seed(5)
        chosen = np.random.default_rng(0) if seed == "generator" else seed
        return DataLoader(X, y, batch_size=5, shuffle=True, rng=chosen)

    whole = make()
    expected = _orders(whole, 4)
    first = make()
    _orders(first, 2)
    saved = first.state_dict()
    assert saved["epoch"] == 2 and saved["iteration"] == 10
    assert saved["rng"]["bit_generator"] == "PCG64"
    dnp.manual_seed(99)  # the global generator moved on: the saved state does not depend on it
    resumed = DataLoader(X, y, batch_size=5, shuffle=True,
                         rng=np.random.default_rng(7) if seed == "generator" else 123)
    resumed.load_state_dict(saved)
    assert _orders(resumed, 2) == expected[2:]
    assert (resumed.epoch, resumed.iteration) == (4, 20)


def test_state_dict_before_any_order_was_drawn():
    X, y = _data(6)
    loader = DataLoader(X, y, batch_size=2, shuffle=True, rng=3)
    assert loader.state_dict() == {"epoch": 0, "iteration": 0, "rng": None}
    other = DataLoader(X, y, batch_size=2, shuffle=True, rng=3)
    _orders(other, 1)
    other.load_state_dict(loader.state_dict())  # back to "no order drawn": seed 3 again
    assert _orders(other, 1) == _orders(DataLoader(X, y, batch_size=2, shuffle=True, rng=3), 1)


def test_load_state_dict_refuses_what_it_cannot_use():
    X, y = _data(6)
    loader = DataLoader(X, y, batch_size=2)
    with pytest.raises(TypeError, match=r"DataLoader.load_state_dict: expected a dict with keys "
                                        r"'epoch', 'iteration' and 'rng'"):
        loader.load_state_dict({"epoch": 1})
    with pytest.raises(ValueError, match=r"DataLoader.load_state_dict: unknown bit generator "
                                         r"'Mystery'"):
        loader.load_state_dict({"epoch": 0, "iteration": 0, "rng": {"bit_generator": "Mystery"}})
    mt = np.random.Generator(np.random.MT19937(1))
    loader.load_state_dict({"epoch": 0, "iteration": 0, "rng": mt.bit_generator.state})
    assert isinstance(loader._rng.bit_generator, np.random.MT19937)
