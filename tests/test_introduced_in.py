"""The package and the book link both ways, for every public object.

**Which objects.** Every public module under ``src/dlbook`` (no component of its dotted name
starts with ``_``) is imported. Its public objects are the classes and functions named in its
``__all__``; a module without ``__all__`` contributes the public (not ``_``-prefixed) classes and
functions *defined in it* (``obj.__module__`` is the module), not those it imports. Submodules and
constants are not objects here, and neither are methods: a method is documented, and linked,
under its class. An object reachable from several modules (``dlbook.torch.MLP`` is
``dlbook.torch.models.MLP``) is checked once, by identity, under the first public name found.

**Package to book.** The object's own docstring (``obj.__doc__``, never one inherited) has a
sentence starting "Introduced in" that names one or more chapters as :doc:`/book/<part>/<chapter>`
(``:doc:`title </book/part/chapter>``` also counts); each named chapter exists as
``book/<part>/<chapter>.md``.

**Book to package.** Each chapter named *mentions* the object: somewhere in the chapter (prose,
roles, code cells or a ``literalinclude``) a name appears that resolves to that very object.
A name resolves when it is

- a dotted chain starting at ``dlbook`` (``dlbook.np.nn.Conv2d``, inside a ``{py:class}`` role or
  in code, ``~`` or not), looked up attribute by attribute in the imported package;
- a chain starting at a name the chapter's code cells bind by importing from ``dlbook``
  (``import dlbook.np as dnp`` makes ``dnp.nn.Conv2d`` resolve; ``from dlbook.np.nn import
  functional as F`` makes ``F.conv2d`` resolve; ``from dlbook.data import sliding_windows``
  makes a bare ``sliding_windows`` resolve), matched as whole words (not inside a longer
  identifier or after a ``.``, so PyTorch's ``nn.Linear`` never counts for a twin);
- a ``literalinclude`` of ``src/dlbook/<module path>.py`` with ``:pyobject: Name`` (or
  ``Name.method``): it shows ``Name`` of that module.

Every prefix of a chain that resolves counts, so ``dnp.nn.Linear.forward`` mentions ``Linear``.
A bare name the chapter does not import (``Linear`` alone, in prose) does not count: it could be
torch's.

**No private objects in chapters.** No ``literalinclude`` shows a ``_name`` (``:pyobject:
_windows``), no code cell imports one (``from dlbook.x import _name``) or reaches one through
``dlbook``/an alias (``dlbook.np._checks``, ``F._conv2d_forward``), and no code cell holds an
``import dlbook  # noqa`` placeholder.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import dlbook

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
SRC = REPO / "src"

CHAPTERS = sorted(BOOK.glob("*/*.md"))
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
LITERALINCLUDE = re.compile(r"^```\{literalinclude\}\s*(\S+)\s*\n(.*?)^```", re.M | re.S)
PYOBJECT = re.compile(r"^:pyobject:\s*(\S+)", re.M)
# A dotted chain of identifiers that is not itself the tail of a longer chain or identifier.
CHAIN = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
INTRODUCED = re.compile(r"Introduced in\b(.*?)(?:\n\s*\n|$)", re.S)
DOC_ROLE = re.compile(r":doc:`(?:[^`<]*<)?(/book/[^`>]+)>?`")
CELL_OPTION = re.compile(r"^:[\w-]+:")
PLACEHOLDER = re.compile(r"^\s*import dlbook\s*#\s*noqa", re.M)


def public_modules() -> list:
    """Every public module of the package, imported, in name order."""
    names = ["dlbook"]
    for info in pkgutil.walk_packages(dlbook.__path__, prefix="dlbook."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return [importlib.import_module(name) for name in sorted(names)]


def public_objects() -> dict[int, tuple[str, object]]:
    """``id(obj) -> (public dotted name, obj)`` for every public class and function."""
    found: dict[int, tuple[str, object]] = {}
    for module in public_modules():
        if hasattr(module, "__all__"):
            names = list(module.__all__)
        else:
            names = [
                name
                for name, obj in vars(module).items()
                if not name.startswith("_")
                and (inspect.isclass(obj) or inspect.isfunction(obj))
                and getattr(obj, "__module__", None) == module.__name__
            ]
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found.setdefault(id(obj), (f"{module.__name__}.{name}", obj))
    return found


OBJECTS = public_objects()


def named_chapters(obj) -> list[str]:
    """The chapters (``part/chapter``) an object's own docstring says introduce it."""
    doc = obj.__doc__ or ""
    chapters = []
    for sentence in INTRODUCED.findall(doc):
        chapters += [
            target.strip("/").removeprefix("book/") for target in DOC_ROLE.findall(sentence)
        ]
    return chapters


