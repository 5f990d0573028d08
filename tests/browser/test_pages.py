"""Open every built page in headless Chromium: no console errors, no failed requests, images
loaded, math typeset, and the circles chapter's width slider changes the figure."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SKIP_DIRS = {"_static", "_sources", "_images", "_sphinx_design_static"}


def _pages(html_root: Path) -> list[str]:
    pages = []
    for path in sorted(html_root.rglob("*.html")):
        relative = path.relative_to(html_root)
        if SKIP_DIRS.intersection(relative.parts):
            continue
        pages.append(relative.as_posix())
    return pages


def _visit(page, url: str) -> dict:
    problems: dict[str, list[str]] = {"console": [], "pageerror": [], "requests": []}
    page.on("console", lambda msg: msg.type == "error" and problems["console"].append(msg.text))
    page.on("pageerror", lambda error: problems["pageerror"].append(str(error)))
    page.on("requestfailed", lambda request: problems["requests"].append(
        f"{request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400 and problems["requests"].append(
        f"{response.url} (HTTP {response.status})"))
    page.goto(url, wait_until="load")
    return problems


def test_every_page_loads_cleanly(built_book, site, page):
    pages = _pages(built_book)
    assert len(pages) >= 10, f"expected the book's pages, found only {pages}"
    failures = []
    for relative in pages:
        page = page.context.new_page()  # fresh listeners for every page
        problems = _visit(page, site + relative)
        if page.locator("div.math, span.math").count():
            page.wait_for_function("() => window.MathJax && window.MathJax.startup"
                                   " && window.MathJax.startup.promise", timeout=20_000)
            page.evaluate("() => window.MathJax.startup.promise")
        broken = page.evaluate(
            "() => Array.from(document.images)"
            ".filter(img => !(img.complete && img.naturalWidth > 0))"
            ".map(img => img.currentSrc || img.src)")
        math_errors = page.locator("mjx-merror").count()
        untypeset = page.evaluate(
            "() => Array.from(document.querySelectorAll('div.math, span.math'))"
            ".filter(el => !el.querySelector('mjx-container')).length")
        for kind, items in problems.items():
            failures += [f"{relative}: {kind}: {item}" for item in items]
        failures += [f"{relative}: broken image {src}" for src in broken]
        if math_errors:
            failures.append(f"{relative}: {math_errors} MathJax errors")
        if untypeset:
            failures.append(f"{relative}: {untypeset} math elements not typeset by MathJax")
        page.close()
    assert not failures, "\n".join(failures)


def test_chapters_contain_math_figures_and_code(site, page):
    _visit(page, site + "book/foundations/backprop.html")
    page.evaluate("() => window.MathJax.startup.promise")
    assert page.locator("mjx-container").count() > 5, "backprop chapter: math not typeset"
    assert page.locator("img").count() >= 1, "backprop chapter: no figure"
    assert page.locator("div.cell").count() >= 5, "backprop chapter: no executed cells"


def test_width_slider_changes_the_figure(site, page):
    problems = _visit(page, site + "book/foundations/circles.html")
    slider_box = page.locator("div.dlbook-slider").first
    assert slider_box.count() == 1, "circles chapter: no div.dlbook-slider on the page"
    frames = int(slider_box.get_attribute("data-frames"))
    assert frames == 6, f"slider: expected one frame per width 1..6, got {frames}"
    # matplotlib's player sets the range's max once its script has run (a setTimeout).
    page.wait_for_function(
        f"document.querySelector('div.dlbook-slider input.anim-slider').max === '{frames - 1}'")
    slider = slider_box.locator("input.anim-slider")
    image = slider_box.locator("img.dlbook-slider-frame")
    first = image.get_attribute("src")
    maximum = frames - 1
    seen = {first}
    for value in range(1, maximum + 1):
        slider.fill(str(value))  # sets the value and fires the input event a reader's drag fires
        page.wait_for_timeout(50)
        seen.add(image.get_attribute("src"))
    assert len(seen) == maximum + 1, f"slider: {maximum + 1} positions showed {len(seen)} images"
    assert not problems["pageerror"], problems["pageerror"]
