"""A thin wrapper over tqdm, so every training loop shows (or hides) progress the same way.

The book build sets ``DLBOOK_PROGRESS=0`` so that no progress bar is written into a page.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")

ENV_VAR = "DLBOOK_PROGRESS"


def progress_enabled(enabled: bool | None) -> bool:
    """Resolve the ``progress`` argument of a training loop to a bool.

    ``None`` means "on, unless the environment variable ``DLBOOK_PROGRESS`` is ``'0'``".

    Examples
    --------
    >>> progress_enabled(False)
    False
    >>> progress_enabled(True)
    True
    """
    if enabled is None:
        return os.environ.get(ENV_VAR, "1").strip() != "0"
    if not isinstance(enabled, bool):
        raise TypeError(f"progress: expected True, False or None, got {enabled!r}")
    return enabled


def _tqdm_class() -> Any:
    # tqdm.auto warns (TqdmWarning) when ipywidgets is missing; pick the plain bar instead.
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


def progress_bar(
    iterable: Iterable[T],
    enabled: bool | None = None,
    *,
    desc: str | None = None,
    total: int | None = None,
    leave: bool = False,
) -> Iterable[T]:
    """Wrap ``iterable`` in a tqdm progress bar, or return it unchanged when disabled.

    Parameters
    ----------
    iterable
        What to iterate over.
    enabled
        ``True`` or ``False``; ``None`` means on unless ``DLBOOK_PROGRESS`` is ``'0'``.
    desc
        A label shown before the bar.
    total
        Number of items, when ``len(iterable)`` is not available.
    leave
        Keep the finished bar on screen (default ``False``: bars vanish when done).

    Examples
    --------
    >>> list(progress_bar(range(3), enabled=False))
    [0, 1, 2]

    Introduced in :doc:`/book/foundations/training`.
    """
    if not progress_enabled(enabled):
        return iterable
    tqdm = _tqdm_class()
    return tqdm(iterable, desc=desc, total=total, leave=leave, dynamic_ncols=True)
