"""The machinery shared by RNN, LSTM and GRU: parameters, layers and directions, BPTT.

:class:`RNNBase` runs :func:`~dlbook.np.nn.functional.recurrent_layer.recurrent_forward`
once per layer and direction and
:func:`~dlbook.np.nn.functional.recurrent_layer.recurrent_backward` in the reverse order;
the public classes in :mod:`dlbook.np.nn.rnn` only name the mode and the state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import (
    check_array,
    check_float_dtype,
    check_number,
    check_positive_int,
    check_type,
)
from dlbook.np.nn.functional.recurrent import MODES
from dlbook.np.nn.functional.recurrent_layer import recurrent_backward, recurrent_forward
from dlbook.np.nn.module import Module
from dlbook.np.nn.parameter import Parameter
from dlbook.random import resolve_rng

__all__ = ["RNNBase", "check_lengths"]


def check_lengths(lengths: Any, batch: int, seq_len: int, *, caller: str) -> np.ndarray:
    """Check sequence lengths: ``batch`` integers in ``[1, seq_len]``; return an int array.

    >>> check_lengths([3, 0], 2, 3, caller="LSTM")
    Traceback (most recent call last):
        ...
    ValueError: LSTM: expected lengths in [1, 3] (the sequence length), got values in [0, 3]

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    if hasattr(lengths, "detach"):  # a torch tensor, as pack_padded_sequence takes
        lengths = lengths.detach().cpu().numpy()
    lengths = np.asarray(lengths)
    check_array(lengths, "lengths", caller=caller, kind="int", shape=(batch,),
                hint="one length per sequence")
    if lengths.size and (lengths.min() < 1 or lengths.max() > seq_len):
        raise ValueError(f"{caller}: expected lengths in [1, {seq_len}] (the sequence length), "
                         f"got values in [{lengths.min()}, {lengths.max()}]")
    return lengths.astype(np.int64)


