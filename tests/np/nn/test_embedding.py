"""Embedding: parity with torch.nn.Embedding (padding_idx included), initialisation, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.np.nn import Embedding
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, torch_state_to_numpy


@settings(max_examples=20, deadline=None)
@given(num_embeddings=st.integers(1, 9), embedding_dim=st.integers(1, 5),
       shape=st.sampled_from([(1,), (5,), (3, 4), (2, 1, 3)]), use_padding=st.booleans(),
       seed=st.integers(0, 2**16))
def test_matches_torch(num_embeddings, embedding_dim, shape, use_padding, seed):
    rng = np.random.default_rng(seed)
    padding_idx = int(rng.integers(-num_embeddings, num_embeddings)) if use_padding else None
    torch.manual_seed(seed)
    theirs = torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx,
                                dtype=torch.float64)
    ours = Embedding(num_embeddings, embedding_dim, padding_idx=padding_idx, dtype=np.float64,
                     rng=seed)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    indices = rng.integers(0, num_embeddings, size=shape)  # repeats are likely: accumulate
    out = ours(indices)
    out_torch = theirs(torch.from_numpy(indices))
    assert_close(out, out_torch, name="output")
    grad = rng.standard_normal(out.shape)
    out_torch.backward(torch.from_numpy(grad))
    assert ours.backward(grad) is None
    assert_close(ours.weight.grad, theirs.weight.grad, name="grad weight")


def test_initialisation_and_padding_row():
    layer = Embedding(2000, 50, padding_idx=-1, rng=0)
    assert layer.padding_idx == 1999 and not layer.weight.data[1999].any()
    assert layer.weight.dtype == np.float32
    assert abs(layer.weight.data.std() - 1) < 0.01 and abs(layer.weight.data.mean()) < 0.01
    assert repr(layer) == repr(torch.nn.Embedding(2000, 50, padding_idx=-1))


def test_functional_gradient_accumulates_repeats():
    out, cache = F.embedding_forward(np.array([[2, 2], [2, 0]]), np.ones((3, 2)))
    grad = F.embedding_backward(np.ones((2, 2, 2)), cache)
    assert grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]]


def test_bad_input():
    with pytest.raises(ValueError, match=r"Embedding: expected padding_idx in \[-3, 3\)"):
        Embedding(3, 2, padding_idx=3)
    layer = Embedding(3, 2)
    with pytest.raises(IndexError, match=r"Embedding: expected indices in \[0, 3\) "
                                         r"\(num_embeddings\), got values in \[0, 3\]"):
        layer(np.array([0, 3]))
    with pytest.raises(TypeError, match="Embedding: expected input with an integer dtype, "
                                        "got float64"):
        layer(np.array([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="Embedding: backward called before forward"):
        layer.backward(np.zeros((2, 2)))
