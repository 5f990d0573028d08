"""RNN, LSTM and GRU from torch operations: stacked, bidirectional, torch's parameter names.

The input projection of a whole layer is one matrix product before the loop over time; the
loop runs :func:`~dlbook.torch.nn.rnn_cell.recurrent_step`. Autograd does backpropagation
through time. ``forward(input, hx=None, *, lengths=None)``: ``lengths`` (one per sequence)
marks padded batches as in :class:`dlbook.np.nn.LSTM`, matching torch's
``pack_padded_sequence`` / ``pad_packed_sequence`` (zero outputs at padded steps, ``h_n`` at
each sequence's last real step).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from dlbook._checks import check_in, check_number, check_positive_int, check_type, type_name
from dlbook.torch.nn._checks import check_lengths, check_tensor
from dlbook.torch.nn.rnn_cell import GATES, recurrent_step

__all__ = ["RNN", "LSTM", "GRU"]


class _RNNBase(nn.Module):
    _mode = "lstm"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        caller = type(self).__name__
        self.input_size = check_positive_int(input_size, "input_size", caller=caller)
        self.hidden_size = check_positive_int(hidden_size, "hidden_size", caller=caller)
        self.num_layers = check_positive_int(num_layers, "num_layers", caller=caller)
        for name, flag in (("bias", bias), ("batch_first", batch_first),
                           ("bidirectional", bidirectional)):
            check_type(flag, name, bool, caller=caller)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self.dropout = check_number(dropout, "dropout", caller=caller, low=0.0, high=1.0,
                                    high_inclusive=False)
        self.num_directions = 2 if bidirectional else 1
        factory = {"device": device, "dtype": dtype}
        gate_size = GATES[self._mode] * hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            for suffix in self._suffixes():
                shapes = {"weight_ih": (gate_size, layer_input),
                          "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for name, shape in shapes.items():
                    self.register_parameter(f"{name}_l{layer}{suffix}",
                                            nn.Parameter(torch.empty(shape, **factory)))
        self.reset_parameters()

    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    def reset_parameters(self) -> None:
        """U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every parameter, in torch's order."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for param in self.parameters():
            nn.init.uniform_(param, -bound, bound)

    def _weights(self, layer: int, suffix: str) -> list:
        return [getattr(self, f"{n}_l{layer}{suffix}", None)
                for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]

    def _run(self, input: torch.Tensor, states: tuple | None, lengths: Any) -> tuple:
        caller = type(self).__name__
        check_tensor(input, "input", caller=caller, like=self.weight_ih_l0)
        if input.ndim not in (2, 3) or input.shape[-1] != self.input_size:
            layout = "(N, T, input_size)" if self.batch_first else "(T, N, input_size)"
            raise ValueError(f"{caller}: expected input of shape {layout} (last dimension = "
                             f"input_size = {self.input_size}), got {tuple(input.shape)}")
        unbatched = input.ndim == 2
        if unbatched:
            x = input.unsqueeze(1)
        else:
            x = input.transpose(0, 1) if self.batch_first else input  # (T, N, input_size)
        seq_len, batch = x.shape[:2]
        if seq_len == 0:
            raise ValueError(f"{caller}: expected a sequence of at least 1 time step, got input "
                             f"of shape {tuple(input.shape)}")
        size = (self.num_layers * self.num_directions, batch, self.hidden_size)
        count = 2 if self._mode == "lstm" else 1
        if states is None:
            states = tuple(x.new_zeros(size) for _ in range(count))
        else:
            names = ("h_0", "c_0") if count == 2 else ("hx",)
            for s, name in zip(states, names, strict=True):
                check_tensor(s, name, caller=caller, like=self.weight_ih_l0)
            states = tuple(s.unsqueeze(1) if unbatched else s for s in states)
            for s in states:
                if tuple(s.shape) != size:
                    raise ValueError(f"{caller}: expected hx of shape {size} ((num_layers * "
                                     f"num_directions, N, hidden_size)), got {tuple(s.shape)}")
        mask = None
        if lengths is not None:
            if unbatched:
                raise ValueError(f"{caller}: lengths needs batched input, got input of shape "
                                 f"{tuple(input.shape)}")
            lengths = check_lengths(lengths, batch, seq_len, caller=caller, device=x.device)
            steps = torch.arange(seq_len, device=x.device)
            mask = (steps[:, None] < lengths[None, :]).unsqueeze(-1)  # (T, N, 1)
        finals: list[list[torch.Tensor]] = [[] for _ in range(count)]
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction, suffix in enumerate(self._suffixes()):
                index = layer * self.num_directions + direction
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, suffix)
                gates_x = F.linear(layer_input, w_ih, b_ih)  # (T, N, G * H), all steps at once
                if b_hh is not None and self._mode != "gru":  # added once, not once per step
                    gates_x, b_hh = gates_x + b_hh, None
                state = tuple(s[index] for s in states)
                steps_out: list[torch.Tensor] = [None] * seq_len  # type: ignore[list-item]
                order = range(seq_len - 1, -1, -1) if direction == 1 else range(seq_len)
                for t in order:
                    new_state = recurrent_step(self._mode, gates_x[t], state, w_hh, b_hh)
                    if mask is None:
                        state = new_state
                        steps_out[t] = new_state[0]
                    else:
                        state = tuple(torch.where(mask[t], new, old)
                                      for new, old in zip(new_state, state, strict=True))
                        steps_out[t] = new_state[0] * mask[t]
                outputs.append(torch.stack(steps_out))  # (T, N, H)
                for target, value in zip(finals, state, strict=True):
                    target.append(value)
            layer_input = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
        output = layer_input
        final = tuple(torch.stack(f) for f in finals)  # (num_layers * D, N, H)
        if unbatched:
            return output.squeeze(1), tuple(f.squeeze(1) for f in final)
        return (output.transpose(0, 1) if self.batch_first else output), final

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(_RNNBase):
    """Elman RNN from torch operations, a twin of :class:`torch.nn.RNN` (``output, h_n``).

    Arguments, defaults, parameter names and initialisation are torch's, so
    ``load_state_dict(torch_rnn.state_dict())`` works both ways.

    >>> rnn = RNN(3, 5, num_layers=2, bidirectional=True)
    >>> output, h_n = rnn(torch.ones(7, 4, 3))
    >>> tuple(output.shape), tuple(h_n.shape)
    ((7, 4, 10), (4, 4, 5))

    Introduced in :doc:`/book/sequences/patterns`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False,
                 device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        check_in(nonlinearity, "nonlinearity", ("tanh", "relu"), caller="RNN")
        self._mode = f"rnn_{nonlinearity}"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None, *,
                lengths: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``output, h_n``."""
        output, (h_n,) = self._run(input, None if hx is None else (hx,), lengths)
        return output, h_n


