"""Glossary terms as Markdown abbreviations, so every use of a term explains itself.

Python-Markdown's ``abbr`` extension turns ``*[IOP]: ...`` definitions into ``<abbr title>``
wherever the word appears; Material's ``content.tooltips`` shows them. Generating the
definitions from ``content/data/glossary.yml`` keeps each definition typed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def abbreviation_definitions(glossary: Mapping[str, Any] | None) -> str:
    """The ``*[ABBR]: text`` block to append to every page (empty without a glossary)."""
    if not glossary:
        return ""
    lines = []
    for entry in glossary.get("terms", []):
        abbr = entry.get("abbr")
        if abbr:
            definition = " ".join(str(entry["definition"]).split())
            lines.append(f"*[{abbr}]: {entry['term']}: {definition}")
    return ("\n\n" + "\n".join(lines) + "\n") if lines else ""


def make_abbreviations_focusable(html: str) -> str:
    """Let keyboard users reach a term's explanation: an ``abbr`` is not focusable by default."""
    return html.replace("<abbr title=", '<abbr tabindex="0" title=')
