"""Turn MkDocs' link warnings into located errors: the page line, the likely target, the fix.

MkDocs checks links and anchors itself (we keep its checker), but its warnings name neither the
line nor, for a misspelt file, the page that was meant, and a broken link is a real error: the
reader clicks it and lands nowhere. A link starting with ``/`` is an error too: it works in the
preview but breaks when the site is published under a sub-path (``https://example.org/iop/``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

from generator.errors import SiteError

_PAGE_AND_LINK = re.compile(
    r"^Doc file '(?P<page>[^']+)' contains (?:a|an [\w ]+?) link '(?P<link>[^']+)'"
)
_ABSOLUTE = re.compile(r"contains an absolute link")
_UNRECOGNIZED = re.compile(r"contains an unrecognized relative link")
_ANCHOR = re.compile(
    r"but (?:the doc '(?P<target>[^']+)' does not contain an anchor '#(?P<anchor>[^']+)'|"
    r"there is no such anchor on this page)"
)
_MKDOCS_SUGGESTION = re.compile(r"Did you mean '(?P<suggestion>[^']+)'\?")

# How many of a page's ids to list for a broken anchor.
_ANCHORS_SHOWN = 40


def find_link_line(source: str, link: str) -> tuple[int | None, str]:
    """First line of ``source`` that mentions ``link`` as a Markdown or HTML link target."""
    candidates = (f"]({link}", f"({link})", f'"{link}"', link)
    lines = source.splitlines()
    for candidate in candidates:
        for number, text in enumerate(lines, start=1):
            if candidate in text:
                return number, text
    return None, ""


def link_error(
    message: str,
    read_page: Callable[[str], tuple[str, str] | None],
    page_names: Iterable[str] = (),
    anchors_of: Callable[[str], Iterable[str] | None] = lambda src_uri: None,
    folder: str = "content/",
) -> SiteError | None:
    """The error for one of MkDocs' link messages, or None if ``message`` is not about a link.

    ``read_page(src_uri)`` gives a page's source and the path to show; ``page_names`` are the
    site's page files (to suggest one for a misspelt link); ``anchors_of(src_uri)`` gives the
    ids a page has (to list them for a broken anchor); ``folder`` is the language's pages
    folder as the editor sees it (``content/`` or ``content/es/``), named in the fix.
    """
    match = _PAGE_AND_LINK.match(message)
    if match is None:
        return None
    src_uri, link = match["page"], match["link"]
    page = read_page(src_uri)
    source, shown = page if page is not None else ("", src_uri)
    line, source_line = find_link_line(source, link)
    suggestion = _MKDOCS_SUGGESTION.search(message)
    anchor = _ANCHOR.search(message)
    if _ABSOLUTE.search(message):
        text = (
            f"link '{link}' starts with '/': it works in the preview but breaks when the site "
            "is published under a sub-path"
        )
        fix = "link to the page's file, relative to this page"
        if suggestion:
            fix = f"write '{suggestion['suggestion']}' instead ({fix})"
    elif anchor is not None:
        target = anchor["target"] or src_uri
        wanted = anchor["anchor"] or link.partition("#")[2]
        text = f"broken link '{link}': {target} has no heading or term with the id '#{wanted}'"
        fix = _anchor_fix(wanted, anchors_of(target), target)
    else:
        kind = "a folder address, not a page file" if _UNRECOGNIZED.search(message) else ""
        text = f"broken link '{link}': " + (kind or f"there is no such page or file in {folder}")
        if suggestion:
            fix = f"did you mean '{suggestion['suggestion']}'?"
        else:
            fix = _file_fix(link, page_names, folder)
    return SiteError(shown, text, fix, line=line, source_line=source_line)


def _file_fix(link: str, page_names: Iterable[str], folder: str) -> str:
    path = link.partition("#")[0]
    names = list(page_names)
    close = difflib.get_close_matches(path, names, n=1, cutoff=0.6)
    base = (
        f"links go to .md files or images inside {folder}, relative to this page "
        "(for example get-help-now.md)"
    )
    if close:
        return f"did you mean '{close[0]}'? Links go to .md files or images inside {folder}"
    return base


def _anchor_fix(anchor: str, anchors: Iterable[str] | None, target: str) -> str:
    rule = (
        "a heading's id is its text in lower case with dashes, or the {#id} written after it; "
        "a glossary term's id is its abbreviation or term, the same way"
    )
    if not anchors:
        return rule
    ids = sorted(anchors)
    close = difflib.get_close_matches(anchor, ids, n=1)
    hint = f"did you mean '#{close[0]}'? " if close else ""
    shown = ", ".join(f"#{a}" for a in ids[:_ANCHORS_SHOWN])
    if len(ids) > _ANCHORS_SHOWN:
        shown += f" and {len(ids) - _ANCHORS_SHOWN} more"
    return f"{hint}the ids on {target} are: {shown} ({rule})"


def page_not_in_nav(shown: str, src_uri: str) -> SiteError:
    """A page missing from ``nav``: published, yet reachable only by a link or search."""
    title = src_uri.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").capitalize()
    return SiteError(
        shown,
        "this page is not in the navigation (`nav:` in site-config.yml), so readers find it "
        "only by a link or a search",
        f'add it to `nav:` in site-config.yml, for example:  - "{title}": {src_uri}',
        line=1,
    )
