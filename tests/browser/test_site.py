"""The real site in real headless Chromium, in each of its languages (English at the root from
content/, Spanish under /es/ from content/es/): it renders, search works offline and stays in the
page's language, every page passes axe-core at desktop and phone widths, and no request leaves
the machine."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import axe_violations, first_search_result, site_pages
from tests.conftest import REPO

WIDTHS = [1280, 375]

# Each language: the prefix of its pages on the site, its content folder and <html lang>.
LANGUAGES = {"": ("content", "en"), "es/": ("content/es", "es")}
LANGUAGE_IDS = {"": "en", "es/": "es"}
language_param = pytest.mark.parametrize("language", list(LANGUAGES), ids=LANGUAGE_IDS.get)

# A query a reader would type, in each language, and the page it must find first.
SEARCH = {"": ("crisis lifeline", "get-help-now/"), "es/": ("ayuda ahora", "get-help-now/")}


def _pages(language: str = "") -> list[str]:
    """Pages of the real site in one language, listed from its content folder so each gets its
    own test id."""
    names = sorted(p.stem for p in (REPO / LANGUAGES[language][0]).glob("*.md"))
    return [language + ("" if name == "index" else f"{name}/") for name in names]


ALL_PAGES = [*_pages(""), *_pages("es/")]


def test_site_pages_match_content(built_site) -> None:
    assert sorted(site_pages(built_site)) == sorted(ALL_PAGES)
    assert len(_pages("es/")) > 2, "the Spanish pages are tested too"


@language_param
def test_home_page_renders_with_crisis_help(make_page, language: str) -> None:
    page = make_page(language)
    assert page.evaluate("document.documentElement.lang") == LANGUAGES[language][1]
    assert page.locator("h1").first.is_visible()
    strip = page.locator(".iop-crisis")
    assert strip.is_visible()
    assert strip.locator('a[href="tel:988"]').count() == 1
    assert strip.locator('a[href="tel:911"]').count() == 1
    assert page.outside_requests == []


def _strip_lines(page) -> set[str]:
    """The crisis strip's lines of words, numbers and the help lines' own names left out."""
    text = page.locator(".iop-crisis").inner_text()
    lines = set()
    for line in text.splitlines():
        line = re.sub(r"\(.*?\)|[0-9-]+", "", line).strip(" :.,")
        if re.search(r"[A-Za-zÁÉÍÓÚáéíóúñ]{3}", line):
            lines.add(" ".join(line.split()))
    return lines


def test_spanish_home_page_crisis_strip_speaks_spanish(make_page) -> None:
    """The strip is the first thing an anxious reader sees: on a Spanish page, none of its words
    is the English strip's."""
    english = _strip_lines(make_page(""))
    spanish_page = make_page("es/")
    spanish = _strip_lines(spanish_page)
    assert english and spanish
    assert english & spanish == set(), (
        f"English words in the Spanish crisis strip: {english & spanish}"
    )
    # The lifeline's Spanish name is in the strip (it prints; on screen the Spanish strip leaves
    # it out to stay one line, see iop-guide.css).
    assert (
        "Línea 988 de Prevención del Suicidio y Crisis"
        in spanish_page.locator(".iop-crisis").text_content()
    )


@pytest.mark.parametrize("width", WIDTHS)
@language_param
def test_search_finds_a_page(make_page, site_url, language: str, width: int) -> None:
    page = make_page(language, width=width)
    if width < 960:
        page.click('label.md-header__button[for="__search"]')
    query, expected = SEARCH[language]
    assert first_search_result(page, query).startswith(site_url + language + expected)
    links = page.locator(".md-search-result__item a").evaluate_all("ls => ls.map(l => l.href)")
    if language:
        assert all(link.startswith(site_url + language) for link in links), links
    else:
        assert not any(link.startswith(site_url + "es/") for link in links), links
    assert page.outside_requests == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ALL_PAGES)
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


@language_param
def test_no_horizontal_scrolling_on_a_small_phone(make_page, language: str) -> None:
    scrolling = {}
    for path in _pages(language):
        page = make_page(path, width=320, height=640)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            # What sticks out, so the report names the culprit.
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right
                                 > document.documentElement.clientWidth + 1)
                    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
            )
            scrolling[path or "home"] = f"{overflow}px: {wide}"
        page.close()
    assert scrolling == {}, "pages that scroll sideways at 320px"


@language_param
def test_glossary_term_explains_itself_on_keyboard_focus(make_page, language: str) -> None:
    page = make_page(language + "what-is-an-iop/")
    term = page.locator("article abbr[tabindex='0']").first
    title = term.get_attribute("title")
    assert title, "glossary terms carry their definition"
    page.keyboard.press("Tab")  # real keyboard focus, so :focus-visible applies
    term.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().strip() == " ".join(title.split())
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')")
