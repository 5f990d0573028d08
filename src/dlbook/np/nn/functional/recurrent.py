"""One time step of a recurrent cell (Elman RNN, LSTM, GRU), forward and backward.

Every cell first projects its input and its previous hidden state,

.. math:: g^x = x W_{ih}^T + b_{ih}, \\qquad g^h = h W_{hh}^T + b_{hh},

and then combines the two projections in its own way (the *step*). Keeping the two
projections apart is what lets a whole sequence share one big matrix product for
:math:`g^x` (see :mod:`dlbook.np.nn.functional.recurrent_layer`) and what the GRU needs,
because its reset gate multiplies :math:`g^h` alone. The layouts are torch's: the gates are
stacked along the rows of the weights, i, f, g, o for the LSTM and r, z, n for the GRU.

The public functions follow the package's cache convention: ``*_cell_forward(...)`` returns
``(out, cache)`` and ``*_cell_backward(grad, cache)`` returns the gradients of every input.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_in

__all__ = [
    "rnn_cell_forward",
    "rnn_cell_backward",
    "lstm_cell_forward",
    "lstm_cell_backward",
    "gru_cell_forward",
    "gru_cell_backward",
    "recurrent_step_forward",
    "recurrent_step_backward",
]

#: Recurrent modes and the number of stacked gate blocks in their weights.
MODES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^-x) written with tanh, which never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# --- the steps: combine the two projections -----------------------------------------------
def recurrent_step_forward(
    mode: str, gates_x: np.ndarray, gates_h: np.ndarray, state: tuple[np.ndarray, ...]
) -> tuple[tuple[np.ndarray, ...], tuple]:
    """Combine the input and hidden projections of one step into the next state.

    Parameters
    ----------
    mode : {"rnn_tanh", "rnn_relu", "lstm", "gru"}
        The cell.
    gates_x, gates_h : numpy.ndarray
        ``x W_ih^T + b_ih`` and ``h W_hh^T + b_hh``, each of shape ``(N, G * H)`` with ``G``
        gate blocks (``MODES``).
    state : tuple of numpy.ndarray
        The previous state: ``(h,)``, or ``(h, c)`` for the LSTM, each ``(N, H)``.

    Returns
    -------
    new_state : tuple of numpy.ndarray
        ``(h',)`` or ``(h', c')``.
    cache : tuple
        What :func:`recurrent_step_backward` needs.

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    if mode == "rnn_tanh":
        h_next = np.tanh(gates_x + gates_h)  # (N, H)
        return (h_next,), (mode, h_next)
    if mode == "rnn_relu":
        pre = gates_x + gates_h  # (N, H)
        return (np.maximum(pre, 0),), (mode, pre > 0)
    hidden = state[0].shape[-1]
    if mode == "lstm":
        gates = gates_x + gates_h  # (N, 4H): i, f, g, o
        input_gate = _sigmoid(gates[:, :hidden])
        forget_gate = _sigmoid(gates[:, hidden:2 * hidden])
        candidate = np.tanh(gates[:, 2 * hidden:3 * hidden])
        output_gate = _sigmoid(gates[:, 3 * hidden:])
        c_next = forget_gate * state[1] + input_gate * candidate  # (N, H)
        tanh_c = np.tanh(c_next)
        h_next = output_gate * tanh_c  # (N, H)
        cache = (mode, state[1], input_gate, forget_gate, candidate, output_gate, tanh_c)
        return (h_next, c_next), cache
    # GRU: r and z from both projections; r scales the hidden part of n only (torch's form).
    reset = _sigmoid(gates_x[:, :hidden] + gates_h[:, :hidden])
    update = _sigmoid(gates_x[:, hidden:2 * hidden] + gates_h[:, hidden:2 * hidden])
    hidden_n = gates_h[:, 2 * hidden:]  # W_hn h + b_hn, (N, H)
    new = np.tanh(gates_x[:, 2 * hidden:] + reset * hidden_n)
    h_next = new + update * (state[0] - new)  # (1 - z) n + z h
    return (h_next,), (mode, state[0], reset, update, new, hidden_n)


def recurrent_step_backward(
    grad_state: tuple[np.ndarray | None, ...], cache: tuple
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray | None, ...]]:
    """Backward pass of :func:`recurrent_step_forward`.

    Parameters
    ----------
    grad_state : tuple
        Gradients with respect to the new state, ``(dh',)`` or ``(dh', dc')``; ``None``
        stands for zeros (``dc'`` only).
    cache : tuple
        What :func:`recurrent_step_forward` returned.

    Returns
    -------
    grad_gates_x, grad_gates_h : numpy.ndarray
        Gradients with respect to the two projections, ``(N, G * H)`` each (the same array
        for the RNN and the LSTM, where the projections are simply added).
    grad_state_direct : tuple
        The part of the gradient with respect to the previous state that does not flow
        through ``gates_h`` (``None`` where there is none): ``(None,)`` for the RNN,
        ``(None, dc)`` for the LSTM, ``(z * dh',)`` for the GRU.

    Introduced in :doc:`/book/sequences/rnn`.
    """
    mode = cache[0]
    grad_h = grad_state[0]
    if mode == "rnn_tanh":
        grad_pre = grad_h * (1 - cache[1] ** 2)
        return grad_pre, grad_pre, (None,)
    if mode == "rnn_relu":
        grad_pre = grad_h * cache[1]
        return grad_pre, grad_pre, (None,)
    if mode == "lstm":
        _, c_prev, input_gate, forget_gate, candidate, output_gate, tanh_c = cache
        grad_c = grad_h * output_gate * (1 - tanh_c**2)  # through h' = o tanh(c')
        if grad_state[1] is not None:
            grad_c = grad_c + grad_state[1]
        hidden = c_prev.shape[-1]
        grad_gates = np.empty(c_prev.shape[:-1] + (4 * hidden,), dtype=c_prev.dtype)
        grad_gates[:, :hidden] = grad_c * candidate * input_gate * (1 - input_gate)
        grad_gates[:, hidden:2 * hidden] = grad_c * c_prev * forget_gate * (1 - forget_gate)
        grad_gates[:, 2 * hidden:3 * hidden] = grad_c * input_gate * (1 - candidate**2)
        grad_gates[:, 3 * hidden:] = grad_h * tanh_c * output_gate * (1 - output_gate)
        return grad_gates, grad_gates, (None, grad_c * forget_gate)
    _, h_prev, reset, update, new, hidden_n = cache
    hidden = h_prev.shape[-1]
    grad_new_pre = grad_h * (1 - update) * (1 - new**2)  # (N, H)
    grad_reset_pre = grad_new_pre * hidden_n * reset * (1 - reset)
    grad_update_pre = grad_h * (h_prev - new) * update * (1 - update)
    grad_x = np.concatenate([grad_reset_pre, grad_update_pre, grad_new_pre], axis=1)
    grad_hidden = grad_x.copy()
    grad_hidden[:, 2 * hidden:] *= reset
    return grad_x, grad_hidden, (grad_h * update,)