class GRU(_RNNBase):
    """GRU from torch operations, a twin of :class:`torch.nn.GRU` (``output, h_n``).

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _mode = "gru"

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None, *,
                lengths: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``output, h_n``."""
        output, (h_n,) = self._run(input, None if hx is None else (hx,), lengths)
        return output, h_n


class LSTM(_RNNBase):
    """LSTM from torch operations, a twin of :class:`torch.nn.LSTM` (``output, (h_n, c_n)``).

    >>> lstm = LSTM(3, 5, batch_first=True)
    >>> output, (h_n, c_n) = lstm(torch.ones(4, 7, 3), lengths=[7, 3, 1, 5])
    >>> tuple(output.shape), tuple(c_n.shape)
    ((4, 7, 5), (1, 4, 5))

    Introduced in :doc:`/book/sequences/which-to-use`.
    """

    _mode = "lstm"

    def forward(self, input: torch.Tensor,
                hx: tuple[torch.Tensor, torch.Tensor] | None = None, *,
                lengths: Any = None) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Return ``output, (h_n, c_n)``; ``hx`` is ``(h_0, c_0)`` or ``None`` for zeros."""
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"LSTM: expected hx to be a tuple (h_0, c_0), got {type_name(hx)}")
        output, (h_n, c_n) = self._run(input, hx, lengths)
        return output, (h_n, c_n)