def code_cells(text: str) -> list[str]:
    """The Python source of each code cell, without its options (``:tags:``, a ``---`` block)."""
    cells = []
    for cell in CODE_CELL.findall(text):
        if cell.startswith("---\n"):
            cell = cell.split("\n---\n", 1)[-1]
        lines = cell.splitlines()
        while lines and CELL_OPTION.match(lines[0]):
            lines.pop(0)
        cells.append(
            "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
        )
    return cells


def _bindings(code: str) -> dict[str, object]:
    """Names a chapter's code binds to dlbook objects by importing them."""
    bound: dict[str, object] = {}
    for source in code_cells(code):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != "dlbook":
                        continue
                    if alias.asname:
                        bound[alias.asname] = importlib.import_module(alias.name)
                    else:
                        bound["dlbook"] = dlbook
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] != "dlbook":
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    target = getattr(module, alias.name, None)
                    if target is None:
                        target = importlib.import_module(f"{node.module}.{alias.name}")
                    bound[alias.asname or alias.name] = target
    return bound


def _resolve(chain: str, roots: dict[str, object]) -> list[object]:
    """Every object along a dotted chain, from its first name's binding."""
    head, *rest = chain.split(".")
    if head not in roots:
        return []
    obj, objects = roots[head], [roots[head]]
    for part in rest:
        obj = getattr(obj, part, None)
        if obj is None:
            break
        objects.append(obj)
    return objects


def _module_of_include(path: str, chapter: Path) -> object | None:
    file = (chapter.parent / path).resolve()
    try:
        relative = file.relative_to(SRC)
    except ValueError:
        return None
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    try:
        return importlib.import_module(".".join(parts))
    except ImportError:
        return None


def mentioned_ids(chapter: Path) -> set[int]:
    """``id`` of every package object a chapter mentions by a public name (see module doc)."""
    text = chapter.read_text(encoding="utf-8")
    roots = {"dlbook": dlbook, **_bindings(text)}
    ids: set[int] = set()
    for chain in set(CHAIN.findall(text)):
        ids.update(id(obj) for obj in _resolve(chain, roots))
    for path, options in LITERALINCLUDE.findall(text):
        module = _module_of_include(path, chapter)
        for target in PYOBJECT.findall(options):
            if module is not None:
                ids.update(id(obj) for obj in _resolve(target, vars(module)))
    return ids


_MENTIONS: dict[str, set[int]] = {}


def mentions(chapter: str) -> set[int]:
    if chapter not in _MENTIONS:
        _MENTIONS[chapter] = mentioned_ids(BOOK / f"{chapter}.md")
    return _MENTIONS[chapter]


def offenders() -> dict[str, list[str]]:
    """What is wrong with each public object's link, by kind."""
    found: dict[str, list[str]] = {
        "no_docstring_link": [],
        "missing_chapter": [],
        "not_mentioned": [],
    }
    for name, obj in sorted(OBJECTS.values(), key=lambda item: item[0]):
        chapters = named_chapters(obj)
        if not chapters:
            found["no_docstring_link"].append(name)
        for chapter in chapters:
            if not (BOOK / f"{chapter}.md").is_file():
                found["missing_chapter"].append(f"{name} -> /book/{chapter}")
            elif id(obj) not in mentions(chapter):
                found["not_mentioned"].append(f"{name} -> /book/{chapter}")
    return found