# --- whole cells: projections plus step ---------------------------------------------------
def _project(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    out = x @ weight.T  # (N, G * H)
    return out if bias is None else out + bias


def _check_cell(caller: str, mode: str, x: np.ndarray, state: tuple, weight_ih: np.ndarray,
                weight_hh: np.ndarray, bias_ih: np.ndarray | None,
                bias_hh: np.ndarray | None) -> None:
    check_array(weight_hh, "weight_hh", caller=caller, ndim=2, kind="float")
    rows, hidden = weight_hh.shape
    if rows != MODES[mode] * hidden:
        raise ValueError(f"{caller}: expected weight_hh of shape ({MODES[mode]} * H, H), got "
                         f"{weight_hh.shape}")
    check_array(weight_ih, "weight_ih", caller=caller, ndim=2, kind="float", shape=(rows, "I"),
                hint="rows = weight_hh.shape[0]")
    check_array(x, "x", caller=caller, ndim=2, kind="float", shape=("N", weight_ih.shape[1]),
                hint="last dimension = weight_ih.shape[1]")
    for name, value in zip(("h", "c"), state, strict=False):
        check_array(value, name, caller=caller, ndim=2, kind="float",
                    shape=(x.shape[0], hidden), hint="(batch, hidden_size)")
    for name, bias in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
        if bias is not None:
            check_array(bias, name, caller=caller, kind="float", shape=(rows,))


def _cell_forward(caller, mode, x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    _check_cell(caller, mode, x, state, weight_ih, weight_hh, bias_ih, bias_hh)
    gates_x = _project(x, weight_ih, bias_ih)  # (N, G * H)
    gates_h = _project(state[0], weight_hh, bias_hh)  # (N, G * H)
    new_state, step_cache = recurrent_step_forward(mode, gates_x, gates_h, state)
    has_bias = (bias_ih is not None, bias_hh is not None)
    return new_state, (x, state[0], weight_ih, weight_hh, has_bias, step_cache)


def _cell_backward(grad_state, cache):
    x, h_prev, weight_ih, weight_hh, has_bias, step_cache = cache
    grad_gates_x, grad_gates_h, direct = recurrent_step_backward(grad_state, step_cache)
    grad_x = grad_gates_x @ weight_ih  # (N, I)
    grad_h = grad_gates_h @ weight_hh  # (N, H)
    if direct[0] is not None:
        grad_h = grad_h + direct[0]
    grads = (grad_gates_x.T @ x, grad_gates_h.T @ h_prev,  # (G * H, I), (G * H, H)
             grad_gates_x.sum(axis=0) if has_bias[0] else None,
             grad_gates_h.sum(axis=0) if has_bias[1] else None)
    grad_states = (grad_h,) + tuple(np.zeros_like(h_prev) if g is None else g
                                    for g in direct[1:])
    return grad_x, grad_states, grads


def rnn_cell_forward(
    x: np.ndarray, h: np.ndarray, weight_ih: np.ndarray, weight_hh: np.ndarray,
    bias_ih: np.ndarray | None = None, bias_hh: np.ndarray | None = None,
    nonlinearity: str = "tanh",
) -> tuple[np.ndarray, tuple]:
    r"""One step of an Elman RNN, :math:`h' = \tanh(x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh})`.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, input_size)``.
    h : numpy.ndarray
        Previous hidden state, ``(N, hidden_size)``.
    weight_ih, weight_hh : numpy.ndarray
        ``(hidden_size, input_size)`` and ``(hidden_size, hidden_size)``.
    bias_ih, bias_hh : numpy.ndarray or None
        ``(hidden_size,)`` each.
    nonlinearity : {"tanh", "relu"}

    Returns
    -------
    h_next : numpy.ndarray
        ``(N, hidden_size)``.
    cache : tuple

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, h = rng.standard_normal((2, 3)), np.zeros((2, 4))
    >>> h_next, cache = rnn_cell_forward(x, h, rng.standard_normal((4, 3)), np.eye(4))
    >>> h_next.shape, [g.shape for g in rnn_cell_backward(np.ones((2, 4)), cache)[:4]]
    ((2, 4), [(2, 3), (2, 4), (4, 3), (4, 4)])

    Introduced in :doc:`/book/sequences/rnn`.
    """
    check_in(nonlinearity, "nonlinearity", ("tanh", "relu"), caller="rnn_cell_forward")
    (h_next,), cache = _cell_forward("rnn_cell_forward", f"rnn_{nonlinearity}", x, (h,),
                                     weight_ih, weight_hh, bias_ih, bias_hh)
    return h_next, cache


def rnn_cell_backward(grad_h_next: np.ndarray, cache: tuple) -> tuple:
    """Backward pass of :func:`rnn_cell_forward`.

    Returns
    -------
    grad_x, grad_h, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh
        Gradients with the shapes of the inputs (``None`` for an absent bias).

    Introduced in :doc:`/book/sequences/rnn`.
    """
    check_array(grad_h_next, "grad_h_next", caller="rnn_cell_backward",
                shape=cache[1].shape, hint="the shape of h")
    grad_x, (grad_h,), grads = _cell_backward((grad_h_next,), cache)
    return (grad_x, grad_h, *grads)


def lstm_cell_forward(
    x: np.ndarray, h: np.ndarray, c: np.ndarray, weight_ih: np.ndarray,
    weight_hh: np.ndarray, bias_ih: np.ndarray | None = None,
    bias_hh: np.ndarray | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple]:
    r"""One step of an LSTM (torch's equations, gates stacked i, f, g, o).

    .. math::

        i, f, o = \sigma(\cdot),\quad g = \tanh(\cdot),\quad
        c' = f \odot c + i \odot g,\quad h' = o \odot \tanh(c')

    with each gate's pre-activation the matching block of
    :math:`x W_{ih}^T + b_{ih} + h W_{hh}^T + b_{hh}`.

    Returns
    -------
    (h_next, c_next) : tuple of numpy.ndarray
        ``(N, hidden_size)`` each.
    cache : tuple

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, h, c = rng.standard_normal((2, 3)), np.zeros((2, 4)), np.zeros((2, 4))
    >>> (h1, c1), cache = lstm_cell_forward(x, h, c, rng.standard_normal((16, 3)),
    ...                                     rng.standard_normal((16, 4)))
    >>> h1.shape, len(lstm_cell_backward(np.ones((2, 4)), None, cache))
    ((2, 4), 7)

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    return _cell_forward("lstm_cell_forward", "lstm", x, (h, c), weight_ih, weight_hh,
                         bias_ih, bias_hh)


def lstm_cell_backward(
    grad_h_next: np.ndarray, grad_c_next: np.ndarray | None, cache: tuple
) -> tuple:
    """Backward pass of :func:`lstm_cell_forward`; ``grad_c_next=None`` means zeros.

    Returns
    -------
    grad_x, grad_h, grad_c, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    for name, grad in (("grad_h_next", grad_h_next), ("grad_c_next", grad_c_next)):
        if grad is not None:
            check_array(grad, name, caller="lstm_cell_backward", shape=cache[1].shape,
                        hint="the shape of h")
    grad_x, (grad_h, grad_c), grads = _cell_backward((grad_h_next, grad_c_next), cache)
    return (grad_x, grad_h, grad_c, *grads)


def gru_cell_forward(
    x: np.ndarray, h: np.ndarray, weight_ih: np.ndarray, weight_hh: np.ndarray,
    bias_ih: np.ndarray | None = None, bias_hh: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple]:
    r"""One step of a GRU (torch's equations, gates stacked r, z, n).

    .. math::

        r = \sigma(W_{ir} x + b_{ir} + W_{hr} h + b_{hr}),\quad
        z = \sigma(W_{iz} x + b_{iz} + W_{hz} h + b_{hz}),

        n = \tanh(W_{in} x + b_{in} + r \odot (W_{hn} h + b_{hn})),\quad
        h' = (1 - z) \odot n + z \odot h

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, h = rng.standard_normal((2, 3)), np.zeros((2, 4))
    >>> h1, cache = gru_cell_forward(x, h, rng.standard_normal((12, 3)),
    ...                              rng.standard_normal((12, 4)))
    >>> h1.shape, gru_cell_backward(np.ones((2, 4)), cache)[0].shape
    ((2, 4), (2, 3))

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    (h_next,), cache = _cell_forward("gru_cell_forward", "gru", x, (h,), weight_ih, weight_hh,
                                     bias_ih, bias_hh)
    return h_next, cache


def gru_cell_backward(grad_h_next: np.ndarray, cache: tuple) -> tuple:
    """Backward pass of :func:`gru_cell_forward`.

    Returns
    -------
    grad_x, grad_h, grad_weight_ih, grad_weight_hh, grad_bias_ih, grad_bias_hh

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """
    check_array(grad_h_next, "grad_h_next", caller="gru_cell_backward",
                shape=cache[1].shape, hint="the shape of h")
    grad_x, (grad_h,), grads = _cell_backward((grad_h_next,), cache)
    return (grad_x, grad_h, *grads)
