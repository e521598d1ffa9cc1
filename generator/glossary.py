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


_ABBR = "<abbr title="
_FOCUSABLE_ABBR = '<abbr tabindex="0" title='
# A link, up to the first "</a>" after it: HTML does not allow a link inside a link.
_LINK = re.compile(r"<a[\s>].*?</a>", re.DOTALL)


def make_abbreviations_focusable(html: str) -> str:
    """Let keyboard users reach a term's explanation: an ``abbr`` is not focusable by default.

    A term inside a link is left alone: the link already takes focus (and shows the tooltip),
    and a focusable element inside a link is invalid HTML that screen readers announce twice.
    Terms outside links are changed with ``str.replace``, between the links, because a page has
    dozens of them: one Python step each cost a tenth of a millisecond a page.
    """
    if _ABBR not in html:
        return html
    parts: list[str] = []
    position = 0
    for link in _LINK.finditer(html):
        parts += (html[position : link.start()].replace(_ABBR, _FOCUSABLE_ABBR), link.group())
        position = link.end()
    parts.append(html[position:].replace(_ABBR, _FOCUSABLE_ABBR))
    return "".join(parts)
