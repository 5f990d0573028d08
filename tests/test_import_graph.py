"""The import graph of ``dlbook``: two halves side by side over one shared floor, no circles.

Every module under ``src/dlbook`` is parsed with :mod:`ast` (nothing is imported), and every
import statement in it, at module level or inside a function, a class or an ``if`` (so
``TYPE_CHECKING`` blocks and lazy imports count), that names a ``dlbook`` module, absolutely
or relatively, becomes an edge. ``from a.b import c`` points at the module ``a.b.c`` when
there is one, else at ``a.b``. Parents of a module are not edges: importing
``dlbook.np.nn.linear`` runs ``dlbook/np/nn/__init__.py`` too, but that is Python's doing,
not an arrow that a contributor drew.

Each module belongs to one layer:

- **floor**: ``dlbook`` itself and ``dlbook._checks``, ``dlbook.random``, ``dlbook.shapes``,
  ``dlbook.history``, ``dlbook.metrics`` (and its modules), ``dlbook._progress`` (input checks,
  seeding, shape arithmetic, records, metrics, the progress bar: nothing framework-specific),
  and the training toolkit's framework-free core that both ``fit`` functions share:
  ``dlbook.callbacks_core`` (and its modules),
  ``dlbook._loop``, ``dlbook._session``, ``dlbook._atomic``, ``dlbook._checkpoint``, and the
  constructor checks the two halves' twins share, ``dlbook._layer_checks``;
- **np**: ``dlbook.np`` and everything under it;
- **torch**: ``dlbook.torch`` and everything under it;
- **data**: ``dlbook.data`` and everything under it;
- **tools**: every other module (``viz``, ``viz_trajectories``, ``surfaces``, ``detection``,
  ``interactive``, ``testing``, ``_parity``): figures, surfaces and helpers over the rest.

The rule (from "Layout: one concept, one name, four places" in DESIGN.md):

1. the floor imports only the floor;
2. ``np`` imports only the floor and ``np``; ``torch`` only the floor and ``torch``: the two
   halves never import each other, in either direction, not even a private helper;
3. ``data`` imports only the floor and ``data`` (``np``, ``torch`` and ``data`` stand side by
   side on the floor);
4. tools import the floor, ``data`` and other tools, never ``torch``, and ``np`` only where
   they drive a NumPy object that has no framework-free form, listed with the reason in
   ``TOOL_USES_OF_A_HALF``; anything a half and a tool share (seeding, checks, shapes) is
   floor material and is imported from the floor;
5. no circles: the graph of modules has no cycle (a module re-exporting a name from a module
   that imports it back is a cycle too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dlbook"

FLOOR = {"dlbook", "dlbook._checks", "dlbook.random", "dlbook.shapes", "dlbook.history",
         "dlbook.metrics", "dlbook.metrics.classification", "dlbook.metrics.regression",
         "dlbook.metrics.seeds", "dlbook._progress", "dlbook.callbacks_core",
         "dlbook.callbacks_core.state", "dlbook.callbacks_core.monitor",
         "dlbook.callbacks_core.early_stopping", "dlbook.callbacks_core.reduce_lr_on_plateau",
         "dlbook.callbacks_core.model_checkpoint", "dlbook._loop", "dlbook._session",
         "dlbook._atomic", "dlbook._checkpoint", "dlbook._layer_checks",
         "dlbook.callbacks_core.lambda_callback", "dlbook.callbacks_core.log_values",
         "dlbook.keras_rules", "dlbook.keras_rules._inputs", "dlbook.keras_rules.losses",
         "dlbook.keras_rules.optimizers", "dlbook.keras_rules.schedules",
         "dlbook.keras_rules.callbacks", "dlbook.keras_rules.normalization"}
ALLOWED = {
    "floor": {"floor"},
    "np": {"floor", "np"},
    "torch": {"floor", "torch"},
    "data": {"floor", "data"},
    "tools": {"floor", "data", "tools"},
}
# (tool module, module of a half it imports): why nothing on the floor can serve instead.
TOOL_USES_OF_A_HALF = {
    ("dlbook.surfaces", "dlbook.np.nn.parameter"):
        "descend hands a NumPy optimizer the point to move, and dlbook.np.optim trains only a "
        "dlbook.np.nn.Parameter",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str, modules: dict[str, Path]) -> str | None:
    """The module that ``name`` (a dotted name under dlbook) is, or the one holding it."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The dlbook modules that ``module`` imports anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            if name == "dlbook" or name.startswith("dlbook."):
                target = _target(name, modules)
                if target is not None and target != module:
                    targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def layer(module: str) -> str:
    if module in FLOOR:
        return "floor"
    parts = module.split(".")
    if parts[1] in ("np", "torch", "data"):
        return parts[1]
    return "tools"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = import_graph()


def test_the_parser_sees_relative_lazy_and_package_imports():
    """The graph is only as good as the parser: check it on imports known to be there."""
    assert "dlbook.np.nn" in GRAPH["dlbook.np"]  # from . import nn
    assert "dlbook.np.optim.lr_scheduler" in GRAPH["dlbook.np.optim"]  # a submodule by name
    assert "dlbook.random" in GRAPH["dlbook.np.nn.linear"]
    assert "dlbook.metrics" in GRAPH["dlbook.history"]
    assert layer("dlbook.np.nn.functional.conv") == "np"
    assert layer("dlbook.torch") == "torch"
    assert layer("dlbook.viz") == "tools"
    assert layer("dlbook.shapes") == "floor"


def test_floor_modules_exist():
    modules = all_modules()
    assert FLOOR <= set(modules), sorted(FLOOR - set(modules))


def test_every_module_imports_only_what_its_layer_may():
    bad = []
    for module, targets in sorted(GRAPH.items()):
        for target in sorted(targets):
            if layer(target) in ALLOWED[layer(module)]:
                continue
            if (module, target) in TOOL_USES_OF_A_HALF:
                continue
            bad.append(f"{module} ({layer(module)}) -> {target} ({layer(target)})")
    assert not bad, (
        f"{len(bad)} imports cross a layer boundary (see this file's docstring for the rule):\n"
        + "\n".join(bad)
    )


@pytest.mark.parametrize("pair", sorted(TOOL_USES_OF_A_HALF))
def test_listed_tool_uses_of_a_half_are_real(pair):
    """An exception that is no longer needed is removed, not kept as a loophole."""
    module, target = pair
    assert target in GRAPH[module], f"{module} no longer imports {target}: drop the entry"


def test_the_halves_never_import_each_other():
    crossing = [f"{m} -> {t}" for m, targets in sorted(GRAPH.items()) for t in sorted(targets)
                if {layer(m), layer(t)} == {"np", "torch"}]
    assert not crossing, "dlbook.np and dlbook.torch import each other:\n" + "\n".join(crossing)


def test_no_import_cycles():
    found = cycles(GRAPH)
    assert not found, "import cycles between modules:\n" + "\n".join(
        " <-> ".join(component) for component in found
    )
