"""Dropout: statistics, evaluation mode, the backward mask, seeding, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np import manual_seed
from dlbook.np.nn import Dropout, Linear, Sequential
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close


@settings(max_examples=10, deadline=None)
@given(p=st.floats(0.05, 0.95), seed=st.integers(0, 2**16))
def test_statistics(p, seed):
    x = np.full((200, 500), 3.0)
    out = Dropout(p, rng=seed)(x)
    zeroed = float((out == 0).mean())
    # 100,000 Bernoulli draws: the standard error of the fraction is at most 0.0016.
    assert abs(zeroed - p) < 0.01, (zeroed, p)
    assert abs(out.mean() / 3.0 - 1) < 0.01 / (1 - p) + 0.01  # the mean is preserved
    assert_close(np.unique(out), np.array([0.0, 3.0 / (1 - p)]))


def test_eval_is_identity_and_train_switches_back():
    drop = Dropout(0.5, rng=0)
    x = np.random.default_rng(0).standard_normal((4, 5))
    drop.eval()
    assert drop(x) is x and drop.backward(x) is x
    drop.train()
    assert (drop(x) == 0).any()
    net = Sequential(Linear(5, 5, rng=0), Dropout(0.9, rng=1)).eval()
    assert not net[1].training
    assert_close(net(x.astype(np.float32)), net[0](x.astype(np.float32)))


def test_backward_reuses_the_mask():
    drop = Dropout(0.3, rng=2)
    x = np.random.default_rng(1).standard_normal((50, 40))
    out = drop(x)
    grad_output = np.random.default_rng(2).standard_normal(x.shape)
    grad_x = drop.backward(grad_output)
    kept = out != 0
    assert_close(grad_x[kept], grad_output[kept] / 0.7)
    assert not grad_x[~kept].any()
    assert_close(drop.backward(grad_output), grad_x)  # the same mask until the next forward


def test_seeded_reproducibility_and_fresh_masks():
    x = np.ones((10, 10))
    assert_close(Dropout(0.5, rng=4)(x), Dropout(0.5, rng=4)(x))
    manual_seed(11)
    first = Dropout(0.5)(x)
    manual_seed(11)
    assert_close(Dropout(0.5)(x), first)
    drop = Dropout(0.5, rng=4)
    assert not np.array_equal(drop(x), drop(x))  # each call draws a new mask


def test_extremes_and_dtype():
    x = np.ones((3, 4), dtype=np.float32)
    assert Dropout(0.0)(x) is x
    out = Dropout(1.0, rng=0)(x)
    assert not out.any() and out.dtype == np.float32
    assert Dropout(0.5, rng=0)(x).dtype == np.float32
    assert repr(Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"


def test_bad_input():
    with pytest.raises(ValueError, match=r"Dropout: expected p <= 1.0, got 1.5"):
        Dropout(1.5)
    with pytest.raises(ValueError, match=r"Dropout: expected p >= 0.0, got -0.1"):
        Dropout(-0.1)
    with pytest.raises(TypeError, match=r"Dropout: expected rng to be None, an int seed"):
        Dropout(0.5, rng="seed")
    with pytest.raises(RuntimeError, match="Dropout: backward called before forward"):
        Dropout(0.5).backward(np.zeros(3))
    with pytest.raises(TypeError, match="Dropout: expected x to be a numpy.ndarray, got list"):
        Dropout(0.5)([1.0])
    drop = Dropout(0.5, rng=0)
    drop(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Dropout.backward: expected grad_output of shape "
                                         r"\(2, 3\)"):
        drop.backward(np.zeros((3, 2)))


# The functional core, F.dropout_forward / F.dropout_backward and F.dropout.

def test_functional_dropout():
    x = np.ones((400, 500))
    out, mask = F.dropout_forward(x, p=0.3, rng=0)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert abs((out == 0).mean() - 0.3) < 0.01
    grad = F.dropout_backward(np.full(x.shape, 2.0), mask)
    assert_close(grad, 2 * out)
    out_eval, cache = F.dropout_forward(x, p=0.3, training=False)
    assert out_eval is x and cache is None
    assert F.dropout_backward(x, cache) is x
    assert not F.dropout(x, p=1.0, rng=0).any()
    assert_close(F.dropout(x, p=0.4, rng=3), F.dropout(x, p=0.4, rng=3))


@pytest.mark.parametrize(("x", "kwargs", "error", "message"), [
    (np.zeros(3), {"p": 1.5}, ValueError, r"dropout_forward: expected p <= 1.0, got 1.5"),
    (np.zeros(3, dtype=np.int64), {}, TypeError,
     r"dropout_forward: expected x with a floating-point"),
])
def test_functional_bad_input(x, kwargs, error, message):
    with pytest.raises(error, match=message):
        F.dropout_forward(x, **kwargs)
