"""Time the book build: a cold build from an empty folder (every chapter executed), each chapter's
execution time (from the build's own jupyter-cache records), and a rebuild with nothing changed.

    .venv/bin/python benchmarks/build_times.py

Prints a table; asserts nothing (timings on a shared machine are noisy: read them, compare runs).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 60  # per chapter on 2 CPU cores (DESIGN.md)


def build(out: Path) -> float:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, DLBOOK_PROGRESS="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
    start = time.perf_counter()
    subprocess.run([str(jupyter_book), "build", str(REPO), "--path-output", str(out),
                    "-W", "-n", "--keep-going"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def chapter_times(out: Path) -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(out / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        seconds = record.data.get("execution_seconds")
        uri = Path(record.uri)
        name = uri.relative_to(REPO).as_posix() if uri.is_relative_to(REPO) else uri.name
        times[name] = seconds
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        cold = build(out)
        times = chapter_times(out)
        warm = build(out)
    print(f"{'chapter':48s} {'seconds':>8s} {'share of budget':>16s}")
    for name, seconds in sorted(times.items(), key=lambda item: -(item[1] or 0)):
        print(f"{name:48s} {seconds:8.1f} {seconds / BUDGET_SECONDS:15.0%}")
    print(f"{'all chapters (sum of execution)':48s} {sum(t or 0 for t in times.values()):8.1f}")
    print(f"{'cold build, whole book (wall)':48s} {cold:8.1f}")
    print(f"{'rebuild with nothing changed (wall)':48s} {warm:8.1f}")
    print(f"{'rebuild / cold':48s} {warm / cold:8.2f}")
    print(f"cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
