"""GRU and GRUCell: parity with torch, gradient checks, where the reset gate acts, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlbook.np.nn import GRU, GRUCell
from dlbook.np.nn import functional as F
from dlbook.testing import assert_close, gradcheck_function
from tests.np.nn.recurrent_helpers import (
    SETTINGS,
    check_cell_parity,
    check_layer_gradients,
    check_parity,
    make_pair,
    small,
)


@SETTINGS
@given(seq_len=small, batch=small, input_size=small, hidden_size=small,
       num_layers=st.integers(1, 2), bias=st.booleans(), batch_first=st.booleans(),
       bidirectional=st.booleans(), initial=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_torch(seq_len, batch, input_size, hidden_size, num_layers, bias, batch_first,
                       bidirectional, initial, seed):
    ours, theirs = make_pair("GRU", input_size, hidden_size, num_layers=num_layers, bias=bias,
                             batch_first=batch_first, bidirectional=bidirectional, seed=seed)
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = np.random.default_rng(seed + 1).standard_normal(shape)
    check_parity("GRU", ours, theirs, x, initial=initial, seed=seed)


def test_unbatched_and_state_only_gradients_match_torch():
    ours, theirs = make_pair("GRU", 3, 4, num_layers=2, bidirectional=True, seed=1)
    check_parity("GRU", ours, theirs, np.random.default_rng(0).standard_normal((6, 3)),
                 initial=True, seed=2)
    ours, theirs = make_pair("GRU", 3, 4, num_layers=2, seed=1)
    check_parity("GRU", ours, theirs, np.random.default_rng(0).standard_normal((6, 2, 3)),
                 initial=False, seed=3, use_output_grad=False)


@SETTINGS
@given(batch=st.one_of(st.none(), small), input_size=small, hidden_size=small,
       bias=st.booleans(), initial=st.booleans(), seed=st.integers(0, 2**16))
def test_cell_matches_torch(batch, input_size, hidden_size, bias, initial, seed):
    check_cell_parity("GRUCell", batch, input_size, hidden_size, bias, initial, seed)


def test_cell_gradcheck():
    rng = np.random.default_rng(0)
    inputs = (rng.standard_normal((3, 4)), rng.standard_normal((3, 5)),
              rng.standard_normal((15, 4)), rng.standard_normal((15, 5)),
              rng.standard_normal(15), rng.standard_normal(15))
    errors = gradcheck_function(F.gru_cell_forward, F.gru_cell_backward, *inputs)
    assert max(errors) <= 1e-7, errors


@pytest.mark.parametrize("bidirectional", [False, True])
def test_layer_gradcheck(bidirectional):
    layer = GRU(2, 3, num_layers=2, bidirectional=bidirectional, dtype=np.float64, rng=0)
    check_layer_gradients(layer, np.random.default_rng(1).standard_normal((3, 2, 2)))


def test_reset_gate_multiplies_the_hidden_projection_with_its_bias():
    # torch's GRU: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). With r = 0 the hidden
    # bias b_hn must vanish from n as well; with the other convention it would not.
    cell = GRUCell(1, 1, dtype=np.float64, rng=0)
    cell.weight_ih.data[:] = 0
    cell.weight_hh.data[:] = 0
    cell.bias_ih.data[:] = [-60.0, -60.0, 0.25]  # r = 0, z = 0, b_in = 0.25
    cell.bias_hh.data[:] = [0.0, 0.0, 3.0]  # b_hn, multiplied by r = 0
    h = cell(np.zeros((1, 1)), np.full((1, 1), 0.5))
    assert_close(h, np.tanh(np.full((1, 1), 0.25)))


def test_bad_input():
    with pytest.raises(ValueError, match=r"gru_cell_backward: expected grad_h_next of shape "
                                         r"\(2, 3\) \(the shape of h\), got \(2, 4\)"):
        out, cache = F.gru_cell_forward(np.zeros((2, 1)), np.zeros((2, 3)), np.zeros((9, 1)),
                                        np.zeros((9, 3)))
        F.gru_cell_backward(np.zeros((2, 4)), cache)
    with pytest.raises(ValueError, match=r"GRUCell.backward: expected grad_output of shape "
                                         r"\(3,\), got \(4,\)"):
        cell = GRUCell(2, 3)
        cell(np.zeros(2, dtype=np.float32))
        cell.backward(np.zeros(4, dtype=np.float32))
    with pytest.raises(ValueError, match=r"GRU: expected input with 2 or 3 dimensions"):
        GRU(2, 3)(np.zeros((1, 1, 1, 2)))
