"""LSTM and LSTMCell: parity with torch, gradient checks, gate layout, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlbook.np.nn import LSTM, LSTMCell
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
    ours, theirs = make_pair("LSTM", input_size, hidden_size, num_layers=num_layers, bias=bias,
                             batch_first=batch_first, bidirectional=bidirectional, seed=seed)
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = np.random.default_rng(seed + 1).standard_normal(shape)
    check_parity("LSTM", ours, theirs, x, initial=initial, seed=seed)


def test_unbatched_and_state_only_gradients_match_torch():
    ours, theirs = make_pair("LSTM", 3, 4, num_layers=2, bidirectional=True, seed=1)
    check_parity("LSTM", ours, theirs, np.random.default_rng(0).standard_normal((6, 3)),
                 initial=True, seed=2)
    ours, theirs = make_pair("LSTM", 3, 4, batch_first=True, seed=1)
    check_parity("LSTM", ours, theirs, np.random.default_rng(0).standard_normal((2, 6, 3)),
                 initial=True, seed=3, use_output_grad=False)


@SETTINGS
@given(batch=st.one_of(st.none(), small), input_size=small, hidden_size=small,
       bias=st.booleans(), initial=st.booleans(), seed=st.integers(0, 2**16))
def test_cell_matches_torch(batch, input_size, hidden_size, bias, initial, seed):
    check_cell_parity("LSTMCell", batch, input_size, hidden_size, bias, initial, seed)


def test_cell_gradcheck():
    rng = np.random.default_rng(0)
    inputs = (rng.standard_normal((3, 4)), rng.standard_normal((3, 5)),
              rng.standard_normal((3, 5)), rng.standard_normal((20, 4)),
              rng.standard_normal((20, 5)), rng.standard_normal(20), rng.standard_normal(20))

    def forward(*args):
        (h, c), cache = F.lstm_cell_forward(*args)
        return np.stack([h, c]), cache

    def backward(grad, cache):
        return F.lstm_cell_backward(grad[0], grad[1], cache)

    errors = gradcheck_function(forward, backward, *inputs)
    assert max(errors) <= 1e-7, errors


@pytest.mark.parametrize("bidirectional", [False, True])
def test_layer_gradcheck(bidirectional):
    layer = LSTM(3, 2, num_layers=2, bidirectional=bidirectional, dtype=np.float64, rng=0)
    check_layer_gradients(layer, np.random.default_rng(1).standard_normal((4, 2, 3)))


def test_gate_order_is_i_f_g_o():
    # Open only the forget gate's bias: the cell keeps c_0 exactly and h = o * tanh(c_0).
    cell = LSTMCell(1, 1, dtype=np.float64, rng=0)
    cell.weight_ih.data[:] = 0
    cell.weight_hh.data[:] = 0
    cell.bias_hh.data[:] = 0
    cell.bias_ih.data[:] = [-50.0, 50.0, 0.0, 50.0]  # i closed, f open, g = 0, o open
    h, c = cell(np.zeros((1, 1)), (np.zeros((1, 1)), np.full((1, 1), 0.7)))
    assert_close(c, np.full((1, 1), 0.7))
    assert_close(h, np.tanh(np.full((1, 1), 0.7)))


def test_state_dict_loads_into_torch():
    ours = LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=np.float64,
                rng=0)
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True,
                           dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 5, 3))
    out, (h_n, c_n) = ours(x)
    out_t, (h_t, c_t) = theirs(torch.from_numpy(x))
    assert_close(out, out_t)
    assert_close(h_n, h_t)
    assert_close(c_n, c_t)


def test_bad_input():
    layer = LSTM(2, 3, rng=0)
    with pytest.raises(TypeError, match=r"LSTM: expected hx to be a tuple \(h_0, c_0\), "
                                        r"got numpy.ndarray"):
        layer(np.zeros((4, 1, 2)), np.zeros((1, 1, 3)))
    with pytest.raises(ValueError, match=r"LSTM: expected c_0 of shape \(1, 1, 3\)"):
        layer(np.zeros((4, 1, 2)), (np.zeros((1, 1, 3)), np.zeros((1, 2, 3))))
    layer(np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match=r"LSTM.backward: expected grad_c_n of shape"):
        layer.backward(None, None, np.zeros((1, 3)))
    with pytest.raises(TypeError, match=r"LSTMCell: expected hx to be a tuple \(h, c\)"):
        LSTMCell(2, 3)(np.zeros((1, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"lstm_cell_forward: expected weight_hh of shape "
                                         r"\(4 \* H, H\), got \(3, 3\)"):
        F.lstm_cell_forward(np.zeros((1, 2)), np.zeros((1, 3)), np.zeros((1, 3)),
                            np.zeros((12, 2)), np.zeros((3, 3)))
