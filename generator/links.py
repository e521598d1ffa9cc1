"""Point MkDocs' link warnings at the page line that holds the link, and say how to fix it.

MkDocs checks links and anchors itself (we keep its checker); its warnings name the page and the
link but not the line, and an editor with a long page needs the line.
"""

from __future__ import annotations

import re

_LINK_WARNING = re.compile(r"^Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']+)'")


def find_link_line(source: str, link: str) -> tuple[int | None, str]:
    """First line of ``source`` that mentions ``link`` as a Markdown or HTML link target."""
    candidates = (f"]({link}", f"({link})", f'"{link}"', link)
    lines = source.splitlines()
    for candidate in candidates:
        for number, text in enumerate(lines, start=1):
            if candidate in text:
                return number, text
    return None, ""


def explain_link_warning(message: str, read_page) -> str | None:
    """The message with the file:line, the source line and a fix, or None if not a link warning.

    ``read_page(src_uri)`` returns the page's source text and the path to show, or None.
    """
    match = _LINK_WARNING.match(message)
    if match is None:
        return None
    page = read_page(match["page"])
    if page is None:
        return None
    source, shown = page
    line, source_line = find_link_line(source, match["link"])
    if "does not contain an anchor" in message:
        fix = (
            "link to a heading that exists: its id is the heading in lower case with dashes, "
            "or the {#id} written after it"
        )
    else:
        fix = (
            "check the file name and folder (links go to .md files or images inside content/, "
            "relative to this page), or remove the link"
        )
    where = f"{shown}:{line}" if line else shown
    text = f"{where}: {message}"
    if line:
        text += f"\n    {line} | {source_line.rstrip()}"
    return text + f"\n    fix: {fix}"
