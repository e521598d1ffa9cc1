"""Errors that an editor can act on: each names the file, the line or key, and the fix.

Every check in the generator reports problems as ``SiteError`` values and collects them, so an
editor sees all of them from one run instead of fixing one typo per build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SiteError:
    """One problem in one input file."""

    path: str
    message: str
    fix: str = ""
    line: int | None = None
    key: str = ""
    source_line: str = ""
    # Lines shown before the offending one, as (line number, text): the line above an
    # indentation error, which is half of the mistake.
    context_lines: tuple[tuple[int, str], ...] = ()

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        text = f"{where}:{key} {self.message}"
        for number, line in self.context_lines:
            text += f"\n    {number} | {line.rstrip()}"
        if self.source_line:
            text += f"\n    {self.line} | {self.source_line.rstrip()}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


class SiteErrors(Exception):
    """Raised once, with every collected problem, when a build or check must stop."""

    def __init__(self, errors: list[SiteError]):
        self.errors = list(errors)
        super().__init__(self.format())

    def format(self) -> str:
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} to fix before the site can be built:"]
        lines.extend(error.format() for error in self.errors)
        return "\n\n".join(lines)


def display_path(path: str | Path, root: str | Path | None = None) -> str:
    """Show paths relative to the project folder, the way an editor sees them in their editor."""
    if root is not None:
        # Pages sit under the (resolved) project folder; resolving each one, a system call per
        # folder on the way, cost a large site a second a build.
        text, prefix = os.fspath(path), os.fspath(root).rstrip(os.sep) + os.sep
        if text.startswith(prefix) and os.path.isabs(text) and os.path.normpath(text) == text:
            return Path(text[len(prefix) :]).as_posix()
    path = Path(path)
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
