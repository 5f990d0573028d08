"""Shared parity and gradient-check code for the recurrent-layer tests (RNN, LSTM, GRU)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dlbook import np as dnp
from dlbook.np.nn import Module
from dlbook.testing import (
    assert_close,
    gradcheck_module,
    numerical_gradient,
    relative_error,
    torch_state_to_numpy,
)

SETTINGS = settings(max_examples=20, deadline=None)
small = st.integers(min_value=1, max_value=5)

LAYERS = {"RNN": (dnp.nn.RNN, torch.nn.RNN), "LSTM": (dnp.nn.LSTM, torch.nn.LSTM),
          "GRU": (dnp.nn.GRU, torch.nn.GRU)}


def make_pair(kind: str, input_size: int, hidden_size: int, *, num_layers: int = 1,
              bias: bool = True, batch_first: bool = False, bidirectional: bool = False,
              nonlinearity: str = "tanh", seed: int = 0):
    """Our layer and torch's (float64), with torch's weights copied and biases non-zero."""
    ours_cls, torch_cls = LAYERS[kind]
    extra = {"nonlinearity": nonlinearity} if kind == "RNN" else {}
    torch.manual_seed(seed)
    theirs = torch_cls(input_size, hidden_size, num_layers=num_layers, bias=bias,
                       batch_first=batch_first, dropout=0.0, bidirectional=bidirectional,
                       dtype=torch.float64, **extra)
    with torch.no_grad():
        for name, param in theirs.named_parameters():
            if name.startswith("bias"):
                param.uniform_(0.1, 0.6)  # clearly non-zero, so a dropped bias shows
    ours = ours_cls(input_size, hidden_size, num_layers=num_layers, bias=bias,
                    batch_first=batch_first, dropout=0.0, bidirectional=bidirectional,
                    dtype=np.float64, rng=seed, **extra)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    return ours, theirs


def check_parity(kind: str, ours, theirs, x: np.ndarray, *, initial: bool, seed: int,
                 lengths: np.ndarray | None = None, use_output_grad: bool = True) -> None:
    """Forward and BPTT of ours against torch's: output, final states, every gradient."""
    rng = np.random.default_rng(seed)
    lstm = kind == "LSTM"
    unbatched = x.ndim == 2
    batch = 1 if unbatched else (x.shape[0] if ours.batch_first else x.shape[1])
    state_shape = (ours.num_layers * ours.num_directions,) + (() if unbatched else (batch,))
    state_shape += (ours.hidden_size,)
    states = [rng.standard_normal(state_shape) for _ in range(2 if lstm else 1)]
    x_torch = torch.tensor(x, requires_grad=True)
    states_torch = [torch.tensor(s, requires_grad=True) for s in states]
    hx_torch = (tuple(states_torch) if lstm else states_torch[0]) if initial else None
    hx = (tuple(states) if lstm else states[0]) if initial else None

    if lengths is None:
        out_torch, final_torch = theirs(x_torch, hx_torch)
    else:
        packed = pack_padded_sequence(x_torch, torch.tensor(lengths),
                                      batch_first=ours.batch_first, enforce_sorted=False)
        packed_out, final_torch = theirs(packed, hx_torch)
        total = x.shape[1] if ours.batch_first else x.shape[0]
        out_torch, _ = pad_packed_sequence(packed_out, batch_first=ours.batch_first,
                                           total_length=total)
    out, final = ours(x, hx, lengths=lengths)
    finals = list(final) if lstm else [final]
    finals_torch = list(final_torch) if lstm else [final_torch]

    assert_close(out, out_torch, name=f"{kind} output")
    for ours_state, torch_state, name in zip(finals, finals_torch, ("h_n", "c_n"), strict=False):
        assert_close(ours_state, torch_state, name=f"{kind} {name}")

    grad_output = rng.standard_normal(out.shape) if use_output_grad else None
    grad_finals = [rng.standard_normal(s.shape) for s in finals]
    tensors = ([out_torch] if use_output_grad else []) + finals_torch
    grads = ([grad_output] if use_output_grad else []) + grad_finals
    torch.autograd.backward(tensors, [torch.tensor(g) for g in grads])
    grad_x = ours.backward(grad_output, *grad_finals)

    assert_close(grad_x, x_torch.grad, name=f"{kind} grad input")
    if initial:
        assert_close(ours.grad_h_0, states_torch[0].grad, name=f"{kind} grad h_0")
        if lstm:
            assert_close(ours.grad_c_0, states_torch[1].grad, name=f"{kind} grad c_0")
    torch_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(torch_params)
    for name, param in ours.named_parameters():
        assert_close(param.grad, torch_params[name].grad, name=f"{kind} grad {name}")


