"""Recurrent cells from torch operations: the step functions and RNNCell, LSTMCell, GRUCell.

The step functions take the input projection ``gates_x = x W_ih^T + b_ih`` already computed
(for a whole sequence it is one matrix product, see :mod:`dlbook.torch.nn.rnn`) and do the
rest of one time step with torch's equations and gate order (i, f, g, o; r, z, n). Autograd
provides backpropagation through time.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from dlbook._checks import check_in, check_positive_int, check_type, type_name
from dlbook.torch.nn._checks import check_tensor

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "GATES", "recurrent_step"]

#: Gate blocks stacked in the weights of each mode.
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def recurrent_step(
    mode: str, gates_x: torch.Tensor, state: tuple[torch.Tensor, ...],
    weight_hh: torch.Tensor, bias_hh: torch.Tensor | None,
) -> tuple[torch.Tensor, ...]:
    """One time step: the new state ``(h',)`` or ``(h', c')`` from ``gates_x`` and ``state``.

    For the RNN and the LSTM, which only ever add the two projections, a caller may fold
    ``bias_hh`` into ``gates_x`` once for the whole sequence and pass ``bias_hh=None``: one
    operation fewer per step.

    >>> h = recurrent_step("gru", torch.zeros(2, 9), (torch.zeros(2, 3),), torch.eye(9, 3), None)
    >>> h[0].shape
    torch.Size([2, 3])

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    h = state[0]
    hidden = h.shape[-1]
    if mode != "gru":
        # gates_x + bias_hh + h W_hh^T in one fused multiply-add
        gates = torch.addmm(gates_x, h, weight_hh.t())  # (N, G * H)
        if bias_hh is not None:
            gates = gates + bias_hh
        if mode == "rnn_tanh":
            return (torch.tanh(gates),)
        if mode == "rnn_relu":
            return (torch.relu(gates),)
        squashed = torch.sigmoid(gates)  # one kernel for the three sigmoid gates (g unused)
        input_gate, forget_gate, _, output_gate = squashed.chunk(4, dim=-1)
        candidate = torch.tanh(gates[..., 2 * hidden:3 * hidden])
        c_next = torch.addcmul(forget_gate * state[1], input_gate, candidate)  # (N, H)
        return output_gate * torch.tanh(c_next), c_next
    gates_h = F.linear(h, weight_hh, bias_hh)  # (N, 3H)
    x_r, x_z, x_n = gates_x.chunk(3, dim=-1)
    h_r, h_z, h_n = gates_h.chunk(3, dim=-1)
    reset = torch.sigmoid(x_r + h_r)
    update = torch.sigmoid(x_z + h_z)
    new = torch.tanh(x_n + reset * h_n)  # r scales W_hn h + b_hn, as torch
    return (new + update * (h - new),)  # (1 - z) n + z h


class _CellBase(nn.Module):
    _mode = "rnn_tanh"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        caller = type(self).__name__
        self.input_size = check_positive_int(input_size, "input_size", caller=caller)
        self.hidden_size = check_positive_int(hidden_size, "hidden_size", caller=caller)
        self.bias = check_type(bias, "bias", bool, caller=caller)
        factory = {"device": device, "dtype": dtype}
        gate_size = GATES[self._mode] * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(gate_size, input_size, **factory))
        self.weight_hh = nn.Parameter(torch.empty(gate_size, hidden_size, **factory))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(gate_size, **factory))
            self.bias_hh = nn.Parameter(torch.empty(gate_size, **factory))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every parameter, in torch's order."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            nn.init.uniform_(param, -bound, bound)

    def _step(self, input: torch.Tensor, state: tuple | None) -> tuple[torch.Tensor, ...]:
        caller = type(self).__name__
        check_tensor(input, "input", caller=caller, like=self.weight_ih)
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(f"{caller}: expected input of shape (N, {self.input_size}) (last "
                             f"dimension = input_size), got {tuple(input.shape)}")
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        count = 2 if self._mode == "lstm" else 1
        if state is None:
            state = tuple(x.new_zeros(x.shape[0], self.hidden_size) for _ in range(count))
        else:
            names = ("h", "c") if count == 2 else ("hx",)
            for s, name in zip(state, names, strict=True):
                check_tensor(s, name, caller=caller, like=self.weight_ih)
            state = tuple(s.unsqueeze(0) if unbatched else s for s in state)
            for s in state:
                if tuple(s.shape) != (x.shape[0], self.hidden_size):
                    raise ValueError(f"{caller}: expected hx of shape ({x.shape[0]}, "
                                     f"{self.hidden_size}), got {tuple(s.shape)}")
        gates_x = F.linear(x, self.weight_ih, self.bias_ih)  # (N, G * H)
        new_state = recurrent_step(self._mode, gates_x, state, self.weight_hh, self.bias_hh)
        return tuple(s.squeeze(0) for s in new_state) if unbatched else new_state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if self._mode == "rnn_relu":
            text += ", nonlinearity=relu"  # torch's format, without quotes
        return text


class RNNCell(_CellBase):
    """One Elman step from torch operations, a twin of :class:`torch.nn.RNNCell`.

    >>> cell = RNNCell(3, 4)
    >>> cell(torch.ones(2, 3)).shape
    torch.Size([2, 4])

    Introduced in :doc:`/book/sequences/rnn`.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        check_in(nonlinearity, "nonlinearity", ("tanh", "relu"), caller="RNNCell")
        self._mode = f"rnn_{nonlinearity}"
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        """Return ``h'``."""
        return self._step(input, None if hx is None else (hx,))[0]


class GRUCell(_CellBase):
    """One GRU step from torch operations, a twin of :class:`torch.nn.GRUCell`.

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _mode = "gru"

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        """Return ``h'``."""
        return self._step(input, None if hx is None else (hx,))[0]


class LSTMCell(_CellBase):
    """One LSTM step from torch operations, a twin of :class:`torch.nn.LSTMCell`.

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _mode = "lstm"

    def forward(self, input: torch.Tensor,
                hx: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(h', c')``."""
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"LSTMCell: expected hx to be a tuple (h, c), got {type_name(hx)}")
        h, c = self._step(input, hx)
        return h, c
