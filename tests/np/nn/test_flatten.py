"""Flatten: torch's shapes for every start_dim / end_dim, backward, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import Flatten
from dlbook.testing import assert_close


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), data=st.data())
def test_matches_torch(shape, data):
    ndim = len(shape)
    start = data.draw(st.integers(-ndim, ndim - 1))
    end = data.draw(st.integers(-ndim, ndim - 1))
    x = np.random.default_rng(0).standard_normal(shape)
    if start % ndim > end % ndim:
        with pytest.raises(ValueError, match="Flatten: expected start_dim <= end_dim"):
            Flatten(start, end)(x)
        return
    layer = Flatten(start, end)
    out = layer(x)
    assert_close(out, torch.nn.Flatten(start, end)(torch.tensor(x)))
    grad_output = np.random.default_rng(1).standard_normal(out.shape)
    assert_close(layer.backward(grad_output), grad_output.reshape(shape))


def test_default_keeps_the_batch():
    layer = Flatten()
    x = np.zeros((2, 3, 4, 5), dtype=np.float32)
    out = layer(x)
    assert out.shape == (2, 60) and out.dtype == np.float32
    assert np.shares_memory(out, x)  # a view, nothing copied
    assert layer.backward(np.ones((2, 60))).shape == (2, 3, 4, 5)
    assert repr(layer) == repr(torch.nn.Flatten())
    assert Flatten()(np.zeros((0, 3, 2))).shape == (0, 6)


def test_bad_input():
    with pytest.raises(ValueError, match=r"Flatten: expected start_dim and end_dim in \[-2, 1\] "
                                         r"for input of shape \(2, 3\), got 2 and -1"):
        Flatten(2)(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="Flatten: expected start_dim to be an int, got float"):
        Flatten(1.0)
    with pytest.raises(RuntimeError, match="Flatten: backward called before forward"):
        Flatten().backward(np.zeros((2, 3)))
    layer = Flatten()
    layer(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"Flatten: expected grad_output of shape \(2, 12\)"):
        layer.backward(np.zeros((2, 3, 4)))
