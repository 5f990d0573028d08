"""TransformedLoader: another loader's batches with their inputs transformed."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import DataLoader, TransformedLoader


def _jitter(xb, rng):
    return xb + rng.normal(0.0, 1.0, xb.shape)


def _data(n=10):
    return np.arange(2.0 * n).reshape(n, 2), np.arange(n)


def test_same_draws_as_one_generator_shared_by_a_plain_loop():
    X, y = _data()
    wrapped = TransformedLoader(DataLoader(X, y, batch_size=4, shuffle=True, rng=1), _jitter,
                                rng=7)
    ours = [(xb.copy(), yb.copy()) for _ in range(3) for xb, yb in wrapped]
    plain_loader, gen = DataLoader(X, y, batch_size=4, shuffle=True, rng=1), \
        np.random.default_rng(7)
    expected = [(_jitter(xb, gen), yb) for _ in range(3) for xb, yb in plain_loader]
    assert len(ours) == len(expected) == 9
    for (x1, y1), (x2, y2) in zip(ours, expected, strict=True):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)


def test_length_targets_extra_and_bare_inputs():
    X, y = _data()
    wrapped = TransformedLoader(DataLoader(X, y, batch_size=4), lambda xb, rng: -xb)
    assert len(wrapped) == 3
    first_x, first_y = next(iter(wrapped))
    np.testing.assert_array_equal(first_x, -X[:4])
    np.testing.assert_array_equal(first_y, y[:4])
    triples = [(X[:5], y[:5], np.full(5, 3)), (X[5:], y[5:], np.full(5, 4))]
    out = list(TransformedLoader(triples, lambda xb, rng: 2 * xb))
    assert len(out) == 2 and len(out[0]) == 3
    np.testing.assert_array_equal(out[1][0], 2 * X[5:])
    np.testing.assert_array_equal(out[1][2], np.full(5, 4))
    bare = list(TransformedLoader(DataLoader(X, batch_size=5), lambda xb, rng: xb + 1))
    np.testing.assert_array_equal(bare[0], X[:5] + 1)


def test_each_epoch_draws_afresh_and_a_generator_is_used_as_given():
    X, y = _data()
    gen = np.random.default_rng(0)
    wrapped = TransformedLoader(DataLoader(X, y, batch_size=10), _jitter, rng=gen)
    assert wrapped.rng is gen
    (first, _), = list(wrapped)
    (second, _), = list(wrapped)
    assert not np.array_equal(first, second)


def test_state_dict_resumes_the_generator_and_the_loader():
    X, y = _data()

    def make():
        return TransformedLoader(DataLoader(X, y, batch_size=4, shuffle=True, rng=3), _jitter,
                                 rng=5)

    straight = make()
    for _ in straight:
        pass
    saved = straight.state_dict()
    following = [xb.copy() for xb, _ in straight]
    other = make()
    other.load_state_dict(saved)
    for x1, (x2, _) in zip(following, other, strict=True):
        np.testing.assert_array_equal(x1, x2)
    assert saved["loader"]["epoch"] == 1
    assert TransformedLoader([(X, y)], _jitter, rng=0).state_dict()["loader"] is None


def test_bad_arguments():
    X, y = _data()
    loader = DataLoader(X, y, batch_size=4)
    with pytest.raises(TypeError, match="TransformedLoader: expected loader to be an iterable"):
        TransformedLoader(3, _jitter)
    with pytest.raises(TypeError, match="expected transform to be a function .* got int"):
        TransformedLoader(loader, 3)
    with pytest.raises(TypeError, match="TransformedLoader: expected rng to be None, an int"):
        TransformedLoader(loader, _jitter, rng="seed")
    wrapped = TransformedLoader(loader, _jitter, rng=0)
    with pytest.raises(TypeError, match="expected a dict with keys 'rng' and 'loader'"):
        wrapped.load_state_dict({"rng": None})
    mt_state = np.random.Generator(np.random.MT19937(0)).bit_generator.state
    with pytest.raises(ValueError, match="the saved generator is a 'MT19937'"):
        wrapped.load_state_dict({"rng": mt_state, "loader": None})
