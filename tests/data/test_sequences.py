"""adding_problem and copy_task."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import adding_problem, copy_task


def test_adding_problem_markers_in_each_half_and_target_is_their_sum():
    X, y = adding_problem(500, 20, rng=0)
    assert X.shape == (500, 20, 2) and X.dtype == np.float32 and y.shape == (500,)
    markers = X[..., 1]
    assert (markers.sum(axis=1) == 2).all() and set(np.unique(markers)) == {0.0, 1.0}
    assert (markers[:, :10].sum(axis=1) == 1).all() and (markers[:, 10:].sum(axis=1) == 1).all()
    np.testing.assert_allclose((X[..., 0] * markers).sum(axis=1), y, rtol=1e-6)
    assert 0 <= X[..., 0].min() and X[..., 0].max() < 1
    assert abs(y.mean() - 1.0) < 0.05  # sum of two U(0, 1)


def test_adding_problem_lag_and_reproducibility():
    X, _ = adding_problem(200, 30, rng=1, lag=12, dtype=np.float64)
    first = X[..., 1].argmax(axis=1)
    assert (first == 30 - 1 - 12).all() and X.dtype == np.float64
    second = 29 - X[:, ::-1, 1].argmax(axis=1)
    assert (second > first).all()
    same, again, other = (adding_problem(5, 10, rng=s)[0] for s in (3, 3, 4))
    np.testing.assert_array_equal(same, again)
    assert not np.array_equal(same, other)


def test_copy_task_layout():
    X, y = copy_task(50, seq_len=4, delay=3, n_symbols=5, rng=0)
    assert X.shape == y.shape == (50, 11) and X.dtype == np.int64
    np.testing.assert_array_equal(X[:, :4], y[:, 7:])
    assert (X[:, 6] == 6).all() and not X[:, 4:6].any() and not X[:, 7:].any()
    assert not y[:, :7].any() and X[:, :4].min() >= 1 and X[:, :4].max() <= 5


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: adding_problem(10, 1), ValueError, r"adding_problem: expected seq_len >= 2, got 1"),
    (lambda: adding_problem(10, 5, lag=5), ValueError,
     r"adding_problem: expected lag <= seq_len - 1 = 4, got 5"),
    (lambda: adding_problem(0), ValueError, r"adding_problem: expected n_samples >= 1, got 0"),
    (lambda: copy_task(10, delay=0), ValueError, r"copy_task: expected delay >= 1, got 0"),
    (lambda: copy_task(10, n_symbols=2.0), TypeError,
     r"copy_task: expected n_symbols to be an int, got float"),
])
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
