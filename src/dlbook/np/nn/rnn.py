"""Recurrent layers RNN, LSTM and GRU: stacked, optionally bidirectional, as ``torch.nn``.

Each is a thin module over :func:`~dlbook.np.nn.functional.recurrent_layer.recurrent_forward`
and :func:`~dlbook.np.nn.functional.recurrent_layer.recurrent_backward`, run once per layer
and direction. Parameter names, layouts, initialisation, arguments and outputs are torch's.

The backward pass (backpropagation through time) is
``backward(grad_output, grad_h_n=None)`` for :class:`RNN` and :class:`GRU` and
``backward(grad_output, grad_h_n=None, grad_c_n=None)`` for :class:`LSTM`: the gradients of
the loss with respect to the two things ``forward`` returned (``None`` means zeros, so a
many-to-one model that only uses ``h_n`` passes ``grad_output=None``). It returns the
gradient with respect to the input, adds every weight's gradient to its ``.grad``, and
stores the gradients with respect to the initial states in ``grad_h_0`` (and ``grad_c_0``),
shaped like ``h_0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_in, type_name
from dlbook.np.nn.rnn_base import RNNBase

__all__ = ["RNN", "LSTM", "GRU"]


_ARGS_DOC = """
    Parameters
    ----------
    input_size, hidden_size : int
        Features per input step and per hidden state.
    num_layers : int, default 1
        Stacked layers; layer ``l > 0`` reads the (concatenated) outputs of layer ``l - 1``.
    bias : bool, default True
        Whether to learn ``bias_ih_l*`` and ``bias_hh_l*``.
    batch_first : bool, default False
        Input and output as ``(N, T, features)`` instead of ``(T, N, features)``; ``h_n``
        keeps the shape ``(num_layers * num_directions, N, hidden_size)``.
    dropout : float, default 0
        Dropout on the outputs of every layer but the last, in training mode.
    bidirectional : bool, default False
        Add a layer running backward in time (parameters with suffix ``_reverse``); the
        output concatenates the two directions.
    dtype, rng : keyword-only
        Parameter dtype (float32) and the source of the initial weights, all drawn from
        :math:`U(-1/\\sqrt{hidden\\_size}, 1/\\sqrt{hidden\\_size})` as in torch.

    Notes
    -----
    ``forward(input, hx=None, *, lengths=None)``: ``input`` is ``(T, N, input_size)``
    (``(N, T, input_size)`` with ``batch_first``, or ``(T, input_size)`` unbatched).
    ``lengths`` (integers ``(N,)``) marks the real length of each padded sequence: outputs
    at padded steps are zero and ``h_n`` is the state at each sequence's last real step,
    exactly what torch returns for ``pack_padded_sequence(input, lengths,
    enforce_sorted=False)`` after ``pad_packed_sequence``.
"""


class RNN(RNNBase):
    __doc__ = r"""Elman RNN: :math:`h_t = \tanh(x_t W_{ih}^T + b_{ih} + h_{t-1} W_{hh}^T + b_{hh})`.

    Returns ``output, h_n`` as ``torch.nn.RNN``; ``backward(grad_output, grad_h_n=None)``
    returns ``dL/d input`` and leaves ``dL/d h_0`` in ``grad_h_0``.
    """ + _ARGS_DOC + """
    nonlinearity : {"tanh", "relu"}, default "tanh"
        The activation (fourth positional argument, as in torch).

    Examples
    --------
    >>> rnn = RNN(3, 5, num_layers=2, rng=0)
    >>> output, h_n = rnn(np.ones((7, 4, 3), dtype=np.float32))
    >>> output.shape, h_n.shape
    ((7, 4, 5), (2, 4, 5))
    >>> rnn.backward(np.ones_like(output)).shape, rnn.grad_h_0.shape
    ((7, 4, 3), (2, 4, 5))

    Introduced in :doc:`/book/sequences/rnn`.
    """

    _name = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, *, dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        check_in(nonlinearity, "nonlinearity", ("tanh", "relu"), caller="RNN")
        super().__init__(f"rnn_{nonlinearity}", input_size, hidden_size, num_layers, bias,
                         batch_first, dropout, bidirectional, dtype=dtype, rng=rng)
        self.nonlinearity = nonlinearity

    def forward(self, input: np.ndarray, hx: np.ndarray | None = None, *,
                lengths: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Return ``output, h_n``."""
        output, (h_n,) = self._run(input, None if hx is None else (hx,), lengths)
        return output, h_n

    def backward(self, grad_output: np.ndarray | None,
                 grad_h_n: np.ndarray | None = None) -> np.ndarray:
        """Backpropagation through time; return ``dL/d input``, set ``grad_h_0``."""
        return self._backprop(grad_output, (grad_h_n,))


