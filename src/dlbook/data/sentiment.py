"""A small synthetic sentiment corpus in which word order matters (negation, "but")."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_positive_int
from dlbook.random import resolve_rng

__all__ = ["text_sentiment"]

_SUBJECTS = ["the movie", "this film", "the plot", "the acting", "the soundtrack",
             "the ending", "the story", "the cast", "the script", "the direction"]
_VERBS = ["is", "was", "felt", "seemed"]
_INTENSIFIERS = ["", "", "very", "really", "quite", "truly"]
_POSITIVE = ["good", "great", "wonderful", "brilliant", "enjoyable", "moving", "funny",
             "beautiful", "clever", "charming"]
_NEGATIVE = ["bad", "boring", "awful", "dull", "terrible", "weak", "predictable",
             "confusing", "clumsy", "tedious"]
_NEGATED_VERBS = ["is not", "was not", "is never", "was never", "did not seem",
                  "never seemed"]
_OPENERS = ["", "", "", "honestly ,", "overall ,", "i think", "in my opinion ,"]


def _clause(rng: np.random.Generator, subject: str) -> tuple[str, int]:
    """A clause and its polarity (1 positive): a negation flips the adjective's."""
    positive = bool(rng.integers(2))
    adjective = rng.choice(_POSITIVE if positive else _NEGATIVE)
    negated = rng.random() < 0.4
    verb = rng.choice(_NEGATED_VERBS if negated else _VERBS)
    words = [subject, verb, rng.choice(_INTENSIFIERS), adjective]
    return " ".join(w for w in words if w), int(positive != negated)


def text_sentiment(n_samples: int = 2000, rng: Any = 0) -> tuple[list[str], np.ndarray]:
    """Short review-like sentences labelled positive (1) or negative (0), generated offline.

    Sentences are built from templates. A clause is "subject verb [very] adjective", the
    verb possibly negated ("was not", "never seemed"), and a negation flips the adjective's
    polarity ("the plot was not boring" is positive). Half of the sentences join two clauses
    with "but", and then the clause after "but" decides the label ("the acting was great but
    the ending was dull" is negative). The same words appear in positive and negative
    sentences, so a bag-of-words model cannot solve the task completely: the order of the
    words matters, which is what a many-to-one recurrent classifier can exploit. The
    generator is the book's own, not a real corpus.

    Parameters
    ----------
    n_samples : int
        Number of sentences.
    rng : int, numpy.random.Generator or None
        A seed for a fresh generator, a generator to draw from, or ``None`` for the package's
        global generator (:func:`dlbook.random.manual_seed`).

    Returns
    -------
    texts : list of str
    labels : numpy.ndarray
        int64, ``(n_samples,)``.

    Examples
    --------
    >>> texts, labels = text_sentiment(3, rng=1)
    >>> len(texts), labels.dtype
    (3, dtype('int64'))
    >>> text_sentiment(5, rng=1)[0][:3] == texts
    True

    Introduced in :doc:`/book/sequences/text-classification`.
    """
    n_samples = check_positive_int(n_samples, "n_samples", caller="text_sentiment")
    rng = resolve_rng(rng, caller="text_sentiment")
    texts, labels = [], np.empty(n_samples, dtype=np.int64)
    for i in range(n_samples):
        first_subject, second_subject = rng.choice(_SUBJECTS, size=2, replace=False)
        text, label = _clause(rng, first_subject)
        if rng.random() < 0.5:
            second, label = _clause(rng, second_subject)
            text = f"{text} but {second}"
        opener = rng.choice(_OPENERS)
        texts.append(f"{opener} {text} .".strip())
        labels[i] = label
    return texts, labels
