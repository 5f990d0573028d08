"""Shared fixtures: the devices present, and the built book for the book and browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]


def _devices() -> list:
    devices = [pytest.param("cpu", id="cpu")]
    devices.append(
        pytest.param(
            "cuda",
            id="cuda",
            marks=[
                pytest.mark.cuda,
                pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
            ],
        )
    )
    return devices


@pytest.fixture(params=_devices())
def device(request) -> str:
    """Each torch device present: "cpu" always, "cuda" (marked ``cuda``) when a GPU exists."""
    return request.param


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the whole book from a fresh folder with warnings as errors; return the HTML root.

    Set DLBOOK_BUILT_HTML to an existing ``_build/html`` to test a book built beforehand instead
    (handy while writing browser tests; the full suite always builds afresh).
    """
    prebuilt = os.environ.get("DLBOOK_BUILT_HTML")
    if prebuilt:
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, DLBOOK_PROGRESS="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
    command = [str(jupyter_book), "build", str(REPO), "--path-output", str(out),
               "-W", "-n", "--keep-going", "--all"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    log = result.stdout + result.stderr
    (out / "build.log").write_text(log)
    if result.returncode != 0:
        tail = "\n".join(log.splitlines()[-80:])
        pytest.fail(f"the book build failed (exit {result.returncode}):\n{tail}", pytrace=False)
    html = out / "_build" / "html"
    assert (html / "index.html").exists(), f"no index.html in {html}"
    return html


def pytest_report_header(config) -> str:
    cuda = torch.cuda.is_available()
    chromium = shutil.which("chromium")
    return f"torch {torch.__version__}, CUDA available: {cuda}, chromium: {chromium}"
