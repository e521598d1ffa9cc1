"""Glossary terms made focusable outside links: the faster code against the loop it replaced."""

from __future__ import annotations

import random
import re

from generator.glossary import make_abbreviations_focusable

_LINK_OR_ABBR = re.compile(r"<a[\s>]|</a>|<abbr title=")


def _reference(html: str) -> str:
    """The token-by-token loop this module used before it changed text between links at once."""
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


_TERM = '<abbr title="Intensive outpatient program">IOP</abbr>'
_TEXT = ("word ", "<p>", "</p>", "<abbr>", "<area>", "<ab", "<abbr title", "\n", "é", "<ab>", "</a")
_LINK_OPENINGS = ('<a href="x/">', "<a>", '<a\nhref="y">', '<a\tclass="headerlink" href="#h">')


def _random_page(chooser: random.Random) -> str:
    """Well-formed as Python-Markdown writes it: every link closed, and no link in a link."""
    parts = []
    for _ in range(chooser.randint(0, 30)):
        roll = chooser.random()
        if roll < 0.3:
            parts.append(_TERM)
        elif roll < 0.5:
            inside = [chooser.choice((_TERM, *_TEXT)) for _ in range(chooser.randint(0, 3))]
            parts += [chooser.choice(_LINK_OPENINGS), *inside, "</a>"]
        else:
            parts.append(chooser.choice(_TEXT))
    return "".join(parts)


def test_the_same_as_the_loop_it_replaced_on_random_markup() -> None:
    chooser = random.Random(20261207)
    changed = 0
    for _ in range(3000):
        page = _random_page(chooser)
        expected = _reference(page)
        assert make_abbreviations_focusable(page) == expected, page
        changed += expected != page
    assert changed > 1000  # most pages have a term outside a link


def test_a_term_after_a_link_in_a_link_is_outside_both() -> None:
    """Invalid HTML: the browser ends the first link where the second begins, so after the
    first ``</a>`` no link is open, and the term there takes focus itself."""
    html = f'<a href="a/"><a href="b/">B</a> {_TERM}</a>'
    assert make_abbreviations_focusable(html) == html.replace("<abbr ", '<abbr tabindex="0" ')
