"""Crash-safe file writes: a temporary file beside the target, fsync, then an atomic rename.

A checkpoint that is overwritten in place is lost if the process dies half-way through the
write. Writing to a temporary file in the *same directory* (so the rename cannot cross file
systems), flushing and fsyncing it, and only then calling ``os.replace`` means the path
always holds either the old file or the new one, complete. Fsyncing the directory afterwards
makes the rename itself durable. Temporary files left by a process that died mid-write are
removed after the next successful write to the same path.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from typing import IO, Any

_SUFFIX = ".tmp"


def _prefix(path: str) -> str:
    return f".{os.path.basename(path)}."


def temporary_files(path: str | os.PathLike[str]) -> list[str]:
    """The temporary files that writes to ``path`` have left in its directory (sorted)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    prefix = _prefix(path)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return []
    return sorted(os.path.join(directory, name) for name in names
                  if name.startswith(prefix) and name.endswith(_SUFFIX))


def _fsync_directory(directory: str) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms (Windows) cannot open a directory: nothing to sync
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], Any]) -> None:
    """Call ``write(file)`` on a temporary file, then atomically move it to ``path``.

    ``write`` receives a binary file object open for writing. If it raises, the temporary
    file is removed and ``path`` is left as it was; if the process dies, ``path`` still holds
    its previous content and the stray temporary file is removed by the next successful
    write. One process should write a given path at a time.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> target = os.path.join(folder, "note.bin")
    >>> atomic_write(target, lambda f: f.write(b"hello"))
    >>> from pathlib import Path
    >>> Path(target).read_bytes(), temporary_files(target)
    (b'hello', [])
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    temporary = os.path.join(directory, f"{_prefix(path)}{token}{_SUFFIX}")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    _fsync_directory(directory)
    for stale in temporary_files(path):  # left by a process that died while writing
        with contextlib.suppress(OSError):
            os.remove(stale)
