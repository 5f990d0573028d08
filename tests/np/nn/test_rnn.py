"""RNN and RNNCell: parity with torch, gradient checks, initialisation, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlbook.np import manual_seed
from dlbook.np.nn import RNN, RNNCell
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
       bidirectional=st.booleans(), nonlinearity=st.sampled_from(["tanh", "relu"]),
       initial=st.booleans(), seed=st.integers(0, 2**16))
def test_matches_torch(seq_len, batch, input_size, hidden_size, num_layers, bias, batch_first,
                       bidirectional, nonlinearity, initial, seed):
    ours, theirs = make_pair("RNN", input_size, hidden_size, num_layers=num_layers, bias=bias,
                             batch_first=batch_first, bidirectional=bidirectional,
                             nonlinearity=nonlinearity, seed=seed)
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = np.random.default_rng(seed + 1).standard_normal(shape)
    check_parity("RNN", ours, theirs, x, initial=initial, seed=seed)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_unbatched_input_and_no_output_gradient_match_torch(nonlinearity):
    ours, theirs = make_pair("RNN", 3, 4, num_layers=2, bidirectional=True,
                             nonlinearity=nonlinearity, seed=1)
    x = np.random.default_rng(0).standard_normal((5, 3))  # (T, input_size)
    check_parity("RNN", ours, theirs, x, initial=True, seed=2)
    ours, theirs = make_pair("RNN", 3, 4, num_layers=2, nonlinearity=nonlinearity, seed=1)
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    check_parity("RNN", ours, theirs, x, initial=False, seed=3, use_output_grad=False)


@SETTINGS
@given(batch=st.one_of(st.none(), small), input_size=small, hidden_size=small,
       bias=st.booleans(), initial=st.booleans(), nonlinearity=st.sampled_from(["tanh", "relu"]),
       seed=st.integers(0, 2**16))
def test_cell_matches_torch(batch, input_size, hidden_size, bias, initial, nonlinearity, seed):
    check_cell_parity("RNNCell", batch, input_size, hidden_size, bias, initial, seed,
                      nonlinearity=nonlinearity)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_cell_gradcheck(nonlinearity):
    rng = np.random.default_rng(0)
    inputs = (rng.standard_normal((3, 4)), rng.standard_normal((3, 5)),
              rng.standard_normal((5, 4)), rng.standard_normal((5, 5)),
              rng.standard_normal(5), rng.standard_normal(5))
    errors = gradcheck_function(F.rnn_cell_forward, F.rnn_cell_backward, *inputs,
                                nonlinearity=nonlinearity)
    assert max(errors) <= 1e-7, errors


@pytest.mark.parametrize("bidirectional", [False, True])
def test_layer_gradcheck(bidirectional):
    layer = RNN(3, 4, num_layers=2, bidirectional=bidirectional, batch_first=True,
                dtype=np.float64, rng=0)
    check_layer_gradients(layer, np.random.default_rng(1).standard_normal((2, 4, 3)))


def test_initialisation_names_and_state_dict_both_ways():
    layer = RNN(10, 400, num_layers=2, bidirectional=True, rng=0)
    theirs = torch.nn.RNN(10, 400, num_layers=2, bidirectional=True)
    assert list(layer.state_dict()) == list(theirs.state_dict())
    for name, param in layer.named_parameters():
        assert param.dtype == np.float32 and param.shape == tuple(theirs.state_dict()[name].shape)
    bound = 1 / np.sqrt(400)
    weight = layer.weight_hh_l1_reverse.data
    assert np.abs(weight).max() <= bound and abs(weight.var() / (bound**2 / 3) - 1) < 0.02
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 2, 10)).astype(np.float32)
    assert_close(layer(x)[0], theirs(torch.from_numpy(x))[0], rtol=1e-5, atol=1e-6)
    assert repr(layer) == repr(theirs)
    # torch's repr leaves the nonlinearity out; ours shows it when it is not the default.
    assert repr(RNN(2, 3, nonlinearity="relu", bias=False)) == (
        "RNN(2, 3, nonlinearity='relu', bias=False)")
    manual_seed(3)
    first = RNN(2, 3).weight_ih_l0.data
    manual_seed(3)
    assert_close(RNN(2, 3).weight_ih_l0.data, first)


def test_float32_and_gradients_accumulate():
    layer = RNN(2, 3, rng=0)
    x = np.ones((4, 2, 2), dtype=np.float32)
    out, h_n = layer(x)
    assert out.dtype == np.float32 and h_n.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    once = layer.weight_hh_l0.grad.copy()
    layer(x)
    layer.backward(np.ones_like(out))
    assert_close(layer.weight_hh_l0.grad, 2 * once, rtol=1e-6)


def test_dropout_between_layers_only_in_training():
    layer = RNN(3, 4, num_layers=2, dropout=0.5, dtype=np.float64, rng=0)
    plain = RNN(3, 4, num_layers=2, dtype=np.float64, rng=0)
    plain.load_state_dict(layer.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    assert not np.allclose(layer(x)[0], plain(x)[0])
    layer.eval()
    assert_close(layer(x)[0], plain(x)[0])
    assert_close(layer.backward(np.ones((5, 2, 4))), plain.backward(np.ones((5, 2, 4))))


def test_bad_arguments_and_input():
    with pytest.raises(ValueError, match="RNN: expected nonlinearity to be one of 'tanh', "
                                         "'relu', got 'sigmoid'"):
        RNN(2, 3, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="RNN: expected hidden_size >= 1, got 0"):
        RNN(2, 0)
    with pytest.raises(ValueError, match=r"RNN: expected dropout < 1.0, got 1.0"):
        RNN(2, 3, dropout=1.0)
    with pytest.raises(TypeError, match="RNN: expected bidirectional to be bool, got int"):
        RNN(2, 3, bidirectional=1)
    layer = RNN(2, 3, num_layers=2, rng=0)
    with pytest.raises(ValueError, match=r"RNN: expected input of shape \(T, N, input_size\) "
                                         r"\(last dimension = input_size = 2\), got \(4, 1, 5\)"):
        layer(np.zeros((4, 1, 5)))
    with pytest.raises(ValueError, match=r"RNN: expected input with 2 or 3 dimensions, got 1"):
        layer(np.zeros(2))
    with pytest.raises(TypeError, match="RNN: expected input with a floating-point dtype"):
        layer(np.zeros((4, 1, 2), dtype=np.int64))
    with pytest.raises(ValueError, match=r"RNN: expected h_0 of shape \(2, 1, 3\) "
                                         r"\(\(num_layers \* num_directions, N, hidden_size\)\)"):
        layer(np.zeros((4, 1, 2)), np.zeros((1, 1, 3)))
    with pytest.raises(RuntimeError, match="RNN: backward called before forward"):
        RNN(2, 3).backward(np.zeros((4, 1, 3)))
    layer(np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match=r"RNN.backward: expected grad_output of the shape of "
                                         r"the output, got \(4, 1, 2\)"):
        layer.backward(np.zeros((4, 1, 2)))
    with pytest.raises(ValueError, match=r"RNN.backward: expected grad_h_n of shape \(2, 1, 3\)"):
        layer.backward(None, np.zeros((1, 1, 3)))
    cell = RNNCell(2, 3)
    with pytest.raises(ValueError, match=r"RNNCell: expected input of shape \(N, 2\) "
                                         r"\(last dimension = input_size\), got \(4, 3\)"):
        cell(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"RNNCell: expected h of shape \(4, 3\)"):
        cell(np.zeros((4, 2)), np.zeros((3, 3)))


@pytest.mark.parametrize("batch_first", [False, True])
def test_a_sequence_of_zero_steps_is_refused(batch_first):
    from dlbook.np.nn import GRU, LSTM

    for layer in (RNN(2, 3, batch_first=batch_first, rng=0),
                  LSTM(2, 3, batch_first=batch_first, rng=0),
                  GRU(2, 3, batch_first=batch_first, rng=0)):
        name = type(layer).__name__
        shape = (1, 0, 2) if batch_first else (0, 1, 2)
        with pytest.raises(ValueError, match=rf"^{name}: expected a sequence of at least 1 time "
                                             rf"step, got input of shape \({shape[0]}, "
                                             rf"{shape[1]}, 2\)$"):
            layer(np.zeros(shape, dtype=np.float32))
    with pytest.raises(ValueError, match=r"^recurrent_forward: expected a sequence of at least 1 "
                                         r"time step, got x of shape \(0, 1, 2\)$"):
        F.recurrent_forward(np.zeros((0, 1, 2)), (np.zeros((1, 3)),), np.zeros((3, 2)),
                            np.zeros((3, 3)), mode="rnn_tanh")


def test_fractional_lengths_are_refused():
    layer = RNN(2, 3, rng=0)
    with pytest.raises(TypeError, match="RNN: expected lengths with an integer dtype, got float64"):
        layer(np.zeros((3, 2, 2), dtype=np.float32), lengths=[3.0, 2.5])
