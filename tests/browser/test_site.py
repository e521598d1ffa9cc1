"""The real site in real headless Chromium: it renders, search works offline, every page passes
axe-core at desktop and phone widths, and no request leaves the machine."""

from __future__ import annotations

import pytest

from tests.browser_helpers import axe_violations, first_search_result, site_pages
from tests.conftest import REPO

WIDTHS = [1280, 375]


def _pages() -> list[str]:
    """Pages of the real site, listed from content/ so each gets its own test id."""
    names = sorted(p.stem for p in (REPO / "content").glob("*.md"))
    return ["" if name == "index" else f"{name}/" for name in names]


def test_site_pages_match_content(built_site) -> None:
    assert sorted(site_pages(built_site)) == sorted(_pages())


def test_home_page_renders_with_crisis_help(make_page) -> None:
    page = make_page("")
    assert page.locator("h1").first.is_visible()
    strip = page.locator(".iop-crisis")
    assert strip.is_visible()
    assert strip.locator('a[href="tel:988"]').count() == 1
    assert strip.locator('a[href="tel:911"]').count() == 1
    assert page.outside_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_a_page(make_page, width: int) -> None:
    page = make_page("", width=width)
    if width < 960:
        page.click('label.md-header__button[for="__search"]')
    assert "get-help-now/" in first_search_result(page, "crisis lifeline")
    assert page.outside_requests == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", _pages())
def test_page_has_no_axe_violations_and_no_outside_requests(make_page, path, width) -> None:
    page = make_page(path, width=width)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    assert page.outside_requests == []
    assert page.context.cookies() == []
    stored = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    # Material itself keeps UI preferences in storage only when the reader changes them (palette
    # toggle, dismissed banner); our pages set neither, so storage must stay empty.
    assert stored == [0, 0], f"{path} wrote to web storage"


def test_no_horizontal_scrolling_on_a_small_phone(make_page) -> None:
    for path in _pages():
        page = make_page(path, width=320, height=640)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path or 'home'} scrolls sideways by {overflow}px at 320px"
        page.close()


def test_glossary_term_explains_itself_on_keyboard_focus(make_page) -> None:
    page = make_page("what-is-an-iop/")
    term = page.locator("article abbr[tabindex='0']").first
    title = term.get_attribute("title")
    assert title, "glossary terms carry their definition"
    page.keyboard.press("Tab")  # real keyboard focus, so :focus-visible applies
    term.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().strip() == " ".join(title.split())
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
