"""One-step recurrent cells RNNCell, LSTMCell and GRUCell, as ``torch.nn``.

A cell computes one time step; the loop over time is the caller's. Each ``forward`` keeps
one cache, so ``backward`` belongs to the most recent ``forward`` (to unroll a cell by hand
over many steps, use the functional pairs in :mod:`dlbook.np.nn.functional.recurrent`,
keeping one cache per step). ``backward`` returns the gradient with respect to the input
and stores the gradient with respect to ``hx`` in ``grad_hx`` (a tuple ``(grad_h, grad_c)``
for :class:`LSTMCell`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import (
    check_array,
    check_float_dtype,
    check_in,
    check_positive_int,
    check_type,
    type_name,
)
from dlbook.np.nn.functional.recurrent import (
    MODES,
    gru_cell_backward,
    gru_cell_forward,
    lstm_cell_backward,
    lstm_cell_forward,
    rnn_cell_backward,
    rnn_cell_forward,
)
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng

__all__ = ["RNNCell", "LSTMCell", "GRUCell"]


class RNNCellBase(Module):
    """Parameters and input checks shared by the cells.

    Introduced in :doc:`/book/sequences/rnn`.
    """

    _name = "RNNCellBase"

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool, *,
                 dtype: Any, rng: np.random.Generator | int | None) -> None:
        super().__init__()
        caller = self._name
        self.input_size = check_positive_int(input_size, "input_size", caller=caller)
        self.hidden_size = check_positive_int(hidden_size, "hidden_size", caller=caller)
        check_type(bias, "bias", bool, caller=caller)
        dtype = check_float_dtype(dtype, caller=caller)
        generator = resolve_rng(rng, caller=caller)
        gate_size = MODES[mode] * hidden_size
        bound = 1 / np.sqrt(hidden_size)
        shapes = {"weight_ih": (gate_size, input_size), "weight_hh": (gate_size, hidden_size)}
        if bias:
            shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
        for name, shape in shapes.items():  # drawn in torch's order, U(-1/sqrt(H), 1/sqrt(H))
            setattr(self, name, Parameter(generator.uniform(-bound, bound, shape).astype(dtype)))
        if not bias:
            self.bias_ih = self.bias_hh = None
        self._cache = None
        self.grad_hx: Any = None

    def _prepare(self, input: np.ndarray, states: tuple | None) -> tuple:
        caller = self._name
        check_array(input, "input", caller=caller, ndim=(1, 2), kind="float")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"{caller}: expected input of shape (N, {self.input_size}) (last "
                             f"dimension = input_size), got {input.shape}")
        unbatched = input.ndim == 1
        x = input[None, :] if unbatched else input
        count = 2 if isinstance(self, LSTMCell) else 1
        if states is None:
            dtype = np.result_type(x, self.weight_hh.data)
            states = tuple(np.zeros((x.shape[0], self.hidden_size), dtype) for _ in range(count))
        else:
            wanted = (self.hidden_size,) if unbatched else (x.shape[0], self.hidden_size)
            for name, state in zip(("h", "c"), states, strict=False):
                check_array(state, name, caller=caller, kind="float", shape=wanted,
                            hint="(N, hidden_size)")
            states = tuple(s[None, :] if unbatched else s for s in states)
        self._unbatched = unbatched
        weights = (self.weight_ih.data, self.weight_hh.data,
                   None if self.bias_ih is None else self.bias_ih.data,
                   None if self.bias_hh is None else self.bias_hh.data)
        return x, states, weights

    def _grad(self, grad: np.ndarray | None, name: str) -> np.ndarray | None:
        if grad is None:
            return None
        cache = self._require_cache(self._cache)
        check_array(grad, name, caller=f"{self._name}.backward", kind="float")
        wanted = cache[1].shape[1:] if self._unbatched else cache[1].shape
        if grad.shape != wanted:
            raise ValueError(f"{self._name}.backward: expected {name} of shape {wanted}, got "
                             f"{grad.shape}")
        return grad[None, :] if self._unbatched else grad

    def _finish(self, grad_x: np.ndarray, weight_grads: tuple) -> np.ndarray:
        params = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        for param, value in zip(params, weight_grads, strict=True):
            if param is not None:
                param.grad += value
        return grad_x[0] if self._unbatched else grad_x

    def _squeeze(self, value: np.ndarray) -> np.ndarray:
        return value[0] if self._unbatched else value

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias_ih is None:
            text += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity!r}"
        return text


class RNNCell(RNNCellBase):
    r"""One Elman step :math:`h' = \tanh(x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh})`.

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool, default True
    nonlinearity : {"tanh", "relu"}, default "tanh"
    dtype, rng : keyword-only, as for :class:`~dlbook.np.nn.Linear`; weights are drawn from
        :math:`U(-1/\sqrt{hidden\_size}, 1/\sqrt{hidden\_size})` as in torch.

    Examples
    --------
    >>> cell = RNNCell(3, 4, rng=0)
    >>> h = cell(np.ones((2, 3), dtype=np.float32)); h.shape
    (2, 4)
    >>> cell.backward(np.ones_like(h)).shape, cell.grad_hx.shape
    ((2, 3), (2, 4))

    Introduced in :doc:`/book/sequences/rnn`.
    """

    _name = "RNNCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", *, dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        check_in(nonlinearity, "nonlinearity", ("tanh", "relu"), caller="RNNCell")
        super().__init__("rnn_tanh", input_size, hidden_size, bias, dtype=dtype, rng=rng)
        self.nonlinearity = nonlinearity

    def forward(self, input: np.ndarray, hx: np.ndarray | None = None) -> np.ndarray:
        """Return the next hidden state ``h'`` (``hx=None`` means zeros)."""
        x, (h,), weights = self._prepare(input, None if hx is None else (hx,))
        h_next, self._cache = rnn_cell_forward(x, h, *weights, nonlinearity=self.nonlinearity)
        return self._squeeze(h_next)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/d input``; set ``grad_hx``; add the weights' gradients."""
        grad_output = self._grad(grad_output, "grad_output")
        grad_x, grad_h, *weight_grads = rnn_cell_backward(grad_output, self._cache)
        self.grad_hx = self._squeeze(grad_h)
        return self._finish(grad_x, weight_grads)


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n stacked in the weights' rows, as torch).

    Examples
    --------
    >>> cell = GRUCell(3, 4, rng=0)
    >>> h = cell(np.ones(3, dtype=np.float32)); h.shape, cell.weight_hh.shape
    ((4,), (12, 4))

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _name = "GRUCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 dtype: Any = np.float32, rng: np.random.Generator | int | None = None) -> None:
        super().__init__("gru", input_size, hidden_size, bias, dtype=dtype, rng=rng)

    def forward(self, input: np.ndarray, hx: np.ndarray | None = None) -> np.ndarray:
        """Return the next hidden state ``h'`` (``hx=None`` means zeros)."""
        x, (h,), weights = self._prepare(input, None if hx is None else (hx,))
        h_next, self._cache = gru_cell_forward(x, h, *weights)
        return self._squeeze(h_next)

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """Return ``dL/d input``; set ``grad_hx``; add the weights' gradients."""
        grad_output = self._grad(grad_output, "grad_output")
        grad_x, grad_h, *weight_grads = gru_cell_backward(grad_output, self._cache)
        self.grad_hx = self._squeeze(grad_h)
        return self._finish(grad_x, weight_grads)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o stacked in the weights' rows, as torch).

    ``forward(input, hx=None)`` takes ``hx = (h, c)`` and returns ``(h', c')``;
    ``backward(grad_h, grad_c=None)`` returns ``dL/d input`` and sets
    ``grad_hx = (dL/dh, dL/dc)``.

    Examples
    --------
    >>> cell = LSTMCell(3, 4, rng=0)
    >>> h, c = cell(np.ones((2, 3), dtype=np.float32))
    >>> cell.backward(np.ones_like(h)).shape, [g.shape for g in cell.grad_hx]
    ((2, 3), [(2, 4), (2, 4)])

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _name = "LSTMCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 dtype: Any = np.float32, rng: np.random.Generator | int | None = None) -> None:
        super().__init__("lstm", input_size, hidden_size, bias, dtype=dtype, rng=rng)

    def forward(self, input: np.ndarray,
                hx: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(h', c')`` (``hx=None`` means zeros)."""
        if hx is not None and (not isinstance(hx, tuple) or len(hx) != 2):
            raise TypeError(f"LSTMCell: expected hx to be a tuple (h, c), got "
                            f"{type_name(hx)}")
        x, (h, c), weights = self._prepare(input, hx)
        (h_next, c_next), self._cache = lstm_cell_forward(x, h, c, *weights)
        return self._squeeze(h_next), self._squeeze(c_next)

    def backward(self, grad_h: np.ndarray, grad_c: np.ndarray | None = None) -> np.ndarray:
        """Return ``dL/d input``; set ``grad_hx = (grad_h, grad_c)``; add weight gradients."""
        grad_h = self._grad(grad_h, "grad_h")
        grad_c = self._grad(grad_c, "grad_c")
        grad_x, grad_h0, grad_c0, *weight_grads = lstm_cell_backward(grad_h, grad_c, self._cache)
        self.grad_hx = (self._squeeze(grad_h0), self._squeeze(grad_c0))
        return self._finish(grad_x, weight_grads)
