"""Find numbers typed into a chapter's prose: digits and number words outside glue roles, maths,
code, cross-references and directive options.

Every number a chapter quotes from an experiment must come from a ``{glue}`` role, so the prose
cannot drift from the results. Numbers that are not results (years, citations, sizes the text
chooses, syllabus item numbers) are allowed by the patterns in ``prose_numbers_allow.txt``.

Run ``python tests/book/prose_numbers.py book/<part>/<chapter>.md ...`` to list what it flags;
``tests/book/test_prose_numbers.py`` runs it over every chapter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALLOW_FILE = HERE / "prose_numbers_allow.txt"

# Number words: large counts and multiples always; fractions after an article or a count ("a
# third", "two thirds", not "the third layer"); the small cardinals (two to twelve) and "half" only
# in a count-of pattern ("five of the 64", "half of the 64"), because on their own they nearly
# always describe the text's own design ("two layers", "the first half").
_BIG = (
    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion "
    "billions twice thrice dozen dozens"
).split()
_FRACTIONS = (
    "third thirds quarter quarters fifth fifths sixth sixths seventh sevenths eighth eighths "
    "ninth ninths tenth tenths hundredth hundredths thousandth thousandths"
).split()
_SMALL = "two three four five six seven eight nine ten eleven twelve half".split()
NUMBER = re.compile(
    r"(?<![\w.])(?:\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?|\.\d+)"  # 12, 1,797, 0.5, 1e-3, .5
    r"|\b(?:" + "|".join(_BIG) + r")(?:-\w+)?\b"  # seventeen, thirty-fourth, twice
    r"|\b(?:a|an|one|" + "|".join(_SMALL) + r")[ -](?:" + "|".join(_FRACTIONS) + r")\b"
    r"|\b(?:" + "|".join(_SMALL) + r")\b(?= (?:of|out of|in) (?:the |its |their |these |all )?"
    r"(?:\d|" + "|".join(_SMALL + _BIG) + r"))",  # five of the 64, three out of four
    re.IGNORECASE,
)

# Inline pieces whose numbers are not prose: roles (glue, cite, doc, ref, numref, eq, math, ...),
# inline code, inline maths, link targets, HTML comments, substitutions.
_INLINE = [
    re.compile(r"\{[\w:.-]+\}`[^`]*`"),  # {role}`...`
    re.compile(r"``[^`]+``|`[^`]+`"),  # inline code
    re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$]+?\$"),  # inline maths (may span lines)
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<!--.*?-->"),
    re.compile(r"\{\{[^}]*\}\}"),
    re.compile(r"https?://\S+"),
]


_CODE_LIKE = {
    "code-cell", "code-block", "code", "sourcecode", "math", "literalinclude", "raw",
    "bibliography", "mermaid", "eval-rst", "tableofcontents", "nb-exec-table", "glue:math",
    "glue:any", "glue",
}


def prose_lines(text: str):
    """Yield ``(line_number, line)`` for lines of prose (outside code, maths and front matter).

    Captions (``figure``, ``glue:figure``), admonitions, exercises and solutions are prose.
    """
    lines = text.splitlines()
    i = 0
    if lines and lines[0] == "---":  # front matter
        i = 1
        while i < len(lines) and lines[i] != "---":
            i += 1
        i += 1
    stack: list[str] = []  # open directive fences
    while i < len(lines):
        line, stripped, number = lines[i], lines[i].strip(), i + 1
        i += 1
        if stripped.startswith("<!--"):
            while "-->" not in lines[i - 1]:
                i += 1
            continue
        if stripped.startswith("$$"):
            if "$$" not in stripped[2:]:
                while i < len(lines) and "$$" not in lines[i]:
                    i += 1
                i += 1
            continue
        fence = re.match(r"^(`{3,}|~{3,}|:{3,})\s*(?:\{([\w:-]+)\})?(.*)$", stripped)
        if fence:
            marker, directive = fence.group(1), fence.group(2)
            if stack and stripped == stack[-1]:
                stack.pop()
            elif directive in _CODE_LIKE or (directive is None and marker[0] != ":"):
                while i < len(lines) and lines[i].strip() != marker:
                    i += 1
                i += 1
            else:
                stack.append(marker)
            continue  # a directive's own line holds its name and title, not prose numbers
        if re.match(r"^:[\w-]+:", stripped):  # directive options (:name:, :width:, :tags:)
            continue
        if re.match(r"^\([\w-]+\)=$", stripped):  # labels
            continue
        yield number, line


def load_allow(path: Path = ALLOW_FILE) -> list[tuple[re.Pattern, re.Pattern]]:
    """Read the allow-list: ``<file glob regex> :: <pattern>`` per line, ``#`` comments."""
    rules = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not raw:
            continue
        where, _, pattern = raw.partition("::")
        rules.append((re.compile(where.strip()), re.compile(pattern.strip())))
    return rules


def typed_numbers(path: Path, rules=None) -> list[str]:
    """Every number typed into the prose of ``path`` that no allow-list rule covers."""
    rules = load_allow() if rules is None else rules
    name = path.as_posix()
    active = [pattern for where, pattern in rules if where.search(name)]
    found = []
    for paragraph in _paragraphs(prose_lines(path.read_text(encoding="utf-8"))):
        numbers = [number for number, _ in paragraph]
        text = "\n".join(line for _, line in paragraph)
        for pattern in _INLINE + active:  # keep the newlines, so line numbers survive
            text = pattern.sub(lambda m: "\n" * m.group(0).count("\n") + " ", text)
        for number, cleaned, (_, line) in zip(numbers, text.split("\n"), paragraph, strict=True):
            hits = [m.group(0) for m in NUMBER.finditer(cleaned)]
            if hits:
                found.append(f"{name}:{number}: {', '.join(hits)}  | {line.strip()[:110]}")
    return found


def _paragraphs(lines):
    """Group ``(number, line)`` pairs into runs of consecutive, non-blank lines."""
    paragraph: list[tuple[int, str]] = []
    for number, line in lines:
        if paragraph and (number != paragraph[-1][0] + 1 or not line.strip()):
            yield paragraph
            paragraph = []
        if line.strip():
            paragraph.append((number, line))
    if paragraph:
        yield paragraph


def main(argv: list[str]) -> int:
    problems = []
    for arg in argv:
        problems += typed_numbers(Path(arg))
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
