"""A recurrent cell run over a whole sequence, and backpropagation through time.

:func:`recurrent_forward` runs one layer in one direction over a time-major sequence
``(T, N, input_size)``. The input projection :math:`x_t W_{ih}^T + b_{ih}` does not depend on
the previous state, so it is computed for every time step in one matrix product before the
loop; the loop only does the hidden projection and the gate arithmetic. The backward pass
mirrors this: the loop over time, in reverse, collects the gradients of both projections,
and three matrix products afterwards give the weight gradients and the input gradient.

Variable lengths: with ``lengths`` (one per sequence), step ``t`` of sequence ``b`` is real
when ``t < lengths[b]``. At a padded step the state is carried over unchanged and the output
is zero, so padding changes neither the real outputs, nor the final state (the state at each
sequence's last real step), nor any gradient; this is what torch computes on a
``PackedSequence``. In reverse, each sequence starts at its own last real step.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_in
from dlbook.np.nn.functional.recurrent import (
    MODES,
    recurrent_step_backward,
    recurrent_step_forward,
)

__all__ = ["recurrent_forward", "recurrent_backward", "lengths_mask"]


def lengths_mask(lengths: np.ndarray, seq_len: int) -> np.ndarray:
    """Boolean mask ``(T, N)``, true at real (not padded) steps: ``t < lengths[n]``.

    >>> lengths_mask(np.array([3, 1]), 3).astype(int)
    array([[1, 1],
           [1, 0],
           [1, 0]])

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    return np.arange(seq_len)[:, None] < np.asarray(lengths)[None, :]


def recurrent_forward(
    x: np.ndarray,
    state: tuple[np.ndarray, ...],
    weight_ih: np.ndarray,
    weight_hh: np.ndarray,
    bias_ih: np.ndarray | None = None,
    bias_hh: np.ndarray | None = None,
    *,
    mode: str = "lstm",
    lengths: np.ndarray | None = None,
    reverse: bool = False,
) -> tuple[tuple[np.ndarray, tuple[np.ndarray, ...]], tuple]:
    """Run one recurrent layer, in one direction, over a time-major sequence.

    Parameters
    ----------
    x : numpy.ndarray
        Input ``(T, N, input_size)``.
    state : tuple of numpy.ndarray
        Initial state ``(h_0,)``, or ``(h_0, c_0)`` for the LSTM, each ``(N, hidden_size)``.
    weight_ih, weight_hh, bias_ih, bias_hh : numpy.ndarray
        Torch's layouts: ``(G * H, input_size)``, ``(G * H, H)``, ``(G * H,)``.
    mode : {"rnn_tanh", "rnn_relu", "lstm", "gru"}
        The cell (keyword-only).
    lengths : numpy.ndarray or None
        Integer lengths ``(N,)`` in ``[1, T]``; ``None`` means every sequence has length T.
    reverse : bool
        Run from the last (real) step to the first, as the backward direction of a
        bidirectional layer does.

    Returns
    -------
    (output, final_state)
        ``output`` is ``(T, N, H)``, zero at padded steps; ``final_state`` is a tuple like
        ``state`` holding the state after each sequence's last real step.
    cache : tuple
        What :func:`recurrent_backward` needs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, h0 = rng.standard_normal((5, 2, 3)), np.zeros((2, 4))
    >>> w_ih, w_hh = rng.standard_normal((12, 3)), rng.standard_normal((12, 4))
    >>> (out, (h_n,)), cache = recurrent_forward(x, (h0,), w_ih, w_hh, mode="gru",
    ...                                          lengths=np.array([5, 2]))
    >>> out.shape, bool(np.allclose(out[1, 1], h_n[1])), bool((out[2:, 1] == 0).all())
    ((5, 2, 4), True, True)

    Introduced in :doc:`/book/sequences/text-classification`.
    """
    caller = "recurrent_forward"
    check_in(mode, "mode", tuple(MODES), caller=caller)
    check_array(x, "x", caller=caller, ndim=3, kind="float")
    seq_len, batch, _ = x.shape
    if seq_len == 0:
        raise ValueError(f"{caller}: expected a sequence of at least 1 time step, got x of "
                         f"shape {x.shape}")
    hidden = weight_hh.shape[-1]
    check_array(weight_ih, "weight_ih", caller=caller, ndim=2, kind="float",
                shape=(MODES[mode] * hidden, x.shape[2]),
                hint="(gates * hidden_size, input_size)")
    for name, value in zip(("h_0", "c_0"), state, strict=False):
        check_array(value, name, caller=caller, shape=(batch, hidden), hint="(N, hidden_size)")
    mask = None
    if lengths is not None:
        mask = lengths_mask(lengths, seq_len)[:, :, None]  # (T, N, 1)
    gates_x = x @ weight_ih.T  # (T, N, G * H): every step's input projection at once
    if bias_ih is not None:
        gates_x += bias_ih
    output = np.zeros((seq_len, batch, hidden), dtype=np.result_type(x, weight_hh))
    h_prev = np.empty_like(output)  # the state each step starts from, for grad weight_hh
    caches: list = [None] * seq_len
    steps = range(seq_len - 1, -1, -1) if reverse else range(seq_len)
    for t in steps:
        h_prev[t] = state[0]
        gates_h = state[0] @ weight_hh.T  # (N, G * H)
        if bias_hh is not None:
            gates_h += bias_hh
        new_state, caches[t] = recurrent_step_forward(mode, gates_x[t], gates_h, state)
        if mask is None:
            state = new_state
            output[t] = new_state[0]
        else:
            state = tuple(np.where(mask[t], new, old) for new, old in zip(new_state, state,
                                                                        strict=True))
            output[t] = np.where(mask[t], new_state[0], 0)
    cache = (x, h_prev, weight_ih, weight_hh, (bias_ih is not None, bias_hh is not None),
             mode, mask, reverse, caches)
    return (output, state), cache


