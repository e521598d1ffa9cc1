"""Glossary terms as Markdown abbreviations, so every use of a term explains itself.

Python-Markdown's ``abbr`` extension turns ``*[IOP]: ...`` definitions into ``<abbr title>``
wherever the word appears; Material's ``content.tooltips`` shows them. Generating the
definitions from ``content/data/glossary.yml`` keeps each definition typed once.
"""

from __future__ import annotations

import re
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


_LINK_OR_ABBR = re.compile(r"<a[\s>]|</a>|<abbr title=")


def make_abbreviations_focusable(html: str) -> str:
    """Let keyboard users reach a term's explanation: an ``abbr`` is not focusable by default.

    A term inside a link is left alone: the link already takes focus (and shows the tooltip),
    and a focusable element inside a link is invalid HTML that screen readers announce twice.
    """
    parts: list[str] = []
    position = 0
    inside_link = 0
    for match in _LINK_OR_ABBR.finditer(html):
        token = match.group()
        if token == "</a>":
            inside_link = max(0, inside_link - 1)
        elif token != "<abbr title=":
            inside_link += 1
        elif not inside_link:
            parts.append(html[position : match.start()])
            parts.append('<abbr tabindex="0" title=')
            position = match.end()
    parts.append(html[position:])
    return "".join(parts)
