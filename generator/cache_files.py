"""Writing and tidying the build's cache folders (compiled pages, rendered pages, parsed YAML,
booklets), in one place so every cache behaves alike.

A cache is only ever a shortcut: failing to read, write or tidy it (a read-only checkout, a full
disk, a concurrent build removing a folder) must never fail a build, so ``OSError`` is swallowed
here and reported as a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
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


# Read first in a pack file: a file without it (another layout, a damaged start) holds nothing.
_PACK_MAGIC = b"iop-guide entry pack 1\n"


class EntryPack:
    """Many small cache entries in one file: read whole when first needed, written whole once,
    after a complete build, holding exactly the entries that build used.

    One file per entry made a cold build create about two thousand files at 1,000 pages (a
    page's parsed front matter and its rendered Markdown), and creating a file cost about a
    millisecond of system time each on the machines measured (BENCHMARKS.md, twelfth pass):
    roughly a tenth of the build. Reading one file is also cheaper for a warm build than opening
    one per page. The cost is memory: the whole file is held during a build (about 5 MB at 1,000
    pages).

    Each entry is stored as ``key length checksum`` on one line, then its bytes. An entry whose
    checksum does not match, and everything after a line that does not parse, is a miss; a
    file that cannot be read or does not begin with this layout's first line holds nothing.
    Keys are short names without spaces or line breaks (the caches use hex digests).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stored: dict[str, tuple[bytes, memoryview]] | None = None
        self._new: dict[str, bytes] = {}
        self._damaged = False
        self.used: set[str] = set()

    def _entries(self) -> dict[str, tuple[bytes, memoryview]]:
        if self._stored is None:
            self._stored = {}
            try:
                data = self.path.read_bytes()
            except OSError:
                return self._stored
            if data and not data.startswith(_PACK_MAGIC):
                self._damaged = True
                return self._stored
            view = memoryview(data)
            position = len(_PACK_MAGIC)
            while position < len(data):
                end_of_line = data.find(b"\n", position)
                parts = data[position:end_of_line].split(b" ")
                if end_of_line < 0 or len(parts) != 3 or not parts[1].isdigit():
                    self._damaged = True
                    break
                start = end_of_line + 1
                position = start + int(parts[1])
                if position > len(data):
                    self._damaged = True
                    break
                self._stored[parts[0].decode("ascii", "replace")] = (
                    parts[2],
                    view[start:position],
                )
        return self._stored

    def stored_keys(self) -> list[str]:
        """The keys the file holds (entries not yet checked against their checksums)."""
        return list(self._entries())

    def get(self, key: str) -> bytes | None:
        """The bytes kept under ``key``, if they are intact; counts ``key`` as used."""
        self.used.add(key)
        if key in self._new:
            return self._new[key]
        found = self._entries().get(key)
        if found is None:
            return None
        checksum, data = found
        if hashlib.sha256(data).hexdigest().encode("ascii") != checksum:
            del self._entries()[key]
            self._damaged = True
            return None
        return bytes(data)

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (written by ``save``); counts ``key`` as used."""
        if not key or any(character in key for character in " \n\r"):
            raise ValueError(f"a pack entry's key must have no spaces or line breaks: {key!r}")
        self.used.add(key)
        self._new[key] = data

    def keep(self, key: str, data: bytes) -> None:
        """Count ``key`` as used, with ``data`` as its bytes: kept as it is when the file already
        holds exactly that, else written by ``save``. For an entry found elsewhere (in memory)."""
        found = self._entries().get(key)
        if (
            found is not None
            and found[1] == data
            and hashlib.sha256(data).hexdigest().encode("ascii") == found[0]
        ):
            self.used.add(key)
        else:
            self.put(key, data)

    def save(self) -> int:
        """Write the entries used since this pack was made, and only those, replacing the file;
        then remove anything else in its folder (an older layout's files). Call only after a
        complete, successful build, which used every entry it needs. Nothing is written when
        the file already holds exactly those entries, intact. Returns how many entries went."""
        stored = self._entries()
        kept = [key for key in stored if key in self.used and key not in self._new]
        removed = sum(1 for key in stored if key not in self.used)
        if not self._new and not removed and not self._damaged:
            return 0
        parts = [_PACK_MAGIC]
        for key in sorted({*kept, *self._new}):
            data = self._new[key] if key in self._new else stored[key][1]
            checksum = (
                hashlib.sha256(data).hexdigest().encode("ascii")
                if key in self._new
                else stored[key][0]
            )
            parts.append(f"{key} {len(data)} ".encode("ascii") + checksum + b"\n")
            parts.append(data)
        if write_atomically(self.path, b"".join(parts)):
            remove_unused(self.path.parent, lambda entry: entry == self.path)
        return removed