class RNNBase(Module):
    """Shared machinery of :class:`RNN`, :class:`LSTM` and :class:`GRU`.

    Introduced in :doc:`/book/sequences/rnn`.
    """

    _name = "RNNBase"

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, *, dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        caller = self._name
        self.mode = mode
        self.input_size = check_positive_int(input_size, "input_size", caller=caller)
        self.hidden_size = check_positive_int(hidden_size, "hidden_size", caller=caller)
        self.num_layers = check_positive_int(num_layers, "num_layers", caller=caller)
        for name, flag in (("bias", bias), ("batch_first", batch_first),
                           ("bidirectional", bidirectional)):
            check_type(flag, name, bool, caller=caller)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        self.dropout = check_number(dropout, "dropout", caller=caller, low=0.0, high=1.0,
                                    high_inclusive=False)
        dtype = check_float_dtype(dtype, caller=caller)
        self._rng = resolve_rng(rng, caller=caller)
        self.num_directions = 2 if bidirectional else 1
        gate_size = MODES[mode] * hidden_size
        bound = 1 / np.sqrt(hidden_size)
        # Registration order is torch's, and each tensor is drawn in that order, like
        # torch's reset_parameters (uniform_ over self.parameters()).
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            for suffix in self._suffixes():
                shapes = {"weight_ih": (gate_size, layer_input),
                          "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for name, shape in shapes.items():
                    value = self._rng.uniform(-bound, bound, size=shape).astype(dtype)
                    setattr(self, f"{name}_l{layer}{suffix}", Parameter(value))
        self._cache = None
        self.grad_h_0: np.ndarray | None = None
        self.grad_c_0: np.ndarray | None = None

    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    def _weights(self, layer: int, suffix: str) -> list:
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        return [getattr(self, f"{n}_l{layer}{suffix}", None) for n in names]

    # --- forward --------------------------------------------------------------------------
    def _check_state(self, value: Any, name: str, batch: int | None) -> np.ndarray:
        shape = (self.num_layers * self.num_directions,)
        shape += (self.hidden_size,) if batch is None else (batch, self.hidden_size)
        check_array(value, name, caller=self._name, kind="float", shape=shape,
                    hint="(num_layers * num_directions, N, hidden_size)" if batch is not None
                    else "(num_layers * num_directions, hidden_size) for unbatched input")
        return value if batch is not None else value[:, None, :]

    def _run(self, input: np.ndarray, states: tuple | None, lengths: Any) -> tuple:
        caller = self._name
        check_array(input, "input", caller=caller, ndim=(2, 3), kind="float")
        if input.shape[-1] != self.input_size:
            layout = "(N, T, input_size)" if self.batch_first else "(T, N, input_size)"
            raise ValueError(f"{caller}: expected input of shape {layout} (last dimension = "
                             f"input_size = {self.input_size}), got {input.shape}")
        unbatched = input.ndim == 2
        if unbatched:
            x = input[:, None, :]  # (T, 1, input_size)
        else:
            x = input.swapaxes(0, 1) if self.batch_first else input  # (T, N, input_size)
        seq_len, batch = x.shape[:2]
        if seq_len == 0:
            raise ValueError(f"{caller}: expected a sequence of at least 1 time step, got input "
                             f"of shape {input.shape}")
        if lengths is not None:
            if unbatched:
                raise ValueError(f"{caller}: lengths needs batched input, got input of shape "
                                 f"{input.shape}")
            lengths = check_lengths(lengths, batch, seq_len, caller=caller)
        size = (self.num_layers * self.num_directions, batch, self.hidden_size)
        dtype = np.result_type(x, self.weight_hh_l0.data)
        if states is None:
            states = tuple(np.zeros(size, dtype=dtype) for _ in self._state_names())
        else:
            states = tuple(self._check_state(s, name, None if unbatched else batch)
                           for s, name in zip(states, self._state_names(), strict=True))
        finals = [np.empty(size, dtype=dtype) for _ in states]
        caches, layer_input = [], x
        for layer in range(self.num_layers):
            outputs, layer_caches = [], []
            for direction, suffix in enumerate(self._suffixes()):
                index = layer * self.num_directions + direction
                w_ih, w_hh, b_ih, b_hh = (p if p is None else p.data
                                          for p in self._weights(layer, suffix))
                (out, final), cache = recurrent_forward(
                    layer_input, tuple(s[index] for s in states), w_ih, w_hh, b_ih, b_hh,
                    mode=self.mode, lengths=lengths, reverse=direction == 1)
                for target, value in zip(finals, final, strict=True):
                    target[index] = value
                outputs.append(out)
                layer_caches.append(cache)
            layer_output = np.concatenate(outputs, axis=-1) if len(outputs) > 1 else outputs[0]
            keep = None
            if self.training and self.dropout > 0 and layer < self.num_layers - 1:
                keep = (self._rng.random(layer_output.shape) >= self.dropout) / (1 - self.dropout)
                layer_output = layer_output * keep.astype(layer_output.dtype)
            caches.append((layer_caches, keep))
            layer_input = layer_output
        self._cache = (caches, unbatched, x.shape, dtype)
        output = layer_input
        if unbatched:
            return output[:, 0], tuple(f[:, 0] for f in finals)
        return (output.swapaxes(0, 1) if self.batch_first else output), tuple(finals)

    def _state_names(self) -> tuple[str, ...]:
        return ("h_0",)

    # --- backward -------------------------------------------------------------------------
    def _backprop(self, grad_output: np.ndarray | None, grad_finals: tuple) -> np.ndarray:
        caches, unbatched, x_shape, dtype = self._require_cache(self._cache)
        seq_len, batch, _ = x_shape
        out_shape = (seq_len, batch, self.num_directions * self.hidden_size)
        state_shape = (self.num_layers * self.num_directions, batch, self.hidden_size)
        if grad_output is not None:
            check_array(grad_output, "grad_output", caller=f"{self._name}.backward",
                        kind="float")
            if unbatched:
                grad_output = grad_output[:, None, :]
            elif self.batch_first:
                grad_output = grad_output.swapaxes(0, 1)
            if grad_output.shape != out_shape:
                raise ValueError(f"{self._name}.backward: expected grad_output of the shape of "
                                 f"the output, got {grad_output.shape}")
        grads_final = []
        for grad, name in zip(grad_finals, ("grad_h_n", "grad_c_n"), strict=False):
            if grad is not None:
                if unbatched:
                    grad = grad[:, None, :]
                check_array(grad, name, caller=f"{self._name}.backward", shape=state_shape,
                            hint="the shape of h_n")
            grads_final.append(grad)
        grads_initial = [np.zeros(state_shape, dtype=dtype) for _ in grads_final]
        grad_layer = grad_output
        for layer in range(self.num_layers - 1, -1, -1):
            layer_caches, keep = caches[layer]
            if keep is not None and grad_layer is not None:
                grad_layer = grad_layer * keep
            grad_input = None
            for direction, suffix in enumerate(self._suffixes()):
                index = layer * self.num_directions + direction
                part = None if grad_layer is None else grad_layer[
                    ..., direction * self.hidden_size:(direction + 1) * self.hidden_size]
                grad_x, grad_state, *weight_grads = recurrent_backward(
                    part, tuple(None if g is None else g[index] for g in grads_final),
                    layer_caches[direction])
                for target, value in zip(grads_initial, grad_state, strict=True):
                    target[index] = value
                for param, value in zip(self._weights(layer, suffix), weight_grads, strict=True):
                    if param is not None:
                        param.grad += value
                grad_input = grad_x if grad_input is None else grad_input + grad_x
            grad_layer = grad_input
        if unbatched:
            grads_initial = [g[:, 0] for g in grads_initial]
            grad_layer = grad_layer[:, 0]
        elif self.batch_first:
            grad_layer = grad_layer.swapaxes(0, 1)
        self.grad_h_0 = grads_initial[0]
        if len(grads_initial) > 1:
            self.grad_c_0 = grads_initial[1]
        return grad_layer

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.mode == "rnn_relu":
            text += ", nonlinearity='relu'"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text
