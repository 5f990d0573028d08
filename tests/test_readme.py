"""The README's example of using dlbook from your own code runs as printed."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(capsys):
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using dlbook from your own code", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    accuracy = float(capsys.readouterr().out.strip().splitlines()[-1])
    assert 0.9 <= accuracy <= 1.0, f"README example: validation accuracy {accuracy}"
