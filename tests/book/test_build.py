"""The book itself: a fresh build with warnings as errors (the ``built_book`` fixture), then checks
of what it produced that Sphinx does not check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.book

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((REPO / "book").glob("*/*.md"))
CHAPTERS = [c for c in CHAPTERS if c.parent.name not in {"api", "_inv"}]


def _toc_files() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return files


def test_every_toc_entry_is_built(built_book):
    missing = [f for f in _toc_files() if not (built_book / f"{f}.html").exists()]
    assert not missing, f"pages in _toc.yml with no built HTML: {missing}"


def test_no_local_paths_or_stderr_in_pages(built_book):
    local = re.compile(r"(/work/|/home/|/tmp/|/root/|\.venv/|site-packages)")
    problems = []
    for page in built_book.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        for match in local.finditer(text):
            context = text[max(0, match.start() - 60): match.end() + 60].replace("\n", " ")
            problems.append(f"{page.relative_to(built_book)}: local path: ...{context}...")
            break
        if "output stderr" in text:
            problems.append(f"{page.relative_to(built_book)}: a cell wrote to stderr")
        if "output traceback" in text or "output error" in text:
            problems.append(f"{page.relative_to(built_book)}: a cell raised an error")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_follows_the_standard(chapter):
    """Each chapter: a jupytext header, learning goals, citations, glued numbers, hidden
    assertions, exercises with folded solutions and a summary (DESIGN.md, "The book")."""
    text = chapter.read_text(encoding="utf-8")
    name = chapter.relative_to(REPO)
    assert text.startswith("---\njupytext:"), f"{name}: no jupytext header"
    checks = {
        "learning goals up front": re.search(r"(?i)you will (be able to|learn)|learning goals",
                                             text[:4000]),
        "a citation": "{cite" in text,
        "a glued number in the prose": "{glue:" in text or "{glue}" in text,
        "a hidden assertion": re.search(r":tags: \[remove-cell\][^`]*?assert", text, re.S),
        "an exercise": re.search(r"(?i)\{admonition\} Exercise", text),
        "a folded solution": "{dropdown}" in text,
        "a summary": re.search(r"(?im)^## Summary", text),
        "a code cell importing dlbook": re.search(r"(?m)^(from dlbook|import dlbook)", text),
    }
    missing = [what for what, found in checks.items() if not found]
    assert not missing, f"{name}: missing {missing}"


def test_api_reference_links_to_chapters_and_back(built_book):
    api = (built_book / "book/api/np-nn.html").read_text(encoding="utf-8")
    assert "foundations/neuron.html" in api, "API reference: no link to the chapter on Linear"
    chapter = (built_book / "book/foundations/neuron.html").read_text(encoding="utf-8")
    assert "api/np-nn.html#dlbook.np.nn.Linear" in chapter, "neuron chapter: no link to the API"


def test_notebook_download_and_launch_buttons(built_book):
    page = (built_book / "book/foundations/neuron.html").read_text(encoding="utf-8")
    assert ".ipynb" in page, "no .ipynb download button"
    assert "colab.research.google.com" in page, "no Colab launch button"
    assert "mybinder.org" in page, "no Binder launch button"