class GRU(RNNBase):
    __doc__ = r"""Gated recurrent unit (torch's form: gates r, z, n; r scales ``W_hn h + b_hn``).

    Returns ``output, h_n`` as ``torch.nn.GRU``; ``backward(grad_output, grad_h_n=None)``
    returns ``dL/d input`` and leaves ``dL/d h_0`` in ``grad_h_0``.
    """ + _ARGS_DOC + """
    Examples
    --------
    >>> gru = GRU(3, 5, batch_first=True, rng=0)
    >>> output, h_n = gru(np.ones((4, 7, 3), dtype=np.float32), lengths=[7, 2, 5, 1])
    >>> output.shape, h_n.shape, gru.weight_ih_l0.shape
    ((4, 7, 5), (1, 4, 5), (15, 3))

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _name = "GRU"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, *, dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        super().__init__("gru", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, dtype=dtype, rng=rng)

    def forward(self, input: np.ndarray, hx: np.ndarray | None = None, *,
                lengths: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Return ``output, h_n``."""
        output, (h_n,) = self._run(input, None if hx is None else (hx,), lengths)
        return output, h_n

    def backward(self, grad_output: np.ndarray | None,
                 grad_h_n: np.ndarray | None = None) -> np.ndarray:
        """Backpropagation through time; return ``dL/d input``, set ``grad_h_0``."""
        return self._backprop(grad_output, (grad_h_n,))


class LSTM(RNNBase):
    __doc__ = r"""Long short-term memory (torch's form: gates i, f, g, o stacked in the rows).

    Returns ``output, (h_n, c_n)`` as ``torch.nn.LSTM``;
    ``backward(grad_output, grad_h_n=None, grad_c_n=None)`` returns ``dL/d input`` and
    leaves ``dL/d h_0`` and ``dL/d c_0`` in ``grad_h_0`` and ``grad_c_0``. (torch's
    ``proj_size`` is not implemented.)
    """ + _ARGS_DOC + """
    Examples
    --------
    >>> lstm = LSTM(3, 5, bidirectional=True, rng=0)
    >>> output, (h_n, c_n) = lstm(np.ones((7, 4, 3), dtype=np.float32))
    >>> output.shape, h_n.shape, c_n.shape, lstm.weight_ih_l0_reverse.shape
    ((7, 4, 10), (2, 4, 5), (2, 4, 5), (20, 3))
    >>> lstm.backward(None, grad_h_n=np.ones_like(h_n)).shape
    (7, 4, 3)

    Introduced in :doc:`/book/sequences/lstm-gru`.
    """

    _name = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, *, dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        super().__init__("lstm", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, dtype=dtype, rng=rng)

    def _state_names(self) -> tuple[str, ...]:
        return ("h_0", "c_0")

    def forward(self, input: np.ndarray, hx: tuple[np.ndarray, np.ndarray] | None = None, *,
                lengths: Any = None) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Return ``output, (h_n, c_n)``; ``hx`` is ``(h_0, c_0)`` or ``None`` for zeros."""
        if hx is not None and (not isinstance(hx, tuple) or len(hx) != 2):
            raise TypeError(f"LSTM: expected hx to be a tuple (h_0, c_0), got "
                            f"{type_name(hx)}")
        output, (h_n, c_n) = self._run(input, hx, lengths)
        return output, (h_n, c_n)

    def backward(self, grad_output: np.ndarray | None, grad_h_n: np.ndarray | None = None,
                 grad_c_n: np.ndarray | None = None) -> np.ndarray:
        """Backpropagation through time; return ``dL/d input``, set ``grad_h_0``, ``grad_c_0``."""
        return self._backprop(grad_output, (grad_h_n, grad_c_n))
