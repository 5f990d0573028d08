"""Variable-length batches: ``lengths=`` against torch's pack_padded_sequence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlbook.np.nn import GRU, LSTM, RNN
from dlbook.np.nn.functional import lengths_mask
from dlbook.testing import assert_close
from tests.np.nn.recurrent_helpers import SETTINGS, check_parity, make_pair


@SETTINGS
@given(kind=st.sampled_from(["RNN", "LSTM", "GRU"]), data=st.data(),
       batch=st.integers(1, 4), seq_len=st.integers(1, 5), input_size=st.integers(1, 4),
       hidden_size=st.integers(1, 4), num_layers=st.integers(1, 2), batch_first=st.booleans(),
       bidirectional=st.booleans(), bias=st.booleans(), initial=st.booleans(),
       seed=st.integers(0, 2**16))
def test_lengths_match_packed_sequences(kind, data, batch, seq_len, input_size, hidden_size,
                                        num_layers, batch_first, bidirectional, bias, initial,
                                        seed):
    lengths = np.array(data.draw(st.lists(st.integers(1, seq_len), min_size=batch,
                                          max_size=batch)))
    ours, theirs = make_pair(kind, input_size, hidden_size, num_layers=num_layers, bias=bias,
                             batch_first=batch_first, bidirectional=bidirectional, seed=seed)
    shape = (batch, seq_len, input_size) if batch_first else (seq_len, batch, input_size)
    x = np.random.default_rng(seed + 1).standard_normal(shape)
    check_parity(kind, ours, theirs, x, initial=initial, seed=seed, lengths=lengths)


@pytest.mark.parametrize("cls", [RNN, LSTM, GRU])
def test_padding_changes_nothing(cls):
    """The real part of a padded batch gives what each sequence gives on its own."""
    layer = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=np.float64,
                rng=0)
    rng = np.random.default_rng(0)
    short = rng.standard_normal((1, 2, 3))
    padded = np.concatenate([short, rng.standard_normal((1, 3, 3)) * 100], axis=1)  # junk pad
    out_alone, final_alone = layer(short)
    out, final = layer(padded, lengths=[2])
    assert_close(out[:, :2], out_alone)
    assert not out[:, 2:].any()
    for a, b in zip(np.atleast_1d(final_alone) if cls is not LSTM else final_alone,
                    np.atleast_1d(final) if cls is not LSTM else final, strict=True):
        assert_close(a, b)
    grad = rng.standard_normal(out.shape)
    grad_x = layer.backward(grad)
    assert not grad_x[:, 2:].any()
    assert_close(grad_x[:, :2], (layer(short), layer.backward(grad[:, :2]))[1])


def test_mask():
    assert lengths_mask(np.array([1, 3]), 3).tolist() == [[True, True], [False, True],
                                                          [False, True]]


def test_bad_lengths():
    layer = LSTM(2, 3)
    x = np.zeros((4, 2, 2), dtype=np.float32)
    with pytest.raises(ValueError, match=r"LSTM: expected lengths in \[1, 4\] \(the sequence "
                                         r"length\), got values in \[0, 2\]"):
        layer(x, lengths=[0, 2])
    with pytest.raises(ValueError, match=r"LSTM: expected lengths of shape \(2,\) \(one length "
                                         r"per sequence\), got \(3,\)"):
        layer(x, lengths=[1, 2, 3])
    with pytest.raises(TypeError, match="LSTM: expected lengths with an integer dtype"):
        layer(x, lengths=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"GRU: lengths needs batched input"):
        GRU(2, 3)(np.zeros((4, 2), dtype=np.float32), lengths=[4])
