"""Cases that the tests of both ``fit`` functions share (tests/np/test_train.py and
tests/torch/test_train.py): the data, the bad calls that both refuse with the same message,
and the check that a chapter-style ``fit`` trains bitwise as the hand-written loop it replaced.

Each side builds a ``SimpleNamespace`` with its own ``fit``, ``model``, ``loss_fn``,
``optimizer`` and ``loader``; a row here is ``(error type, message pattern, call)``, where the
call takes that namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dlbook.data import circles, train_val_test_split
from dlbook.metrics import accuracy


def circles_split():
    """The two-circles data both sides train on: ``(train, val, test)`` pairs."""
    X, y = circles(n_samples=300, noise=0.1, factor=0.5, rng=0)
    return train_val_test_split(X, y, val_size=0.2, test_size=0.2, rng=0)


# Bad calls both fit functions refuse with the same message.
SHARED_BAD_FIT_CALLS = [
    (ValueError, r"fit: expected epochs >= 1, got 0",
     lambda s: s.fit(s.model, s.loss_fn, s.optimizer, s.loader, epochs=0)),
    (ValueError, r"fit: train_loader yielded no batch",
     lambda s: s.fit(s.model, s.loss_fn, s.optimizer, [], epochs=1, progress=False)),
]


def check_bad_call(setup: Any, error: type[Exception], message: str,
                   call: Callable[[Any], Any]) -> None:
    with pytest.raises(error, match=message):
        call(setup)


# The keyword arguments a chapter passes to fit, each of which must train as the old loop did.
chapter_style_kwargs = pytest.mark.parametrize(
    "kwargs", [{}, {"metrics": None}, {"metric": accuracy}],
    ids=["default metrics", "metrics=None", "legacy metric="])


def assert_same_run(ours: tuple, theirs: tuple, equal: Callable[[Any, Any], bool]) -> None:
    """Two ``(model, iteration losses, validation losses)`` runs are bitwise the same."""
    ours_model, ours_losses, ours_val = ours
    theirs_model, their_losses, their_val = theirs
    assert ours_losses == their_losses and ours_val == their_val
    for (name, p), q in zip(ours_model.named_parameters(), theirs_model.parameters(),
                            strict=True):
        assert equal(p, q), name
