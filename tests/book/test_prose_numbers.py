"""No number typed into a chapter's prose: each comes from a glue role, maths or code, or is a
non-result covered by ``prose_numbers_allow.txt`` (see ``prose_numbers.py``)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.book.prose_numbers import load_allow, prose_lines, typed_numbers

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (REPO / "book").glob("*/*.md") if p.parent.name not in {"api", "_inv"})


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_number_typed_into_prose(chapter):
    found = typed_numbers(chapter.relative_to(REPO))
    assert not found, (
        f"{len(found)} prose lines type a number by hand (glue it, write it as maths, or allow a "
        "non-result in tests/book/prose_numbers_allow.txt):\n" + "\n".join(found)
    )


def test_allow_list_is_short():
    assert len(load_allow()) <= 12, "the allow-list should hold general rules, not instances"


def test_the_checker_flags_what_it_should(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(textwrap.dedent("""\
        ---
        jupytext: {}
        ---
        # Title
        The network reaches 97.5% on the test set.
        It has seventeen thousand parameters, a third of the MLP's; five of the 64 pixels are 0.
        Glued: {glue:text}`acc:.1%` and maths $x = 0.5$ and code `lr=0.1` and {cite}`he2016deep`.
        In 1986 backpropagation was popularised; see Part II and Exercise 3.
        ```{code-cell} ipython3
        accuracy = 0.975
        ```
        ```{figure} images/fig1.png
        :name: fig-1
        :width: 80%
        Caption with a typed 42 result.
        ```
        $$
        \\sigma = 0.01
        $$ (eq-label)
        Two layers and three gates are the text's own design.
        """))
    found = typed_numbers(page)
    lines = {int(re.match(r".*?:(\d+):", f).group(1)) for f in found}
    assert lines == {5, 6, 15}, found
    assert "seventeen" in found[1] and "third" in found[1] and "five" in found[1]
    assert [n for n, _ in prose_lines(page.read_text())][0] == 4

