"""Writing and tidying the build's cache folders (compiled pages, rendered pages, parsed YAML,
booklets), in one place so every cache behaves alike.

A cache is only ever a shortcut: failing to read, write or tidy it (a read-only checkout, a full
disk, a concurrent build removing a folder) must never fail a build, so ``OSError`` is swallowed
here and reported as a miss.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` under a temporary name, then rename it, so a concurrent build
    reads all of it or nothing. Makes the folder if needed. Returns whether it was written."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def remove_unused(folder: Path, used: Callable[[Path], bool]) -> list[Path]:
    """Remove the entries of ``folder`` for which ``used`` is false; returns the ones removed.

    Call only after a complete, successful build, which looked up every entry it needs. A folder
    that is missing or cannot be listed removes nothing.
    """
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if not used(entry):
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed
