"""Refuse symbolic links in the project's folders that lead outside the project.

MkDocs follows symbolic links in ``docs_dir`` and publishes what they point to. A pull request
that adds ``content/notes.md -> /etc/passwd`` (or a link to the build machine's home folder)
would otherwise publish that file, or quote it in an error message in a public CI log. Links
that stay inside the project are harmless and allowed.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import SiteError


def links_leading_outside(folder: Path, project_root: Path) -> list[SiteError]:
    """One error per symbolic link under ``folder`` whose target is outside ``project_root``.

    The walk does not follow links, so a link to a folder is reported once, not entered, and a
    link loop cannot trap it.
    """
    root = project_root.resolve()
    if _leads_outside(folder, root):
        # The folder itself (content/ replaced by a link): nothing in it may be read.
        return [_error(folder, root)]
    errors: list[SiteError] = []
    if not folder.is_dir():
        return errors
    for current, folders, files in os.walk(folder, followlinks=False):
        for name in sorted([*folders, *files]):
            path = Path(current) / name
            if _leads_outside(path, root):
                errors.append(_error(path, root))
        folders.sort()
    return errors


def _leads_outside(path: Path, root: Path) -> bool:
    if not path.is_symlink():
        return False
    target = path.resolve()
    return not (target == root or root in target.parents)


def _error(path: Path, root: Path) -> SiteError:
    return SiteError(
        # Not display_path: it resolves the link, which would name the target.
        Path(os.path.relpath(os.path.abspath(path), root)).as_posix(),
        f"this is a link to {os.readlink(path)}, outside the project; it is never read or "
        "published",
        "replace the link with a copy of the file inside the project, or remove it",
    )
