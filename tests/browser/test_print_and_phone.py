"""Paper and phones, in real headless Chromium: every page prints with its crisis lines, title,
content, review dates, sources and outside links written out, and without the screen's chrome;
every table reads at 320 and 375 px as labelled cards, with nothing cut off or scrolling sideways.
"""

from __future__ import annotations

import itertools
import re

import pytest
import yaml

from tests.browser_helpers import axe_violations
from tests.conftest import REPO

PHONE_WIDTHS = [320, 375]

# Material's screen chrome: header (with search), tabs, navigation sidebars, footer, back-to-top.
CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-search", ".md-footer", ".md-top"]


def _pages() -> list[str]:
    names = sorted(p.stem for p in (REPO / "content").glob("*.md"))
    return ["" if name == "index" else f"{name}/" for name in names]


def _pages_with_tables() -> list[str]:
    """Pages whose source has a Markdown table or quotes one from a data file."""
    pages = []
    for source in sorted((REPO / "content").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        if re.search(r"^\|", text, re.MULTILINE) or "data_table(" in text:
            pages.append("" if source.stem == "index" else f"{source.stem}/")
    return pages


def _crisis_numbers() -> list[str]:
    config = yaml.safe_load((REPO / "site-config.yml").read_text(encoding="utf-8"))
    crisis = config["extra"]["crisis"]
    return [crisis[line]["call"] for line in ("lifeline", "helpline", "emergency")]


def test_the_real_site_has_wide_tables_to_test() -> None:
    assert "levels-of-care/" in _pages_with_tables()
    assert len(_pages_with_tables()) >= 3


# The self-assessment has print styles of its own (assessment.css): on paper it is the reader's
# answers and result, or a blank form, so it keeps the crisis lines but not its page prose.
RESULT_SHEETS = {"self-assessment/"}


@pytest.mark.parametrize("path", _pages())
def test_page_prints_without_chrome_and_with_everything_a_reader_needs(make_page, path) -> None:
    page = make_page(path)
    for selector in CHROME:
        # On screen the chrome is there, so the print check below is about print styles.
        if selector in (".md-header", ".md-footer"):
            assert page.locator(selector).first.is_visible(), f"{selector} missing on screen"
    page.emulate_media(media="print")
    for selector in CHROME:
        shown = [e for e in page.locator(selector).all() if e.is_visible()]
        assert shown == [], f"{path or 'home'}: {selector} prints"
    strip = page.locator(".iop-crisis")
    assert strip.is_visible(), f"{path or 'home'}: the crisis lines do not print"
    strip_text = strip.inner_text()
    for number in _crisis_numbers():
        assert number in strip_text
    if path in RESULT_SHEETS:
        return
    assert page.locator("article h1").first.is_visible()
    assert page.locator("article p").first.is_visible()
    review = page.locator(".iop-review")
    if review.count():
        assert review.is_visible(), f"{path or 'home'}: review dates and sources do not print"
    written_out = page.evaluate(
        """() => [...document.querySelectorAll('article a[href^="http"]')].map(a => [
            a.getAttribute('href'), getComputedStyle(a, '::after').content])"""
    )
    for href, after in written_out:
        assert href in after, f"{path or 'home'}: the link to {href} prints without its address"
    assert page.outside_requests == []


def test_sources_print_with_their_addresses(make_page) -> None:
    page = make_page("levels-of-care/")
    page.emulate_media(media="print")
    sources = page.locator(".iop-review__sources a")
    assert sources.count() >= 1
    href = sources.first.get_attribute("href")
    after = sources.first.evaluate("a => getComputedStyle(a, '::after').content")
    assert href.startswith("https://") and href in after


def test_a_wide_table_fits_the_printed_page(make_page) -> None:
    page = make_page("levels-of-care/", width=1280)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 1000})  # about A4's width inside margins
    table = page.locator("article table").first
    clipped = table.evaluate("t => t.scrollWidth - t.clientWidth")
    assert clipped <= 0, f"the levels table is cut off on paper by {clipped}px"
    right = table.evaluate("t => t.getBoundingClientRect().right")
    assert right <= 700


_HIDDEN_CELLS = """() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    for (const cell of document.querySelectorAll('article td')) {
        const box = cell.getBoundingClientRect();
        const text = cell.innerText;
        if (box.width === 0 || box.height === 0) { problems.push(['no box', text]); continue; }
        if (box.left < -0.5 || box.right > width + 0.5) problems.push(['off screen', text]);
        if (cell.scrollWidth > cell.clientWidth + 1) problems.push(['clipped', cell.innerText]);
        for (let up = cell.parentElement; up; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
            const frame = up.getBoundingClientRect();
            if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5)
                problems.push(['hidden by ' + up.className, cell.innerText]);
        }
    }
    return problems;
}"""

_OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    // The column headings are visually hidden (clipped to 1px) on phones: each card shows them.
    return [...document.querySelectorAll('.md-content *')]
        .filter(e => !e.closest('thead'))
        .filter(e => e.getBoundingClientRect().right > width + 0.5
            || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
        .map(e => e.tagName + '.' + e.className);
}"""


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("path", _pages_with_tables())
def test_tables_read_on_a_phone_without_sideways_scrolling(make_page, path, width) -> None:
    page = make_page(path, width=width, height=700)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(_OVERFLOWING) == [], f"{path} overflows at {width}px"
    assert page.evaluate(_HIDDEN_CELLS) == [], f"{path}: table text is hidden at {width}px"
    labels = page.evaluate(
        """() => [...document.querySelectorAll('article td')].map(td => [
            td.dataset.label, getComputedStyle(td, '::before').content])"""
    )
    assert labels, f"{path} has no table cells"
    for label, shown in labels:
        assert label and shown == f'"{label}"', f"{path}: a cell does not show its heading"
    assert axe_violations(page) == []
    assert page.outside_requests == []


def test_levels_of_care_cards_label_every_fact_from_the_data(make_page) -> None:
    levels = yaml.safe_load((REPO / "content/data/levels.yml").read_text(encoding="utf-8"))
    headings = [column["heading"] for column in levels["columns"]]
    page = make_page("levels-of-care/", width=375, height=700)
    rows = page.locator("article table").first.locator("tbody tr")
    assert rows.count() == len(levels["levels"])
    first_card = rows.first
    assert [td.get_attribute("data-label") for td in first_card.locator("td").all()] == headings
    # Each card is stacked: its facts sit one under another, not side by side.
    boxes = [td.bounding_box() for td in first_card.locator("td").all()]
    assert all(
        later["y"] >= earlier["y"] + earlier["height"] - 1
        for earlier, later in itertools.pairwise(boxes)
    )


def test_tables_stay_tables_on_a_wide_screen(make_page) -> None:
    page = make_page("levels-of-care/", width=1280)
    display = page.locator("article td").first.evaluate("td => getComputedStyle(td).display")
    assert display == "table-cell"
