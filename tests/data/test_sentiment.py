"""dlbook.data.sentiment.text_sentiment: shapes, determinism, the labelling rule, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import sentiment
from dlbook.data.sentiment import text_sentiment


def _polarity(clause: str) -> int:
    """The label the generator's rule gives one clause: the adjective's polarity, flipped by a
    negated verb."""
    words = clause.split()
    adjective = words[-1]
    positive = adjective in sentiment._POSITIVE
    assert positive or adjective in sentiment._NEGATIVE, clause
    negated = "not" in words or "never" in words
    return int(positive != negated)


def test_shapes_and_types():
    texts, labels = text_sentiment(50, rng=3)
    assert isinstance(texts, list) and len(texts) == 50
    assert all(isinstance(t, str) and t.endswith(" .") for t in texts)
    assert labels.shape == (50,) and labels.dtype == np.int64
    assert set(labels.tolist()) <= {0, 1}


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    texts, labels = text_sentiment(40, rng=7)
    again_texts, again_labels = text_sentiment(40, rng=7)
    assert texts == again_texts and np.array_equal(labels, again_labels)
    assert text_sentiment(40, rng=8)[0] != texts
    # a shorter draw is a prefix of a longer one with the same seed
    assert text_sentiment(10, rng=7)[0] == texts[:10]


def test_labels_follow_the_rule_the_clause_after_but_decides():
    texts, labels = text_sentiment(500, rng=0)
    contrasted = 0
    for text, label in zip(texts, labels.tolist(), strict=True):
        body = text.removesuffix(" .")
        if " but " in body:
            contrasted += 1
            body = body.split(" but ")[1]
        assert _polarity(body) == label, text
    assert 0 < contrasted < len(texts)  # both kinds of sentence occur
    assert 0.3 < labels.mean() < 0.7  # roughly balanced


@pytest.mark.parametrize(("n_samples", "error", "message"), [
    (0, ValueError, r"text_sentiment: expected n_samples >= 1, got 0"),
    (-3, ValueError, r"text_sentiment: expected n_samples >= 1, got -3"),
    (2.5, TypeError, r"text_sentiment: expected n_samples to be an int"),
    ("10", TypeError, r"text_sentiment: expected n_samples to be an int"),
])
def test_bad_input(n_samples, error, message):
    with pytest.raises(error, match=message):
        text_sentiment(n_samples)


def test_rng_takes_a_seed_or_a_generator_and_refuses_anything_else():
    from_seed = text_sentiment(20, rng=5)
    from_generator = text_sentiment(20, rng=np.random.default_rng(5))
    assert from_seed[0] == from_generator[0]
    np.testing.assert_array_equal(from_seed[1], from_generator[1])
    with pytest.raises(TypeError, match="text_sentiment: expected rng to be None, an int seed "
                                        "or a numpy.random.Generator, got str"):
        text_sentiment(5, rng="five")