def recurrent_backward(
    grad_output: np.ndarray | None,
    grad_state: tuple[np.ndarray | None, ...],
    cache: tuple,
) -> tuple:
    """Backpropagation through time for :func:`recurrent_forward`.

    Parameters
    ----------
    grad_output : numpy.ndarray or None
        ``dL/d output``, ``(T, N, H)``; ``None`` when only the final state is used.
    grad_state : tuple
        ``dL/d final_state``, one entry per state array, ``None`` for zeros.
    cache : tuple
        What :func:`recurrent_forward` returned.

    Returns
    -------
    grad_x : numpy.ndarray
        ``(T, N, input_size)``.
    grad_initial_state : tuple of numpy.ndarray
        Gradients with respect to ``state``.
    grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh : numpy.ndarray
        (``None`` for an absent bias).

    Introduced in :doc:`/book/sequences/rnn`.
    """
    x, h_prev, weight_ih, weight_hh, has_bias, mode, mask, reverse, caches = cache
    seq_len, batch, hidden = h_prev.shape
    if grad_output is not None:
        check_array(grad_output, "grad_output", caller="recurrent_backward",
                    shape=h_prev.shape, hint="the shape of the output")
    grad = [np.zeros_like(h_prev[0]) if g is None else g for g in grad_state]
    grad_gates_x = np.empty((seq_len, batch, weight_hh.shape[0]), dtype=h_prev.dtype)
    # The RNN and LSTM add the two projections, so their gradients are the same array.
    grad_gates_h = np.empty_like(grad_gates_x) if mode == "gru" else grad_gates_x
    steps = range(seq_len) if reverse else range(seq_len - 1, -1, -1)
    for t in steps:
        grad_h = grad[0] if grad_output is None else grad[0] + grad_output[t]
        if mask is None:
            grad_new = [grad_h, *grad[1:]]
        else:  # a padded step passes the state's gradient through untouched
            grad_new = [grad_h * mask[t], *(g * mask[t] for g in grad[1:])]
            carried = [g * ~mask[t] for g in grad]
        grad_gates_x[t], grad_gates_h_t, direct = recurrent_step_backward(grad_new, caches[t])
        if mode == "gru":
            grad_gates_h[t] = grad_gates_h_t
        previous = [grad_gates_h_t @ weight_hh]  # (N, H)
        previous += [None] * (len(grad) - 1)
        for k, part in enumerate(direct):
            if part is not None:
                previous[k] = part if previous[k] is None else previous[k] + part
        if mask is not None:
            previous = [c if p is None else p + c for p, c in zip(previous, carried, strict=True)]
        grad = [np.zeros_like(grad[0]) if p is None else p for p in previous]
    flat_x = grad_gates_x.reshape(-1, grad_gates_x.shape[-1])  # (T * N, G * H)
    flat_h = grad_gates_h.reshape(-1, grad_gates_h.shape[-1])
    grad_x = grad_gates_x @ weight_ih  # (T, N, input_size)
    grad_weight_ih = flat_x.T @ x.reshape(-1, x.shape[-1])  # (G * H, input_size)
    grad_weight_hh = flat_h.T @ h_prev.reshape(-1, hidden)  # (G * H, H)
    grad_bias_ih = flat_x.sum(axis=0) if has_bias[0] else None
    grad_bias_hh = flat_h.sum(axis=0) if has_bias[1] else None
    return grad_x, tuple(grad), grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh
