"""dlbook.torch.nn RNN/LSTM/GRU and cells against torch.nn: init, outputs, gradients, lengths."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dlbook.torch import nn as dnn

LAYERS = {"RNN": (dnn.RNN, torch.nn.RNN), "LSTM": (dnn.LSTM, torch.nn.LSTM),
          "GRU": (dnn.GRU, torch.nn.GRU)}
CELLS = {"RNNCell": (dnn.RNNCell, torch.nn.RNNCell), "LSTMCell": (dnn.LSTMCell, torch.nn.LSTMCell),
         "GRUCell": (dnn.GRUCell, torch.nn.GRUCell)}
SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_close(ours, theirs, what):
    torch.testing.assert_close(ours, theirs, rtol=1e-7, atol=1e-12,
                               msg=lambda m: f"{what}: ours {ours} vs torch {theirs}\n{m}")


def _pair(kind, input_size, hidden_size, device, seed, **kwargs):
    ours_cls, torch_cls = {**LAYERS, **CELLS}[kind]
    torch.manual_seed(seed)
    theirs = torch_cls(input_size, hidden_size, device=device, dtype=torch.float64, **kwargs)
    with torch.no_grad():
        for name, param in theirs.named_parameters():
            if name.startswith("bias"):
                param.uniform_(0.1, 0.6)
    ours = ours_cls(input_size, hidden_size, device=device, dtype=torch.float64, **kwargs)
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


@pytest.mark.parametrize("kind", [*LAYERS, *CELLS])
def test_same_names_and_initialisation_as_torch(kind):
    ours_cls, torch_cls = {**LAYERS, **CELLS}[kind]
    kwargs = {"num_layers": 2, "bidirectional": True} if kind in LAYERS else {}
    torch.manual_seed(7)
    ours = ours_cls(3, 5, **kwargs)
    torch.manual_seed(7)
    theirs = torch_cls(3, 5, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q), name
    assert repr(ours) == repr(theirs)


@SETTINGS
@given(kind=st.sampled_from(list(LAYERS)), seq_len=st.integers(1, 5), batch=st.integers(1, 4),
       input_size=st.integers(1, 5), hidden_size=st.integers(1, 5), num_layers=st.integers(1, 2),
       bias=st.booleans(), batch_first=st.booleans(), bidirectional=st.booleans(),
       relu=st.booleans(), initial=st.booleans(), packed=st.booleans(), data=st.data(),
       seed=st.integers(0, 2**16))
def test_layers_match_torch(kind, seq_len, batch, input_size, hidden_size, num_layers, bias,
                            batch_first, bidirectional, relu, initial, packed, data, seed,
                            device):
    extra = {"nonlinearity": "relu" if relu else "tanh"} if kind == "RNN" else {}
    ours, theirs = _pair(kind, input_size, hidden_size, device, seed, num_layers=num_layers,
                         bias=bias, batch_first=batch_first, bidirectional=bidirectional,
                         **extra)
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = torch.randn(shape, dtype=torch.float64, device=device)
    state_shape = (num_layers * (2 if bidirectional else 1), batch, hidden_size)
    states = [torch.randn(state_shape, dtype=torch.float64, device=device)
              for _ in range(2 if kind == "LSTM" else 1)]
    leaves = {side: [t.clone().requires_grad_() for t in [x, *states]] for side in "ot"}

    def hx(side):
        if not initial:
            return None
        return tuple(leaves[side][1:]) if kind == "LSTM" else leaves[side][1]

    lengths = None
    if packed:
        lengths = data.draw(st.lists(st.integers(1, seq_len), min_size=batch, max_size=batch))
        packed_in = pack_padded_sequence(leaves["t"][0], torch.tensor(lengths),
                                         batch_first=batch_first, enforce_sorted=False)
        packed_out, final_t = theirs(packed_in, hx("t"))
        out_t, _ = pad_packed_sequence(packed_out, batch_first=batch_first,
                                       total_length=seq_len)
    else:
        out_t, final_t = theirs(leaves["t"][0], hx("t"))
    out_o, final_o = ours(leaves["o"][0], hx("o"), lengths=lengths)
    finals_o = list(final_o) if kind == "LSTM" else [final_o]
    finals_t = list(final_t) if kind == "LSTM" else [final_t]
    assert out_o.device == x.device
    _assert_close(out_o, out_t, "output")
    for a, b in zip(finals_o, finals_t, strict=True):
        _assert_close(a, b, "final state")
    upstream = [torch.randn_like(t) for t in [out_t, *finals_t]]
    torch.autograd.backward([out_o, *finals_o], upstream)
    torch.autograd.backward([out_t, *finals_t], upstream)
    for a, b in zip(leaves["o"][: 1 + initial * len(states)],
                    leaves["t"][: 1 + initial * len(states)], strict=True):
        _assert_close(a.grad, b.grad, "grad input / initial state")
    theirs_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        _assert_close(param.grad, theirs_params[name].grad, f"grad {name}")


@SETTINGS
@given(kind=st.sampled_from(list(CELLS)), batch=st.one_of(st.none(), st.integers(1, 4)),
       input_size=st.integers(1, 5), hidden_size=st.integers(1, 5), bias=st.booleans(),
       initial=st.booleans(), seed=st.integers(0, 2**16))
def test_cells_match_torch(kind, batch, input_size, hidden_size, bias, initial, seed, device):
    ours, theirs = _pair(kind, input_size, hidden_size, device, seed, bias=bias)
    lead = () if batch is None else (batch,)
    x = torch.randn(*lead, input_size, dtype=torch.float64, device=device)
    states = [torch.randn(*lead, hidden_size, dtype=torch.float64, device=device)
              for _ in range(2 if kind == "LSTMCell" else 1)]
    leaves = {side: [t.clone().requires_grad_() for t in [x, *states]] for side in "ot"}

    def run(module, side):
        hx = None
        if initial:
            hx = tuple(leaves[side][1:]) if kind == "LSTMCell" else leaves[side][1]
        out = module(leaves[side][0], hx)
        return list(out) if kind == "LSTMCell" else [out]

    outs_o, outs_t = run(ours, "o"), run(theirs, "t")
    for a, b in zip(outs_o, outs_t, strict=True):
        _assert_close(a, b, "output")
    upstream = [torch.randn_like(t) for t in outs_t]
    torch.autograd.backward(outs_o, upstream)
    torch.autograd.backward(outs_t, upstream)
    count = 1 + (len(states) if initial else 0)
    for a, b in zip(leaves["o"][:count], leaves["t"][:count], strict=True):
        _assert_close(a.grad, b.grad, "grad input / hx")
    theirs_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        _assert_close(param.grad, theirs_params[name].grad, f"grad {name}")


def test_unbatched_input_and_state_dict_into_torch(device):
    ours = dnn.LSTM(3, 4, num_layers=2, bidirectional=True, device=device, dtype=torch.float64)
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, device=device,
                           dtype=torch.float64)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(6, 3, dtype=torch.float64, device=device)
    out_o, (h_o, c_o) = ours(x)
    out_t, (h_t, c_t) = theirs(x)
    _assert_close(out_o, out_t, "output")
    _assert_close(h_o, h_t, "h_n")
    _assert_close(c_o, c_t, "c_n")


def test_dropout_only_in_training():
    torch.manual_seed(0)
    layer = dnn.GRU(3, 4, num_layers=2, dropout=0.5, dtype=torch.float64)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    assert not torch.equal(layer(x)[0], layer(x)[0])
    layer.eval()
    assert torch.equal(layer(x)[0], layer(x)[0])


def test_bad_input():
    layer = dnn.LSTM(2, 3)
    with pytest.raises(ValueError, match=r"LSTM: expected input of shape \(T, N, input_size\) "
                                         r"\(last dimension = input_size = 2\), got \(4, 1, 5\)"):
        layer(torch.zeros(4, 1, 5))
    with pytest.raises(TypeError, match="LSTM: expected input to be a torch.Tensor, got list"):
        layer([[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"LSTM: expected hx of shape \(1, 1, 3\)"):
        layer(torch.zeros(4, 1, 2), (torch.zeros(1, 2, 3), torch.zeros(1, 1, 3)))
    with pytest.raises(ValueError, match=r"LSTM: expected lengths in \[1, 4\] \(the sequence "
                                         r"length\), got values in \[5, 5\]"):
        layer(torch.zeros(4, 1, 2), lengths=[5])
    with pytest.raises(ValueError, match="RNN: expected nonlinearity to be one of 'tanh', "
                                         "'relu', got 'gelu'"):
        dnn.RNN(2, 3, nonlinearity="gelu")
    with pytest.raises(ValueError, match=r"GRUCell: expected input of shape \(N, 2\)"):
        dnn.GRUCell(2, 3)(torch.zeros(1, 3))


MAKERS = [lambda **kw: dnn.RNN(2, 3, **kw), lambda **kw: dnn.LSTM(2, 3, **kw),
          lambda **kw: dnn.GRU(2, 3, **kw)]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("lengths", [[3.0, 2.0], [2.5, 1.0], torch.tensor([3.0, 1.0]),
                                     np.array([1.5, 2.0]), [True, True]])
def test_fractional_or_boolean_lengths_are_refused(make, lengths):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(TypeError, match=rf"^{name}: expected lengths to be integers \(one per "
                                        rf"sequence\), got "):
        layer(torch.zeros(3, 2, 2), lengths=lengths)


@pytest.mark.parametrize("make", MAKERS)
def test_integer_lengths_of_every_kind_agree(make):
    torch.manual_seed(0)
    layer = make(batch_first=True)
    x = torch.randn(2, 4, 2)
    reference = layer(x, lengths=[4, 2])[0]
    for lengths in (torch.tensor([4, 2]), np.array([4, 2], dtype=np.int32), (4, 2)):
        torch.testing.assert_close(layer(x, lengths=lengths)[0], reference, rtol=0, atol=0)
    with pytest.raises(ValueError, match=r"expected lengths in \[1, 4\] \(the sequence length\), "
                                         r"got values in \[0, 2\]"):
        layer(x, lengths=[0, 2])
    with pytest.raises(ValueError, match=r"expected lengths of shape \(2,\) \(one per "
                                         r"sequence\), got \(3,\)"):
        layer(x, lengths=[1, 2, 3])
    with pytest.raises(ValueError, match=r"lengths needs batched input"):
        layer(x[0], lengths=[2])


@pytest.mark.parametrize("make", MAKERS)
def test_dtype_device_and_empty_sequences_are_named(make):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(TypeError, match=rf"^{name}: expected input of dtype torch.float32 \(the "
                                        rf"weights'\), got torch.float64$"):
        layer(torch.zeros(3, 1, 2, dtype=torch.float64))
    with pytest.raises(TypeError, match=rf"^{name}: expected input of dtype torch.float32 \(the "
                                        rf"weights'\), got torch.int64$"):
        layer(torch.zeros(3, 1, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match=rf"^{name}: expected input on device cpu \(where the "
                                         rf"weights are\), got meta$"):
        layer(torch.zeros(3, 1, 2, device="meta"))
    with pytest.raises(ValueError, match=rf"^{name}: expected a sequence of at least 1 time step, "
                                         rf"got input of shape \(0, 1, 2\)$"):
        layer(torch.zeros(0, 1, 2))
    h_0 = torch.zeros(1, 1, 3, dtype=torch.float64)
    hx = (h_0, h_0) if name == "LSTM" else h_0
    with pytest.raises(TypeError, match=rf"^{name}: expected h(x|_0) of dtype torch.float32"):
        layer(torch.zeros(3, 1, 2), hx)


@pytest.mark.parametrize("make", [lambda: dnn.RNNCell(2, 3), lambda: dnn.LSTMCell(2, 3),
                                  lambda: dnn.GRUCell(2, 3)])
def test_cells_name_a_wrong_dtype(make):
    cell = make()
    name = type(cell).__name__
    with pytest.raises(TypeError, match=rf"^{name}: expected input of dtype torch.float32 \(the "
                                        rf"weights'\), got torch.float64$"):
        cell(torch.zeros(1, 2, dtype=torch.float64))
    h = torch.zeros(1, 3, dtype=torch.float16)
    with pytest.raises(TypeError, match=rf"^{name}: expected (hx|h) of dtype torch.float32"):
        cell(torch.zeros(1, 2), (h, h) if name == "LSTMCell" else h)
