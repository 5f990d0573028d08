"""The book's significance rule, dlbook.metrics.compare_seeds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlbook.metrics import compare_seeds

scores = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=8)


def test_disjoint_ranges_count_and_overlapping_ones_do_not():
    assert compare_seeds([1, 2, 3], [4, 5, 6]).higher == "b"
    assert compare_seeds([7, 8], [4, 5, 6]).higher == "a"
    null = compare_seeds([1, 4, 3], [2, 5, 6])
    assert not null.significant and null.higher is None


def test_ties_across_arms_are_not_a_difference():
    assert not compare_seeds([1, 2, 3], [3, 4, 5]).significant


@given(scores, scores)
def test_rule_is_symmetric_and_matches_ranges(a, b):
    forward, backward = compare_seeds(a, b), compare_seeds(b, a)
    assert forward.significant == backward.significant == (min(a) > max(b) or min(b) > max(a))
    assert forward.false_alarm_rate == pytest.approx(2 / math.comb(len(a) + len(b), len(a)))
    assert forward.difference == pytest.approx(-backward.difference, abs=1e-6)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1.0], [1.0, 2.0], r"scores_a as one score per seed, at least 2, got shape \(1,\)"),
        ([1.0, 2.0], [[1.0, 2.0]], r"scores_b as one score per seed, at least 2, got shape "
                                   r"\(1, 2\)"),
        ([1.0, float("nan")], [1.0, 2.0], r"expected finite scores in scores_a"),
    ],
)
def test_bad_input_is_named(a, b, message):
    with pytest.raises(ValueError, match=message):
        compare_seeds(a, b)
