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

_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.DOTALL)
_BODY = re.compile(r"<tbody>(.*?)</tbody>", re.DOTALL)
_HEADING = re.compile(r"<th\b[^>]*>(.*?)</th>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELL_START = re.compile(r"<td\b")
_TAG = re.compile(r"<[^>]+>")


def _plain_text(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub("", fragment)).split())


def _label_row(row: str, labels: list[str]) -> str:
    cells = iter(labels)

    def labelled(match: re.Match[str]) -> str:
        label = next(cells, "")
        if not label:
            return match.group(0)
        return f'<td data-label="{html_lib.escape(label, quote=True)}"'

    return _CELL_START.sub(labelled, row)


def _label_table(match: re.Match[str]) -> str:
    inner = match.group(1)
    head = _HEAD.search(inner)
    if head is None:
        return match.group(0)
    labels = [_plain_text(heading) for heading in _HEADING.findall(head.group(1))]

    def label_body(body: re.Match[str]) -> str:
        rows = _ROW.sub(lambda row: f"<tr>{_label_row(row.group(1), labels)}</tr>", body.group(1))
        return f"<tbody>{rows}</tbody>"

    return f"<table>{_BODY.sub(label_body, inner)}</table>"


def label_table_cells(html: str) -> str:
    """Give every body cell of every Markdown table a ``data-label``: its column's heading."""
    return _TABLE.sub(_label_table, html)
