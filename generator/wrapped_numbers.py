"""A wrapped line in a list that fills in as "911. …" silently becomes a list item of its own.

Inside a list item, Markdown reads any line that starts with a number, a period and a space as
the start of a new numbered item. An editor who wraps a sentence so that a line starts with
``{{ crisis.emergency.call }}.`` sees no number in the source, but the page says "911." there:
the sentence above is cut off, "911" vanishes from it, and every later step is renumbered. It
happened once, in the Spanish overdose steps. This check finds such lines before Markdown does
and stops the build with the line and the fix.

Only lines inside a list item count (in a paragraph, Python-Markdown does not start a list
mid-paragraph), and only when the expression really fills in as a number: each candidate
expression is rendered on its own with the page's variables. One that cannot be rendered alone
(a loop variable, say) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2

from generator.errors import SiteError

# A line that starts (after any indentation) with one `{{ … }}` expression followed by ". " and
# more text: Python-Markdown's ordered-list marker, once the expression is filled in.
_CANDIDATE = re.compile(r"^[ \t]*(?P<expression>\{\{.*?\}\})\.[ ]+\S")
# A list item's first line: "1. ", "- ", "* " or "+ " after up to three spaces of indentation
# (more, inside a nested list).
_LIST_MARKER = re.compile(r"^[ \t]*(?:\d+\.|[-*+])[ ]+")


def _in_list_item(lines: list[str], index: int) -> bool:
    """Whether line ``index`` continues a paragraph that started as a list item."""
    previous = index - 1
    while previous >= 0 and lines[previous].strip():
        if _LIST_MARKER.match(lines[previous]):
            return True
        previous -= 1
    return False


def wrapped_number_errors(
    environment: jinja2.Environment,
    source: str,
    context: Mapping[str, Any],
    path: str,
    first_line: int,
) -> list[SiteError]:
    """Lines of ``source`` (a page body starting at ``first_line`` of ``path``) that would
    become a numbered list item of their own once filled in."""
    lines = source.split("\n")
    errors = []
    for index, line in enumerate(lines):
        match = _CANDIDATE.match(line)
        if match is None or not _in_list_item(lines, index):
            continue
        try:
            value = environment.from_string(match["expression"]).render(dict(context))
        except Exception:  # a loop variable or the like: not decidable alone
            continue
        if not value.strip().isdigit():
            continue
        errors.append(
            SiteError(
                path=path,
                line=first_line + index,
                message=(
                    f"this wrapped line starts with {match['expression']}, which fills in as "
                    f'"{value.strip()}." here, so Markdown starts a new numbered item: the '
                    "sentence above is cut off and the list is numbered wrongly"
                ),
                fix=(
                    "re-wrap the lines so this one does not start with the expression (move "
                    "the last word of the line above onto it); for a new numbered item, type "
                    "its number in the text"
                ),
                source_line=line,
            )
        )
    return errors
