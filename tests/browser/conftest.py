"""A local HTTP server over the built book and a headless Chromium driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site(built_book: Path):
    """Serve the built HTML on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _mathjax_dir() -> Path:
    spec = importlib.util.find_spec("mathjax")
    if spec is None or spec.origin is None:
        pytest.fail("MathJax files missing: install the test extra (django-static-mathjax)")
    return Path(spec.origin).parent / "static" / "mathjax" / "es5"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page whose MathJax requests are answered from the local MathJax package.

    The published book loads MathJax from its CDN; the test machine has no network, so the same
    URLs are served from the files of the ``django-static-mathjax`` wheel.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    mathjax = _mathjax_dir()

    def serve_mathjax(route):
        relative = route.request.url[len(MATHJAX_CDN):].split("?")[0]
        path = mathjax / relative
        if path.is_file():
            content_type = "application/javascript" if path.suffix == ".js" else "font/woff"
            route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)
        else:
            route.fulfill(status=404, body="")

    context.route(MATHJAX_CDN + "**", serve_mathjax)
    page = context.new_page()
    yield page
    context.close()
