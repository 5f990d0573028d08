"""Write the intersphinx inventories the offline book build links against.

The build machine has no network, so ``intersphinx_mapping`` in ``_config.yml`` points at the
inventories in this folder instead of fetching ``objects.inv`` from each project's site. Each
inventory maps the public names of an installed package to the page where that project documents
them, following the URL scheme of the project's own documentation. Run it again after an upgrade:

    .venv/bin/python book/_inv/make_inventories.py
"""

from __future__ import annotations

import builtins
import collections.abc
import inspect
import typing
import zlib
from pathlib import Path

HERE = Path(__file__).parent


def with_aliases(entries: list[tuple], objects: dict) -> list[tuple]:
    """Add each class again under its defining module's name (``torch.nn.modules.linear.Linear``),
    the name Sphinx sees when it documents a base class or a type of a subclass."""
    extra = []
    for name, role, uri, _display in entries:
        obj = objects.get(name)
        if inspect.isclass(obj):
            real = f"{obj.__module__}.{obj.__qualname__}"
            if real != name:
                extra.append((real, role, uri, name))
    return entries + extra


def resolve(name: str):
    import importlib

    module_name, _, attribute = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError):
        return None


def write_inventory(path: Path, project: str, version: str, entries: list[tuple]) -> None:
    """Write a Sphinx version-2 inventory: (name, domain:role, uri, display name) rows."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    seen = set()
    lines = []
    for name, role, uri, display in entries:
        if (name, role) in seen:
            continue
        seen.add((name, role))
        lines.append(f"{name} {role} 1 {uri} {display}\n")
    body = zlib.compress("".join(sorted(lines)).encode("utf-8"), 9)
    path.write_bytes(header.encode("utf-8") + body)
    print(f"{path.name}: {len(lines)} entries")


def python_entries() -> list[tuple]:
    entries = []
    for name, obj in vars(builtins).items():
        if name.startswith("_"):
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            entries.append((name, "py:exception", f"library/exceptions.html#{name}", "-"))
        elif inspect.isclass(obj):
            page = "stdtypes" if name in {"list", "dict", "tuple", "set", "str", "bytes"} else (
                "functions")
            entries.append((name, "py:class", f"library/{page}.html#{name}", "-"))
        elif callable(obj):
            entries.append((name, "py:function", f"library/functions.html#{name}", "-"))
    entries.append(("None", "py:data", "library/constants.html#None", "-"))
    for name in collections.abc.__all__:
        full = f"collections.abc.{name}"
        entries.append((full, "py:class", f"library/collections.abc.html#{full}", "-"))
    for name in typing.__all__:
        full = f"typing.{name}"
        role = "py:class" if name[0].isupper() else "py:function"
        entries.append((full, role, f"library/typing.html#{full}", "-"))
    for full, page in [
        ("pathlib.Path", "pathlib"),
        ("pathlib.PurePath", "pathlib"),
        ("os.PathLike", "os"),
        ("io.BufferedIOBase", "io"),
        ("types.ModuleType", "types"),
        ("dataclasses.dataclass", "dataclasses"),
    ]:
        entries.append((full, "py:class", f"library/{page}.html#{full}", "-"))
    return entries


def numpy_entries() -> list[tuple]:
    import numpy as np

    entries = []
    for name in dir(np):
        if name.startswith("_"):
            continue
        obj = getattr(np, name)
        full = f"numpy.{name}"
        if inspect.isclass(obj) and issubclass(obj, np.generic):
            entries.append((full, "py:class", f"reference/arrays.scalars.html#{full}", "-"))
        elif inspect.isclass(obj):
            entries.append((full, "py:class", f"reference/generated/{full}.html#{full}", "-"))
        elif callable(obj):
            entries.append((full, "py:function", f"reference/generated/{full}.html#{full}", "-"))
    for name in ["Generator", "default_rng", "SeedSequence", "BitGenerator"]:
        full = f"numpy.random.{name}"
        role = "py:function" if name == "default_rng" else "py:class"
        entries.append((full, role, f"reference/random/generator.html#{full}", "-"))
    for name in ["ArrayLike", "DTypeLike", "NDArray"]:
        full = f"numpy.typing.{name}"
        entries.append((full, "py:data", f"reference/typing.html#{full}", "-"))
    return entries


def torch_entries() -> list[tuple]:
    import torch

    entries = [
        ("torch.Tensor", "py:class", "tensors.html#torch.Tensor", "-"),
        ("torch.device", "py:class", "tensor_attributes.html#torch.device", "-"),
        ("torch.dtype", "py:class", "tensor_attributes.html#torch.dtype", "-"),
        ("torch.Generator", "py:class", "generated/torch.Generator.html#torch.Generator", "-"),
        ("torch.optim.Optimizer", "py:class", "optim.html#torch.optim.Optimizer", "-"),
        ("torch.autograd.grad", "py:function", "generated/torch.autograd.grad.html"
         "#torch.autograd.grad", "-"),
        ("torch.utils.data.DataLoader", "py:class", "data.html#torch.utils.data.DataLoader", "-"),
        ("torch.utils.data.Dataset", "py:class", "data.html#torch.utils.data.Dataset", "-"),
        ("torch.utils.data.TensorDataset", "py:class", "data.html#torch.utils.data.TensorDataset",
         "-"),
        ("torch.nn.Parameter", "py:class", "generated/torch.nn.parameter.Parameter.html"
         "#torch.nn.parameter.Parameter", "-"),
        ("torch.nn.parameter.Parameter", "py:class", "generated/torch.nn.parameter.Parameter.html"
         "#torch.nn.parameter.Parameter", "-"),
    ]
    for namespace, prefix in [(torch.nn, "torch.nn"), (torch.optim, "torch.optim"),
                              (torch.optim.lr_scheduler, "torch.optim.lr_scheduler")]:
        for name in dir(namespace):
            obj = getattr(namespace, name)
            if name.startswith("_") or not inspect.isclass(obj):
                continue
            full = f"{prefix}.{name}"
            entries.append((full, "py:class", f"generated/{full}.html#{full}", "-"))
    for namespace, prefix in [(torch, "torch"), (torch.nn.functional, "torch.nn.functional"),
                              (torch.nn.init, "torch.nn.init")]:
        for name in dir(namespace):
            obj = getattr(namespace, name)
            if name.startswith("_") or inspect.isclass(obj) or not callable(obj):
                continue
            full = f"{prefix}.{name}"
            page = "nn.init.html" if prefix == "torch.nn.init" else f"generated/{full}.html"
            entries.append((full, "py:function", f"{page}#{full}", "-"))
    return entries


def matplotlib_entries() -> list[tuple]:
    names = {
        "matplotlib.figure.Figure": "api/_as_gen/matplotlib.figure.Figure.html",
        "matplotlib.axes.Axes": "api/_as_gen/matplotlib.axes.Axes.html",
        "matplotlib.animation.FuncAnimation": "api/_as_gen/matplotlib.animation.FuncAnimation.html",
        "matplotlib.colors.Colormap": "api/_as_gen/matplotlib.colors.Colormap.html",
    }
    return [(full, "py:class", f"{page}#{full}", "-") for full, page in names.items()]


if __name__ == "__main__":
    import matplotlib
    import numpy
    import torch

    def finish(entries: list[tuple], modules: dict[str, str]) -> list[tuple]:
        entries = entries + [(m, "py:module", uri, "-") for m, uri in modules.items()]
        return with_aliases(entries, {e[0]: resolve(e[0]) for e in entries})

    write_inventory(HERE / "python.inv", "Python", "3", finish(python_entries(), {
        "typing": "library/typing.html#module-typing",
        "collections.abc": "library/collections.abc.html#module-collections.abc",
        "pathlib": "library/pathlib.html#module-pathlib"}))
    write_inventory(HERE / "numpy.inv", "NumPy", numpy.__version__, finish(numpy_entries(), {
        "numpy": "reference/index.html#module-numpy",
        "numpy.random": "reference/random/index.html#module-numpy.random"}))
    write_inventory(HERE / "torch.inv", "PyTorch", torch.__version__.split("+")[0],
                    finish(torch_entries(), {
                        "torch": "torch.html#module-torch",
                        "torch.nn": "nn.html#module-torch.nn",
                        "torch.nn.functional": "nn.functional.html#module-torch.nn.functional",
                        "torch.optim": "optim.html#module-torch.optim",
                        "torch.autograd": "autograd.html#module-torch.autograd",
                        "torch.utils.data": "data.html#module-torch.utils.data"}))
    write_inventory(HERE / "matplotlib.inv", "Matplotlib", matplotlib.__version__,
                    finish(matplotlib_entries(), {
                        "matplotlib": "index.html#module-matplotlib",
                        "matplotlib.pyplot": "api/pyplot_summary.html#module-matplotlib.pyplot"}))