class Flattened(Module):
    """Wraps a recurrent layer so gradcheck_module sees one output: output, h_n (and c_n)."""

    def __init__(self, layer) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, final = self.layer(x)
        parts = [out, *final] if isinstance(final, tuple) else [out, final]
        self._shapes = [p.shape for p in parts]
        return np.concatenate([p.ravel() for p in parts])

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        sizes = np.cumsum([int(np.prod(s)) for s in self._shapes])[:-1]
        parts = [g.reshape(s) for g, s in zip(np.split(grad_output, sizes), self._shapes,
                                              strict=True)]
        return self.layer.backward(*parts)


def check_layer_gradients(layer, x: np.ndarray, seed: int = 0) -> None:
    """Finite differences for the input, every parameter and the initial state(s)."""
    errors = gradcheck_module(Flattened(layer), x, rng=seed)
    assert max(errors.values()) <= 1e-7, errors
    lstm = isinstance(layer, dnp.nn.LSTM)
    rng = np.random.default_rng(seed)
    batch = x.shape[0] if layer.batch_first else x.shape[1]
    shape = (layer.num_layers * layer.num_directions, batch, layer.hidden_size)
    states = [rng.standard_normal(shape) for _ in range(2 if lstm else 1)]
    hx = tuple(states) if lstm else states[0]
    out, final = layer(x, hx)
    finals = list(final) if lstm else [final]
    grads = [rng.standard_normal(out.shape)] + [rng.standard_normal(s.shape) for s in finals]
    layer.backward(*grads)
    analytic = [layer.grad_h_0] + ([layer.grad_c_0] if lstm else [])

    def objective(_):
        out, final = layer(x, hx)
        parts = [out, *(final if lstm else [final])]
        return sum(float(np.sum(p * g)) for p, g in zip(parts, grads, strict=True))

    for state, grad in zip(states, analytic, strict=True):
        error = relative_error(grad, numerical_gradient(objective, state))
        assert error <= 1e-7, error


CELLS = {"RNNCell": (dnp.nn.RNNCell, torch.nn.RNNCell),
         "LSTMCell": (dnp.nn.LSTMCell, torch.nn.LSTMCell),
         "GRUCell": (dnp.nn.GRUCell, torch.nn.GRUCell)}


def check_cell_parity(kind: str, batch: int | None, input_size: int, hidden_size: int,
                      bias: bool, initial: bool, seed: int, nonlinearity: str = "tanh") -> None:
    """One step of our cell against torch's: output(s) and every gradient."""
    ours_cls, torch_cls = CELLS[kind]
    extra = {"nonlinearity": nonlinearity} if kind == "RNNCell" else {}
    torch.manual_seed(seed)
    theirs = torch_cls(input_size, hidden_size, bias=bias, dtype=torch.float64, **extra)
    with torch.no_grad():
        for name, param in theirs.named_parameters():
            if name.startswith("bias"):
                param.uniform_(0.1, 0.6)
    ours = ours_cls(input_size, hidden_size, bias=bias, dtype=np.float64, rng=seed, **extra)
    ours.load_state_dict(torch_state_to_numpy(theirs.state_dict()))
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    lstm = kind == "LSTMCell"
    x = rng.standard_normal((*lead, input_size))
    states = [rng.standard_normal((*lead, hidden_size)) for _ in range(2 if lstm else 1)]
    x_torch = torch.tensor(x, requires_grad=True)
    states_torch = [torch.tensor(s, requires_grad=True) for s in states]
    hx = (tuple(states) if lstm else states[0]) if initial else None
    hx_torch = (tuple(states_torch) if lstm else states_torch[0]) if initial else None
    out, out_torch = ours(x, hx), theirs(x_torch, hx_torch)
    outs, outs_torch = (list(out), list(out_torch)) if lstm else ([out], [out_torch])
    grads = [rng.standard_normal(o.shape) for o in outs]
    for a, b in zip(outs, outs_torch, strict=True):
        assert_close(a, b, name=f"{kind} output")
    torch.autograd.backward(outs_torch, [torch.tensor(g) for g in grads])
    grad_x = ours.backward(*grads)
    assert_close(grad_x, x_torch.grad, name=f"{kind} grad input")
    if initial:
        grad_hx = list(ours.grad_hx) if lstm else [ours.grad_hx]
        for a, b in zip(grad_hx, states_torch, strict=True):
            assert_close(a, b.grad, name=f"{kind} grad hx")
    torch_params = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(torch_params)
    for name, param in ours.named_parameters():
        assert_close(param.grad, torch_params[name].grad, name=f"{kind} grad {name}")
