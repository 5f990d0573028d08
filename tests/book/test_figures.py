"""Figures readable at the page's width (DESIGN.md, "The book"): every chapter that draws uses the
book's style (text sizes in dlbook.viz.BOOK_STYLE), no figure is wider than the style keeps
readable, and no text is set in a small font by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlbook.viz import MAX_FIGURE_WIDTH

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (REPO / "book").glob("*/*.md") if p.parent.name not in {"api", "_inv"})
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
DRAWS = re.compile(r"plt\.(subplots|figure)\(|\bviz\.(plot|show)_|\bplot_\w+\(|show_images\(")
SMALLEST_FONT = 10


def _code(chapter: Path) -> str:
    return "\n".join(CELL.findall(chapter.read_text(encoding="utf-8")))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figures_follow_the_book_style(chapter):
    code = _code(chapter)
    if not DRAWS.search(code):
        return
    problems = []
    if "use_book_style()" not in code:
        problems.append("draws figures but never calls dlbook.viz.use_book_style()")
    for match in re.finditer(r"figsize=\(\s*([\d.]+)\s*,", code):
        if float(match.group(1)) > MAX_FIGURE_WIDTH:
            problems.append(f"figsize width {match.group(1)} in > {MAX_FIGURE_WIDTH} in")
    for match in re.finditer(r"fontsize=([\d.]+)", code):
        if float(match.group(1)) < SMALLEST_FONT:
            problems.append(f"fontsize={match.group(1)} < {SMALLEST_FONT}")
    assert not problems, f"{chapter.relative_to(REPO)}: " + "; ".join(problems)
