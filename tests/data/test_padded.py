"""Tests of dlbook.data.PaddedBatchLoader."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.data import PaddedBatchLoader, pad_sequences


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 7), min_size=1, max_size=30), st.integers(1, 8),
       st.one_of(st.none(), st.integers(0, 100)))
def test_each_sequence_once_per_pass_cut_to_its_batch(lengths, batch_size, seed):
    ids, lengths = pad_sequences([list(range(1, n + 1)) for n in lengths])
    targets = np.arange(len(ids))  # a target names its row
    loader = PaddedBatchLoader(ids, lengths, targets, batch_size, rng=seed)
    for _ in range(2):  # every pass, a new order when shuffling
        batches = list(loader)
        assert len(batches) == len(loader) == -(-len(ids) // batch_size)
        seen = np.concatenate([rows for _, rows, _ in batches])
        assert sorted(seen.tolist()) == list(range(len(ids)))
        for batch_ids, rows, batch_lengths in batches:
            assert batch_ids.shape == (len(rows), batch_lengths.max())
            np.testing.assert_array_equal(batch_lengths, lengths[rows])
            np.testing.assert_array_equal(batch_ids, ids[rows, :batch_lengths.max()])


def test_order_is_the_generators_permutation():
    ids, lengths = pad_sequences([[1], [2, 3], [4, 5, 6], [7]])
    loader = PaddedBatchLoader(ids, lengths, np.arange(4), 4, rng=0)
    _, rows, _ = next(iter(loader))
    np.testing.assert_array_equal(rows, np.random.default_rng(0).permutation(4))
    _, rows, _ = next(iter(PaddedBatchLoader(ids, lengths, np.arange(4), 4)))
    np.testing.assert_array_equal(rows, np.arange(4))


def test_bad_input_is_refused():
    ids, lengths = pad_sequences([[1, 2], [3]])
    with pytest.raises(ValueError, match=r"expected ids of shape \(N, T\), got \(2,\)"):
        PaddedBatchLoader(ids[:, 0], lengths, [0, 1], 2)
    with pytest.raises(ValueError, match=r"expected lengths of shape \(2,\) and targets of "
                                         r"shape \(2, \.\.\.\), got \(1,\) and \(2,\)"):
        PaddedBatchLoader(ids, lengths[:1], [0, 1], 2)
    with pytest.raises(ValueError, match=r"expected lengths in 1 \.\. 2, got 1 \.\. 3"):
        PaddedBatchLoader(ids, np.array([3, 1]), [0, 1], 2)
    with pytest.raises(TypeError, match="expected integer lengths, got dtype float64"):
        PaddedBatchLoader(ids, np.array([2.0, 1.0]), [0, 1], 2)
    with pytest.raises(TypeError, match="expected rng to be None, a seed or a "
                                        "numpy.random.Generator, got str"):
        PaddedBatchLoader(ids, lengths, [0, 1], 2, rng="zero")
    with pytest.raises(ValueError, match="batch_size"):
        PaddedBatchLoader(ids, lengths, [0, 1], 0)
