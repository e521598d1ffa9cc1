"""Column headings copied onto table cells, so a table can read as labelled cards on a phone.

On a narrow screen a table of five or more columns either scrolls sideways, which readers miss,
or squeezes its columns to a word each. ``tables.css`` turns each row into a card instead, and
shows each cell's column heading above it from the cell's ``data-label``. Copying the heading
onto the cells at build time means every table gets this, whether a page quotes a data file
(``data_table``) or an editor types it in Markdown, and the words stay typed once.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

# Python-Markdown writes tables as plain ``<table>``, ``<tbody>`` and ``<tr>`` tags, so those are
# found with ``str.find``: a regular expression's lazy ``(.*?)`` over a whole page cost a fifth of
# a millisecond a page, the most of anything this package did to a page's HTML.
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.DOTALL)
_HEADING = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _plain_text(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub("", fragment)).split())


def _each_between(text: str, opening: str, closing: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to what lies between each ``opening`` and the first
    ``closing`` after it, as ``re.sub`` with ``opening(.*?)closing`` would: an opening without a
    closing after it, and everything after it, is left as it is."""
    parts: list[str] = []
    position = 0
    while (start := text.find(opening, position)) >= 0:
        inner_start = start + len(opening)
        end = text.find(closing, inner_start)
        if end < 0:
            break
        parts += (text[position:inner_start], change(text[inner_start:end]), closing)
        position = end + len(closing)
    if not parts:
        return text
    parts.append(text[position:])
    return "".join(parts)


def _label_row(row: str, attributes: list[str]) -> str:
    """Each ``<td`` that starts a cell tag (``<td>``, ``<td style=…>``, not ``<tdx``) gets the
    next column's attribute."""
    pieces = row.split("<td")
    cells = iter(attributes)
    for index in range(1, len(pieces)):
        after = pieces[index][:1]
        if after.isalnum() or after == "_":  # not a cell: "<td" is part of a longer name
            pieces[index] = "<td" + pieces[index]
        else:
            pieces[index] = "<td" + next(cells, "") + pieces[index]
    return "".join(pieces)


def _label_table(inner: str) -> str:
    head = _HEAD.search(inner)
    if head is None:
        return inner
    attributes = [
        f' data-label="{html_lib.escape(label, quote=True)}"' if label else ""
        for label in map(_plain_text, _HEADING.findall(head.group(1)))
    ]
    return _each_between(
        inner,
        "<tbody>",
        "</tbody>",
        lambda body: _each_between(body, "<tr>", "</tr>", lambda row: _label_row(row, attributes)),
    )


def label_table_cells(html: str) -> str:
    """Give every body cell of every Markdown table a ``data-label``: its column's heading."""
    return _each_between(html, "<table>", "</table>", _label_table)
