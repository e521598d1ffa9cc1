"""Checklists (Markdown task lists) that screen readers can name.

``pymdownx.tasklist`` writes each box as an input inside an empty label, with the item's text
after the label, so the box has no accessible name and axe reports it. The item's first line
(the question, in our checklists) is the natural name, so it is copied onto the box.
"""

from __future__ import annotations

import html as html_lib
import re

_BOX = re.compile(
    r'(<label class="task-list-control"><input type="checkbox")([^>]*?/?>'
    r'<span class="task-list-indicator"></span></label>)(.*?)(?=</p>|</li>|<ul|<ol|<p>|\n)',
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")


def name_task_list_boxes(html: str) -> str:
    """Give every task-list checkbox an ``aria-label``: the text that follows it on its line."""

    def named(match: re.Match[str]) -> str:
        text = " ".join(html_lib.unescape(_TAG.sub("", match.group(3))).split())
        if not text:
            return match.group(0)
        label = html_lib.escape(text, quote=True)
        return f'{match.group(1)} aria-label="{label}"{match.group(2)}{match.group(3)}'

    return _BOX.sub(named, html)
