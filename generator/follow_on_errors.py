"""Fold the errors that a broken data file causes elsewhere into that file's own error.

A misspelt key in levels.yml makes every page that quotes the key fail too. Listing those pages
first sends the editor to the wrong files; the data file's own error, at its own line, is the
one to fix. So page (and data-text) render errors in files that quote a broken data file are
left out, and the data file's first error says which places should clear once it is fixed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from generator.errors import SiteError
from generator.template_errors import RENDER_PREFIXES

# How many of the folded places to name; the rest are counted.
_PLACES_SHOWN = 5


def fold_follow_on_errors(
    errors: list[SiteError],
    broken: Mapping[str, str],
    read_text: Callable[[str], str | None],
) -> list[SiteError]:
    """``errors`` with render errors caused by the ``broken`` data files (stem -> shown path)
    folded into each file's first error. ``read_text(path)`` gives a file's text, or None."""
    if not broken:
        return list(errors)
    quotes = {stem: re.compile(rf"\bdata\.{re.escape(stem)}\b") for stem in broken}
    texts: dict[str, str | None] = {}
    folded: dict[str, list[SiteError]] = {stem: [] for stem in broken}
    kept: list[SiteError] = []
    for error in errors:
        stem = None
        if error.message.startswith(RENDER_PREFIXES):
            if error.path not in texts:
                texts[error.path] = read_text(error.path)
            text = texts[error.path] or ""
            stem = next((s for s, pattern in quotes.items() if pattern.search(text)), None)
        if stem is None:
            kept.append(error)
        else:
            folded[stem].append(error)
    for stem, follow_ons in folded.items():
        if not follow_ons:
            continue
        index = next((i for i, e in enumerate(kept) if e.path == broken[stem]), None)
        if index is None:  # the file's own error is not in this list: keep everything
            kept.extend(follow_ons)
            continue
        kept[index] = _with_note(kept[index], follow_ons)
    return kept


def _with_note(error: SiteError, follow_ons: list[SiteError]) -> SiteError:
    places = [e.path if e.line is None else f"{e.path}:{e.line}" for e in follow_ons]
    shown = ", ".join(places[:_PLACES_SHOWN])
    if len(places) > _PLACES_SHOWN:
        shown += f" and {len(places) - _PLACES_SHOWN} more"
    count = len(places)
    noun = "error" if count == 1 else "errors"
    note = (
        f"fix this file first: {count} {noun} in places that quote it ({shown}) follow from it "
        "and are not listed separately"
    )
    fix = f"{error.fix}\n    then: {note}" if error.fix else note
    return dataclasses.replace(error, fix=fix)
