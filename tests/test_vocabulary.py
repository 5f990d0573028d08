"""One vocabulary (DESIGN.md, "Layout"): ``nn`` always means ``torch.nn``, the NumPy side is
``dnp`` (``import dlbook.np as dnp``), and every randomness argument of the package is ``rng``.

A chapter that binds ``nn`` to ``dlbook.np.nn`` makes ``nn.Linear`` mean two different things in
two chapters; a function that takes ``seed`` or ``random_state`` makes a reader guess which of
three names this one uses.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import dlbook

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in (REPO / "book").glob("*/*.md") if p.parent.name not in {"api", "_inv"})
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
NUMPY_NN = re.compile(r"^\s*(from dlbook\.np import .*\bnn\b|import dlbook\.np\.nn as \w+)", re.M)
OTHER_NAMES = {"seed", "random_state"}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapters_reach_the_numpy_layers_through_dnp(chapter):
    code = "\n".join(CELL.findall(chapter.read_text(encoding="utf-8")))
    found = [m.group(0).strip() for m in NUMPY_NN.finditer(code)]
    assert not found, (f"{chapter.name}: write `import dlbook.np as dnp` and `dnp.nn.X` "
                       f"(nn is torch.nn everywhere), not {found}")


def _public_callables():
    for info in pkgutil.walk_packages(dlbook.__path__, prefix="dlbook."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if getattr(obj, "__module__", "").startswith("dlbook") and callable(obj):
                yield f"{info.name}.{name}", obj


def test_every_randomness_argument_is_called_rng():
    wrong = []
    for qualified, obj in _public_callables():
        try:
            parameters = inspect.signature(obj).parameters
        except (TypeError, ValueError):
            continue
        wrong += [f"{qualified}({name}=...)" for name in parameters if name in OTHER_NAMES]
    # manual_seed(seed) (and its NumPy-side alias) is the one function whose subject is the
    # seed itself, as in torch.
    wrong = [w for w in wrong if not re.search(r"\.manual_seed\(seed=", w)]
    assert not wrong, (f"expected every randomness argument to be called rng, "
                       f"got {sorted(set(wrong))}")