def test_the_package_has_public_objects():
    assert len(OBJECTS) > 100, f"found only {len(OBJECTS)} public objects: is dlbook importable?"


def test_every_public_docstring_names_an_existing_chapter():
    found = offenders()
    bad = found["no_docstring_link"] + found["missing_chapter"]
    assert not bad, (
        f"{len(bad)} public objects lack an 'Introduced in :doc:`/book/<part>/<chapter>`' line "
        "or name a chapter that does not exist:\n  " + "\n  ".join(bad)
    )


def test_every_named_chapter_mentions_its_object():
    bad = offenders()["not_mentioned"]
    assert not bad, (
        f"{len(bad)} of {len(OBJECTS)} public objects name a chapter that never mentions them by a "
        "public name (object -> chapter):\n  " + "\n  ".join(bad)
    )


def _private_in_chapter(chapter: Path) -> list[str]:
    text = chapter.read_text(encoding="utf-8")
    problems = []
    for path, options in LITERALINCLUDE.findall(text):
        for target in PYOBJECT.findall(options):
            if any(
                part.startswith("_") and not part.startswith("__") for part in target.split(".")
            ):
                problems.append(f"literalinclude {path} :pyobject: {target}")
    roots = {"dlbook": dlbook, **_bindings(text)}
    for cell in code_cells(text):
        for line in cell.splitlines():
            match = re.match(r"\s*from\s+(dlbook[\w.]*)\s+import\s+(.*)", line)
            if match:
                names = re.findall(r"\b\w+\b", match.group(2).split("#")[0])
                problems += [
                    f"imports {match.group(1)}.{name}"
                    for name in names
                    if name.startswith("_") and name != "as"
                ]
            if PLACEHOLDER.match(line):
                problems.append(f"placeholder: {line.strip()}")
        for chain in set(CHAIN.findall(cell)):
            head, *rest = chain.split(".")
            if (
                head in roots
                and inspect.ismodule(roots[head])
                and any(part.startswith("_") and not part.startswith("__") for part in rest)
            ):
                problems.append(f"uses {chain}")
    return [f"{chapter.relative_to(REPO)}: {problem}" for problem in problems]


def test_no_chapter_shows_a_private_object():
    bad = [problem for chapter in CHAPTERS for problem in _private_in_chapter(chapter)]
    assert not bad, "chapters show private objects or placeholders:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Introduced in :doc:`/book/cnn/convolution`.", ["cnn/convolution"]),
        (
            "Introduced in :doc:`/book/cnn/layers` and\n"
            "    :doc:`the RNN chapter </book/sequences/rnn>`.",
            ["cnn/layers", "sequences/rnn"],
        ),
        ("No link here.", []),
    ],
)
def test_named_chapters_reads_the_introduced_in_sentence(text, expected):
    def obj():
        pass

    obj.__doc__ = text
    assert named_chapters(obj) == expected


def test_mentions_resolve_names_not_words(tmp_path):
    from dlbook.np.nn import Conv2d, Linear
    from dlbook.np.nn.functional import conv2d

    chapter = tmp_path / "part" / "chapter.md"
    chapter.parent.mkdir()
    chapter.write_text(
        "PyTorch's `nn.Linear` and a bare Conv2d are not ours;\n"
        "{py:func}`~dlbook.np.nn.functional.conv2d` is.\n"
        "```{code-cell} ipython3\nimport dlbook.np as dnp\nlayer = dnp.nn.Conv2d(1, 1, 3)\n```\n",
        encoding="utf-8",
    )
    ids = mentioned_ids(chapter)
    assert id(Conv2d) in ids and id(conv2d) in ids and id(Linear) not in ids
